package io.cpner.ops.bench;

import io.cpner.model.Plm;
import io.cpner.ops.bench.measure.PlmPrefixes;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@code cpner bench} run measured: the machine and corpus, then one {@link PlmReport} per
 * PLM, in the order they ran. Printed as tables and written as JSON
 * ({@code {machine, corpus, plms: [...]}}).
 */
public final class BenchReport {
  private final Map<String, Object> machine = new LinkedHashMap<>();
  private final Map<String, Object> corpus = new LinkedHashMap<>();
  private final List<PlmReport> plms = new ArrayList<>();
  private final Map<String, String> pipelineSettings;
  private final PlmReport.Compared compared;

  /**
   * @param pipelineSettings the processor settings the pipeline runs add to their own (threads,
   *     backend, ...)
   * @param compared which engine rows every PLM's targets compare
   */
  public BenchReport(int cores, int threads, Map<String, String> pipelineSettings, PlmReport.Compared compared) {
    machine.put("date", Instant.now().toString());
    machine.put("cpu", cpuModel());
    machine.put("cores", cores);
    machine.put("intraOpThreads", threads);
    machine.put("java", System.getProperty("java.version"));
    machine.put("pipelineSettings", new LinkedHashMap<>(pipelineSettings));
    machine.put("pipelineEngine", compared.pipelineEngine());
    this.pipelineSettings = Map.copyOf(pipelineSettings);
    this.compared = compared;
  }

  public void corpus(String source, int sentences) {
    corpus.put("source", source);
    corpus.put("sentences", sentences);
  }

  /**
   * Starts the section of a loaded PLM.
   *
   * @param name the PLM as the command line names it
   * @param residentBytes what loading it added to the process's resident set
   * @param prefixes the prefixes the bench runs on it, by domain
   */
  public PlmReport plm(String name, Plm plm, long residentBytes, Map<String, PlmPrefixes.Found> prefixes) {
    PlmReport report = new PlmReport(name, plm, residentBytes, prefixes, compared);
    plms.add(report);
    return report;
  }

  public void print(PrintStream out) {
    out.printf("%n== cpner bench, %s, %s, %s cores, %s intra-op threads, Java %s%n", machine.get("date"), machine.get("cpu"),
        machine.get("cores"), machine.get("intraOpThreads"), machine.get("java"));
    out.printf("corpus: %s, %s sentences; PLMs: %s%n", corpus.get("source"), corpus.get("sentences"),
        String.join(", ", plms.stream().map(PlmReport::name).toList()));
    for (PlmReport plm : plms) {
      plm.print(out, pipelineSettings);
    }
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("machine", machine);
    m.put("corpus", corpus);
    m.put("plms", plms.stream().map(PlmReport::toJson).toList());
    return m;
  }

  private static String cpuModel() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (java.io.IOException e) {
      return System.getProperty("os.arch");
    }
    return System.getProperty("os.arch");
  }
}
