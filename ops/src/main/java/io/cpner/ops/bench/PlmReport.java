package io.cpner.ops.bench;

import io.cpner.model.Plm;
import io.cpner.ops.bench.measure.EngineBench;
import io.cpner.ops.bench.measure.MemoryProbe;
import io.cpner.ops.bench.measure.PlmPrefixes;
import io.cpner.ops.bench.peers.MatmulCeiling;
import io.cpner.ops.bench.peers.TfPeerBench;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What one {@code cpner bench} run measured for one PLM, and the ratios the performance targets are
 * stated in, each computed from figures of this same run and PLM. Printed as tables whose headings
 * name the PLM, and written as one section of the JSON.
 */
public final class PlmReport {
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

  /**
   * Which engine rows the targets compare.
   *
   * @param int8Engine label of the int8 engine rows with one caller (the processor's default precision)
   * @param fp32Engine label of the fp32 engine rows on the same runtime
   * @param pipelineEngine label of the engine rows measured as the pipeline drives the engine
   * @param pipelineBatch the pipeline's batch.max.documents
   */
  public record Compared(String int8Engine, String fp32Engine, String pipelineEngine, int pipelineBatch) {}

  /** One target: the ratio measured and the bound it must meet; a bound of NaN: printed for information. */
  public record Target(String name, double measured, double bound, boolean atLeast, String how) {
    static Target info(String name, double measured, String how) {
      return new Target(name, measured, Double.NaN, true, how);
    }

    boolean informational() {
      return Double.isNaN(bound);
    }

    boolean met() {
      return atLeast ? measured >= bound : measured <= bound;
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("measured", measured);
      m.put("bound", informational() ? null : bound);
      m.put("atLeast", atLeast);
      m.put("met", informational() ? null : met());
      m.put("how", how);
      return m;
    }
  }

  final String name;
  final Compared compared;
  final Map<String, Object> plm = new LinkedHashMap<>();
  final Map<String, Object> corpusTokens = new LinkedHashMap<>();
  MatmulCeiling.Result ceiling;
  final List<EngineBench.Point> engine = new ArrayList<>();
  final List<EngineBench.Point> ortPeer = new ArrayList<>();
  final List<EngineBench.Point> tfPeer = new ArrayList<>();
  final List<EngineBench.Point> mixed = new ArrayList<>();
  final List<Memory> memory = new ArrayList<>();
  long prefixTensorBytes;
  final List<Map<String, Object>> pipeline = new ArrayList<>();

  /**
   * @param name the PLM as the command line names it
   * @param residentBytes what loading it added to the process's resident set
   * @param prefixes the directory of each domain's prefix
   */
  PlmReport(String name, Plm plm, long residentBytes, Map<String, PlmPrefixes.Found> prefixes, Compared compared) {
    this.name = name;
    this.compared = compared;
    this.plm.put("name", name);
    this.plm.put("id", plm.id());
    this.plm.put("sha256", plm.sha256());
    this.plm.put("parameters", plm.weights().parameterCount());
    this.plm.put("residentBytes", residentBytes);
    Map<String, String> dirs = new LinkedHashMap<>();
    prefixes.forEach((domain, found) -> dirs.put(domain, found.dir().toString()));
    this.plm.put("prefixes", dirs);
  }

  public String name() {
    return name;
  }

  /** @param tokens per sentence, its word pieces in this PLM's vocabulary plus [CLS] and [SEP] */
  public void corpusTokens(int[] tokens) {
    int[] sorted = tokens.clone();
    Arrays.sort(sorted);
    corpusTokens.put("mean", Arrays.stream(tokens).average().orElse(0));
    corpusTokens.put("median", sorted[sorted.length / 2]);
    corpusTokens.put("max", sorted[sorted.length - 1]);
  }

  public void ceiling(MatmulCeiling.Result result) {
    this.ceiling = result;
  }

  public void engine(EngineBench.Point p) {
    engine.add(p);
  }

  /** A row of ONNX Runtime running the PLM's own ONNX file. */
  public void onnxruntimePeer(EngineBench.Point p) {
    ortPeer.add(p);
  }

  /** A row of TensorFlow running the PLM's own SavedModel. */
  public void tensorflowPeer(EngineBench.Point p) {
    tfPeer.add(p);
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
    EngineBench.Point best = best(engine, label, EngineBench.Point::tokensPerSec);
    return best == null ? fallback : best.batch();
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

  /** The point of {@code points} (of {@code label}, or any if null) with the most of {@code figure}, or null. */
  private static EngineBench.Point best(List<EngineBench.Point> points, String label, ToDoubleFunction<EngineBench.Point> figure) {
    return points.stream().filter(p -> label == null || p.label().equals(label))
        .max((a, b) -> Double.compare(figure.applyAsDouble(a), figure.applyAsDouble(b))).orElse(null);
  }

  /** The targets of the performance issues, from this PLM's figures (those whose inputs were measured). */
  public List<Target> targets() {
    List<Target> out = new ArrayList<>();
    int pipelineBatch = compared.pipelineBatch();
    EngineBench.Point int8Best = best(engine, compared.int8Engine(), EngineBench.Point::tokensPerSec);
    EngineBench.Point fp32Best = best(engine, compared.fp32Engine(), EngineBench.Point::tokensPerSec);
    EngineBench.Point atPipelineBatch = enginePoint(compared.pipelineEngine(), pipelineBatch);
    List<PipelineBench.Point> saturated = points("batched, saturated");
    if (atPipelineBatch != null && !saturated.isEmpty()) {
      double tokens = saturated.stream().mapToDouble(PipelineBench.Point::tokensPerSec).max().orElseThrow();
      out.add(new Target("pipeline / engine tokens/s (batch " + pipelineBatch + ")", tokens / atPipelineBatch.tokensPerSec(),
          0.8, true, "best saturated pipeline point vs engine-only at the same batch size, driven as the pipeline drives it ("
              + atPipelineBatch.label() + ")"));
    }
    if (int8Best != null) {
      int batch = int8Best.batch();
      double peerBest = ortPeer.stream().filter(p -> p.batch() == batch).mapToDouble(EngineBench.Point::tokensPerSec).max().orElse(0);
      if (peerBest > 0) {
        out.add(new Target("engine / onnxruntime peer tokens/s (batch " + batch + ")", int8Best.tokensPerSec() / peerBest,
            1.0, true, "engine with prefixes vs the better of the peer's two batchings, same batch size"));
      }
      // the int8 engine on every core at its best threading: one caller whose passes use them all,
      // or the processor's stream threads each with its share (the pipeline's rows, when they are
      // the int8 engine's); the tensorflow peer is measured at both threadings too
      EngineBench.Point asServed = compared.pipelineEngine().startsWith(compared.int8Engine())
          ? best(engine, compared.pipelineEngine(), EngineBench.Point::tokensPerSec) : null;
      EngineBench.Point onAllCores = asServed != null && asServed.tokensPerSec() > int8Best.tokensPerSec() ? asServed : int8Best;
      String engineAt = onAllCores.label() + ", batch " + onAllCores.batch();
      EngineBench.Point tfComputed = best(tfPeer, null, EngineBench.Point::computedTokensPerSec);
      if (tfComputed != null) {
        out.add(new Target("engine int8 / tensorflow peer computed tokens/s", onAllCores.tokensPerSec()
            / tfComputed.computedTokensPerSec(), 2.0, true, "each at its best batch and threading: engine (" + engineAt
            + ") vs the peer's computed tokens (batch x " + TfPeerBench.POSITIONS + " a call; " + tfComputed.label()
            + ", batch " + tfComputed.batch() + ")"));
        EngineBench.Point tfReal = best(tfPeer, null, EngineBench.Point::tokensPerSec);
        out.add(Target.info("engine int8 / tensorflow peer real tokens/s", onAllCores.tokensPerSec() / tfReal.tokensPerSec(),
            "each at its best batch and threading: engine (" + engineAt + ") vs the peer's own tokens of the sentences ("
                + tfReal.label() + ", batch " + tfReal.batch() + ")"));
        EngineBench.Point tfOneCaller = best(tfPeer, TfPeerBench.ONE_CALLER, EngineBench.Point::computedTokensPerSec);
        if (tfOneCaller != null) {
          out.add(Target.info("engine int8 / tensorflow peer computed tokens/s, one caller each", int8Best.tokensPerSec()
              / tfOneCaller.computedTokensPerSec(), "engine (" + compared.int8Engine() + ", batch " + batch
              + ") vs the peer with one caller (batch " + tfOneCaller.batch() + ")"));
        }
      }
      if (ceiling != null) {
        out.add(new Target("engine int8 / int8 matmul ceiling", onAllCores.tokensPerSec() / ceiling.int8().tokensPerSec(), 0.8,
            true, "engine's real tokens/s at its best batch and threading (" + engineAt
                + ") vs the ceiling from the measured MatMulInteger rate on every core"));
      }
    }
    if (fp32Best != null && ceiling != null) {
      out.add(new Target("engine fp32 / fp32 matmul ceiling", fp32Best.tokensPerSec() / ceiling.fp32().tokensPerSec(), 0.6, true,
          "engine's best batch (" + compared.fp32Engine() + ") vs the ceiling from the measured fp32 MatMul rate"));
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

  /** This PLM's tables, each heading ending with its name ({@link PlmReportTables}). */
  public void print(PrintStream out, Map<String, String> pipelineSettings) {
    PlmReportTables.print(this, out, pipelineSettings);
  }

  /** This PLM's section of the JSON report. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("plm", plm);
    m.put("corpusTokens", corpusTokens);
    m.put("ceiling", ceiling);
    m.put("engine", engine);
    m.put("onnxruntimePeer", ortPeer);
    m.put("tensorflowPeer", tfPeer);
    m.put("mixedDomains", mixed);
    m.put("memory", memory);
    m.put("prefixTensorBytes", prefixTensorBytes);
    m.put("pipeline", pipeline);
    m.put("targets", targets().stream().map(Target::toJson).toList());
    return m;
  }
}
