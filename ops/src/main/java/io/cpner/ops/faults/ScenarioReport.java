package io.cpner.ops.faults;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one scenario measured: its tally of inputs against committed outcomes, how long it took, what
 * happened along the way, and every promise it saw broken (none when it passed).
 */
public record ScenarioReport(Fault fault, Tally tally, double seconds, List<String> notes, List<String> violations) {
  private static final String FORMAT = "%-22s %7s %8s %13s %5s %11s  %-16s %8s  %s%n";

  public boolean passed() {
    return violations.isEmpty();
  }

  public int inputs() {
    return tally.inputs();
  }

  public int lost() {
    return tally.lost();
  }

  public int duplicated() {
    return tally.duplicated();
  }

  /** The table's header line. */
  public static String header() {
    return String.format(FORMAT, "scenario", "inputs", "results", "dead letters", "lost", "duplicated", "prefix versions",
        "seconds", "notes").stripTrailing() + "\n";
  }

  /** This scenario's line of the table. */
  public String row() {
    String versions = tally.versions().entrySet().stream().map(e -> "v" + e.getKey() + ":" + e.getValue())
        .collect(Collectors.joining(" "));
    String remarks = String.join("; ", notes) + (passed() ? "" : "; FAILED: " + String.join("; ", violations));
    return String.format(FORMAT, fault.label(), tally.inputs(), tally.results(), tally.deadLetters(), tally.lost(),
        tally.duplicated(), versions, String.format("%.1f", seconds), remarks);
  }

  /** Header and rows. */
  public static String table(List<ScenarioReport> reports) {
    return header() + reports.stream().map(ScenarioReport::row).collect(Collectors.joining());
  }

  /** Results per prefix version. */
  public Map<Long, Integer> versions() {
    return tally.versions();
  }
}
