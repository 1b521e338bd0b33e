package io.cpner.ops.bench;

import io.cpner.model.Plm;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@code cpner bench} run measured, and the ratios the performance targets are stated in,
 * each computed from figures of this same run. Printed as tables and written as JSON.
 */
public final class BenchReport {
  /** A measured memory footprint with a given number of domains loaded. */
  public record Memory(int domains, long residentBytes, long heapUsedBytes, long heapCommittedBytes, long outsideHeapBytes) {
    Memory(int domains, MemoryProbe.Reading r) {
      this(domains, r.residentBytes(), r.heapUsedBytes(), r.heapCommittedBytes(), r.outsideHeapBytes());
    }
  }

  /** How the rows of the mixed-domain runs pick their prefixes. */
  public enum DomainMix {
    SINGLE("1 domain"), SHIPPED("shipped domains interleaved"), SYNTHETIC("1000 synthetic domains interleaved");

    public final String description;

    DomainMix(String description) {
      this.description = description;
    }
  }

  /** One target: the ratio measured and the bound it must meet. */
  public record Target(String name, double measured, double bound, boolean atLeast, String how) {
    boolean met() {
      return atLeast ? measured >= bound : measured <= bound;
    }
  }

  private final Map<String, Object> machine = new LinkedHashMap<>();
  private final Map<String, Object> corpus = new LinkedHashMap<>();
  private MatmulCeiling.Result ceiling;
  private final List<EngineBench.Point> engine = new ArrayList<>();
  private final List<EngineBench.Point> peer = new ArrayList<>();
  private final List<EngineBench.Point> mixed = new ArrayList<>();
  private final List<Memory> memory = new ArrayList<>();
  private long prefixTensorBytes;
  private final List<Map<String, Object>> pipeline = new ArrayList<>();
  private String pipelineEngine;

  public BenchReport(Plm plm, int cores, int threads, long plmResidentBytes) {
    machine.put("date", Instant.now().toString());
    machine.put("cpu", cpuModel());
    machine.put("cores", cores);
    machine.put("intraOpThreads", threads);
    machine.put("java", System.getProperty("java.version"));
    machine.put("plm", plm.id());
    machine.put("plmParameters", plm.weights().parameterCount());
    machine.put("plmResidentBytes", plmResidentBytes);
  }

  /**
   * The processor settings the pipeline runs add to their own (threads, backend, ...), and the label
   * of the engine rows measured as the pipeline drives the engine, which its targets compare with.
   */
  public void pipelineSettings(Map<String, String> settings, String engineLabel) {
    machine.put("pipelineSettings", new LinkedHashMap<>(settings));
    machine.put("pipelineEngine", engineLabel);
    pipelineEngine = engineLabel;
  }

  public void corpus(String source, int sentences, int[] tokens) {
    int[] sorted = tokens.clone();
    Arrays.sort(sorted);
    corpus.put("source", source);
    corpus.put("sentences", sentences);
    corpus.put("tokensMean", Arrays.stream(tokens).average().orElse(0));
    corpus.put("tokensMedian", sorted[sorted.length / 2]);
    corpus.put("tokensMax", sorted[sorted.length - 1]);
  }

  public void ceiling(MatmulCeiling.Result result) {
    this.ceiling = result;
  }

  public void engine(EngineBench.Point p) {
    engine.add(p);
  }

  public void peer(EngineBench.Point p) {
    peer.add(p);
  }

  public void mixed(EngineBench.Point p) {
    mixed.add(p);
  }

  public void memory(int fewDomains, MemoryProbe.Reading few, int manyDomains, MemoryProbe.Reading many, long tensorBytes) {
    memory.add(new Memory(fewDomains, few));
    memory.add(new Memory(manyDomains, many));
    this.prefixTensorBytes = tensorBytes;
  }

  public void pipeline(String mode, PipelineBench.Point p) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("mode", mode);
    row.put("point", p);
    pipeline.add(row);
  }

  /** The batch size at which {@code label} had the most tokens/s, or {@code fallback} if not measured. */
  public int bestEngineBatch(String label, int fallback) {
    return engine.stream().filter(p -> p.label().equals(label))
        .max((a, b) -> Double.compare(a.tokensPerSec(), b.tokensPerSec())).map(EngineBench.Point::batch).orElse(fallback);
  }

  /** The highest sustained documents/s of the batched pipeline so far. */
  public double maxPipelineDocsPerSec() {
    return points("batched, saturated").stream().mapToDouble(PipelineBench.Point::docsPerSec).max().orElseThrow();
  }

  private List<PipelineBench.Point> points(String mode) {
    return pipeline.stream().filter(r -> r.get("mode").equals(mode)).map(r -> (PipelineBench.Point) r.get("point")).toList();
  }

  private EngineBench.Point enginePoint(String label, int batch) {
    return engine.stream().filter(p -> p.label().equals(label) && p.batch() == batch).findFirst().orElse(null);
  }

  /** The targets of the performance issue, from this run's figures (those whose inputs were measured). */
  public List<Target> targets(String defaultEngine, int pipelineBatch) {
    List<Target> out = new ArrayList<>();
    int best = bestEngineBatch(defaultEngine, pipelineBatch);
    EngineBench.Point bestPoint = enginePoint(defaultEngine, best);
    EngineBench.Point atPipelineBatch = enginePoint(pipelineEngine == null ? defaultEngine : pipelineEngine, pipelineBatch);
    List<PipelineBench.Point> saturated = points("batched, saturated");
    if (atPipelineBatch != null && !saturated.isEmpty()) {
      double tokens = saturated.stream().mapToDouble(PipelineBench.Point::tokensPerSec).max().orElseThrow();
      out.add(new Target("pipeline / engine tokens/s (batch " + pipelineBatch + ")", tokens / atPipelineBatch.tokensPerSec(),
          0.8, true, "best saturated pipeline point vs engine-only at the same batch size, driven as the pipeline drives it ("
              + atPipelineBatch.label() + ")"));
    }
    if (bestPoint != null) {
      double peerBest = peer.stream().filter(p -> p.batch() == best).mapToDouble(EngineBench.Point::tokensPerSec).max().orElse(0);
      if (peerBest > 0) {
        out.add(new Target("engine / onnxruntime peer tokens/s (batch " + best + ")", bestPoint.tokensPerSec() / peerBest,
            1.0, true, "engine with prefixes vs the better of the peer's two batchings, same batch size"));
      }
      if (ceiling != null) {
        out.add(new Target("engine / fp32 matmul ceiling", bestPoint.tokensPerSec() / ceiling.ceilingTokensPerSec(), 0.6, true,
            "engine's best batch vs the ceiling from the measured fp32 matmul rate"));
      }
    }
    List<PipelineBench.Point> perRecord = points("per-record (batch 1)");
    if (!perRecord.isEmpty() && !saturated.isEmpty()) {
      out.add(new Target("batched / per-record pipeline docs/s", maxPipelineDocsPerSec() / perRecord.get(0).docsPerSec(), 4.0,
          true, "best saturated batched point vs the same topology with batch size 1"));
    }
    if (atPipelineBatch != null) {
      for (PipelineBench.Point half : points("batched, half of max load")) {
        double bound = half.maxDelayMs() + 2 * atPipelineBatch.msPerCall();
        out.add(new Target("p99 at half load, max delay " + half.maxDelayMs() + " ms (bound ms)", half.p99Ms(), bound, false,
            "bound = max delay + 2 x engine time of one batch of " + pipelineBatch + " (" + atPipelineBatch.label() + ")"));
      }
    }
    double single = mean(DomainMix.SINGLE);
    for (DomainMix mix : List.of(DomainMix.SHIPPED, DomainMix.SYNTHETIC)) {
      double other = mean(mix);
      if (single > 0 && other > 0) {
        out.add(new Target("mixed (" + mix.description + ") / single-domain tokens/s", other / single, 0.9, true,
            "same batches, prefixes interleaved row by row; mean of alternating rounds"));
      }
    }
    if (memory.size() == 2) {
      double perDomain = (double) (memory.get(1).heapUsedBytes() - memory.get(0).heapUsedBytes())
          / (memory.get(1).domains() - memory.get(0).domains());
      out.add(new Target("heap per extra domain / its prefix tensor bytes", perDomain / prefixTensorBytes, 1.05, false,
          "Java heap after GC with " + memory.get(1).domains() + " vs " + memory.get(0).domains() + " domains"));
    }
    return out;
  }

  private double mean(DomainMix mix) {
    return mixed.stream().filter(p -> p.label().equals(mix.description)).mapToDouble(EngineBench.Point::tokensPerSec)
        .average().orElse(0);
  }

  public void print(PrintStream out, String defaultEngine, int pipelineBatch) {
    out.printf("%n== cpner bench, %s, %s, %s cores, %s intra-op threads, Java %s%n", machine.get("date"), machine.get("cpu"),
        machine.get("cores"), machine.get("intraOpThreads"), machine.get("java"));
    out.printf("corpus: %s, %s sentences, tokens mean %.1f / median %s / max %s%n", corpus.get("source"),
        corpus.get("sentences"), (double) corpus.get("tokensMean"), corpus.get("tokensMedian"), corpus.get("tokensMax"));
    if (ceiling != null) {
      out.printf("%n-- fp32 matmul at the model's shapes (%d tokens x in x out), ONNX Runtime%n", ceiling.tokens());
      for (MatmulCeiling.ShapeRate s : ceiling.shapes()) {
        out.printf("   %4d x %4d  (%d per layer)  %7.1f GFLOP/s%n", s.in(), s.out(), s.perLayer(), s.gflopsPerSec());
      }
      out.printf("   %.1f MFLOP per token -> ceiling %,.0f tokens/s at %.1f GFLOP/s%n", ceiling.flopsPerToken() / 1e6,
          ceiling.ceilingTokensPerSec(), ceiling.gflopsPerSec());
    }
    printPoints(out, "engine only (NerEngine.tag: split, tokenize, forward, heads)", engine);
    printPoints(out, "onnxruntime peer: the model's own ONNX file, no prefix", peer);
    printPoints(out, "mixed domains (" + defaultEngine + ")", mixed);
    if (memory.size() == 2) {
      out.printf("%n-- memory%n");
      for (Memory m : memory) {
        out.printf("   %5d domains: resident %,.1f MiB = outside the Java heap %,.1f + heap committed %,.1f; heap used after GC %,.1f MiB%n",
            m.domains(), m.residentBytes() / 1048576.0, m.outsideHeapBytes() / 1048576.0, m.heapCommittedBytes() / 1048576.0,
            m.heapUsedBytes() / 1048576.0);
      }
      out.printf("   one prefix's tensors: %,d bytes%n", prefixTensorBytes);
    }
    if (!pipeline.isEmpty()) {
      out.printf("%n-- full pipeline through the in-process broker (Avro, schema registry, exactly-once), settings %s%n",
          machine.get("pipelineSettings"));
      out.printf("   %-28s %5s %6s %9s %9s %10s %8s %8s %8s %8s %9s%n", "mode", "batch", "delay", "offered", "docs/s", "tokens/s",
          "p50 ms", "p95 ms", "p99 ms", "results", "proc CPU");
      for (Map<String, Object> r : pipeline) {
        PipelineBench.Point p = (PipelineBench.Point) r.get("point");
        out.printf("   %-28s %5d %6d %9s %9.1f %10.0f %8.1f %8.1f %8.1f %8d %8.0f%%%n", r.get("mode"), p.batchSize(), p.maxDelayMs(),
            Double.isInfinite(p.offeredDocsPerSec()) || p.offeredDocsPerSec() <= 0 ? "max" : String.format("%.1f", p.offeredDocsPerSec()),
            p.docsPerSec(), p.tokensPerSec(), p.p50Ms(), p.p95Ms(), p.p99Ms(), p.results(), 100 * p.processorCpuShare());
      }
      out.printf("   proc CPU: the processor's threads' share of this process's CPU time in the window; the rest is the%n"
          + "   in-process broker and registry, the bench's producer and reader, and the JVM's own threads%n");
    }
    out.printf("%n-- targets (ratios of figures from this run)%n");
    for (Target t : targets(defaultEngine, pipelineBatch)) {
      out.printf("   %-62s %8.2f  %s %5.2f  %s%n", t.name(), t.measured(), t.atLeast() ? ">=" : "<=", t.bound(),
          t.met() ? "met" : "NOT MET");
    }
  }

  private static void printPoints(PrintStream out, String title, List<EngineBench.Point> points) {
    if (points.isEmpty()) {
      return;
    }
    out.printf("%n-- %s%n", title);
    out.printf("   %-52s %5s %10s %9s %9s %8s%n", "", "batch", "tokens/s", "docs/s", "ms/call", "padding");
    for (EngineBench.Point p : points) {
      out.printf("   %-52s %5d %10.0f %9.1f %9.1f %7.1f%%%n", p.label(), p.batch(), p.tokensPerSec(), p.docsPerSec(),
          p.msPerCall(), 100 * p.paddingWaste());
    }
  }

  public Map<String, Object> toJson(String defaultEngine, int pipelineBatch) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("machine", machine);
    m.put("corpus", corpus);
    m.put("ceiling", ceiling);
    m.put("engine", engine);
    m.put("onnxruntimePeer", peer);
    m.put("mixedDomains", mixed);
    m.put("memory", memory);
    m.put("prefixTensorBytes", prefixTensorBytes);
    m.put("pipeline", pipeline);
    m.put("targets", targets(defaultEngine, pipelineBatch).stream().map(t -> Map.of("name", t.name(), "measured", t.measured(),
        "bound", t.bound(), "atLeast", t.atLeast(), "met", t.met(), "how", t.how())).toList());
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
