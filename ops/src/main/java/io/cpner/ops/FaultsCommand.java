package io.cpner.ops;

import io.cpner.model.Plm;
import io.cpner.model.PlmIdentity;
import io.cpner.model.loading.PlmLoader;
import io.cpner.ops.faults.Fault;
import io.cpner.ops.faults.FaultSuite;
import io.cpner.ops.faults.ScenarioReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cpner faults}: the reliability suite. Runs each fault scenario against {@code cpner run}
 * processors in JVMs of their own (an in-process broker and registry), and prints one row per
 * scenario: inputs, results, dead letters, lost, duplicated. Exits 1 if any scenario lost or
 * duplicated something it must not have, or could not finish.
 */
@Command(name = "faults", mixinStandardHelpOptions = true,
    description = "Inject faults (SIGKILL, SIGTERM, broker restart, rebalance, at-least-once crash) into running processors"
        + " and reconcile inputs against committed results.")
final class FaultsCommand implements Callable<Integer> {
  @Option(names = "--scenario", split = ",", description = "Scenarios to run (default: all): ${COMPLETION-CANDIDATES}.")
  List<Fault> scenarios;

  @Option(names = "--documents-per-second", defaultValue = "10", description = "Rate of the document stream (default ${DEFAULT-VALUE}).")
  int documentsPerSecond;

  @Option(names = "--timeout-s", defaultValue = "180", description = "Longest single wait of a scenario (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--keep-work-dir", description = "Keep processor configs, state and logs even when every scenario passes.")
  boolean keepWorkDirectory;

  @Option(names = "--plm", defaultValue = PlmLoader.MINILM, description = "The PLM the processors run (default ${DEFAULT-VALUE},"
      + " which starts in seconds; " + PlmLoader.BERT_BASE_CASED + " for the product's default). The suite's prefix is a rule"
      + " prefix built for it: it tests delivery and timing, not accuracy.")
  String plmName;

  @Override
  public Integer call() throws Exception {
    List<Fault> faults = scenarios == null || scenarios.isEmpty() ? Arrays.asList(Fault.values()) : scenarios;
    PlmIdentity plm;
    try (Plm loaded = PlmLoader.load(plmName, PlmLoader.defaultCacheDir())) {
      plm = loaded.identity(); // the processors run this PLM; the suite's prefix is built for it
    }
    List<ScenarioReport> reports = new ArrayList<>();
    boolean allPassed = true;
    try (FaultSuite suite = FaultSuite.start(plm, new FaultSuite.Options(documentsPerSecond, Duration.ofSeconds(timeoutSeconds),
        keepWorkDirectory, plmName))) {
      System.out.print(ScenarioReport.header());
      for (Fault fault : faults) {
        try {
          ScenarioReport report = suite.run(fault);
          reports.add(report);
          allPassed &= report.passed();
          System.out.print(report.row());
        } catch (Exception e) {
          allPassed = false;
          System.out.printf("%-22s could not finish: %s%n", fault.label(), e.getMessage());
        }
      }
      System.out.println();
      System.out.print(ScenarioReport.table(reports));
      if (!allPassed || keepWorkDirectory) {
        System.out.println("processor configs, state and logs kept in " + suite.workDirectory());
      }
    }
    return allPassed ? 0 : 1;
  }
}
