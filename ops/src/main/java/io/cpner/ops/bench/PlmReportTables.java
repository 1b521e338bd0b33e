package io.cpner.ops.bench;

import io.cpner.ops.bench.measure.EngineBench;
import io.cpner.ops.bench.peers.MatmulCeiling;
import io.cpner.ops.bench.peers.TfPeerBench;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints one PLM's section of {@code cpner bench}: its tables of figures, then its targets. */
final class PlmReportTables {
  private PlmReportTables() {}

  /** The report's tables, each heading ending with the PLM's name. */
  static void print(PlmReport r, PrintStream out, Map<String, String> pipelineSettings) {
    out.printf("%n==== %s: %s, %,d parameters, %,.1f MiB resident once loaded%n", r.name, r.plm.get("id"),
        (long) r.plm.get("parameters"), (long) r.plm.get("residentBytes") / 1048576.0);
    out.printf("prefixes: %s%n", ((Map<?, ?>) r.plm.get("prefixes")).entrySet().stream()
        .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", ")));
    if (!r.corpusTokens.isEmpty()) {
      out.printf("corpus tokens in its vocabulary: mean %.1f / median %s / max %s%n", (double) r.corpusTokens.get("mean"),
          r.corpusTokens.get("median"), r.corpusTokens.get("max"));
    }
    if (r.ceiling != null) {
      out.printf("%n-- matmul at the model's shapes (%d tokens x in x out), ONNX Runtime, %s%n", r.ceiling.tokens(), r.name);
      out.printf("   %-28s %13s %13s%n", "", "fp32 GFLOP/s", "int8 GOP/s");
      for (MatmulCeiling.ShapeRate s : r.ceiling.shapes()) {
        out.printf("   %4d x %4d  (%d per layer)      %13.1f %13.1f%n", s.in(), s.out(), s.perLayer(), s.fp32GflopsPerSec(),
            s.int8GopsPerSec());
      }
      out.printf("   %.1f MFLOP per token -> fp32 ceiling %,.0f tokens/s at %.1f GFLOP/s; int8 ceiling %,.0f tokens/s at %.1f GOP/s%n",
          r.ceiling.flopsPerToken() / 1e6, r.ceiling.fp32().tokensPerSec(), r.ceiling.fp32().gopsPerSec(), r.ceiling.int8().tokensPerSec(),
          r.ceiling.int8().gopsPerSec());
    }
    printPoints(out, "engine only (NerEngine.tag: split, tokenize, forward, heads), " + r.name, r.engine);
    printPoints(out, "onnxruntime peer: the model's own ONNX file, no prefix, " + r.name, r.ortPeer);
    printPoints(out, "tensorflow peer: the model's own SavedModel (TF-Java), no prefix, " + TfPeerBench.POSITIONS
        + " positions a row, " + r.name, r.tfPeer);
    printPoints(out, "mixed domains (" + r.compared.int8Engine() + "), " + r.name, r.mixed);
    if (r.memory.size() == 2) {
      out.printf("%n-- memory, %s%n", r.name);
      for (PlmReport.Memory m : r.memory) {
        out.printf("   %5d domains: resident %,.1f MiB = outside the Java heap %,.1f + heap committed %,.1f; heap used after GC %,.1f MiB%n",
            m.domains(), m.residentBytes() / 1048576.0, m.outsideHeapBytes() / 1048576.0, m.heapCommittedBytes() / 1048576.0,
            m.heapUsedBytes() / 1048576.0);
      }
      out.printf("   one prefix's tensors: %,d bytes%n", r.prefixTensorBytes);
    }
    if (!r.pipeline.isEmpty()) {
      out.printf("%n-- full pipeline through the in-process broker (Avro, schema registry, exactly-once), settings %s, %s%n",
          pipelineSettings, r.name);
      out.printf("   %-28s %5s %6s %9s %9s %10s %8s %8s %8s %8s %9s%n", "mode", "batch", "delay", "offered", "docs/s", "tokens/s",
          "p50 ms", "p95 ms", "p99 ms", "results", "proc CPU");
      for (Map<String, Object> row : r.pipeline) {
        PipelineBench.Point p = (PipelineBench.Point) row.get("point");
        out.printf("   %-28s %5d %6d %9s %9.1f %10.0f %8.1f %8.1f %8.1f %8d %8.0f%%%n", row.get("mode"), p.batchSize(), p.maxDelayMs(),
            Double.isInfinite(p.offeredDocsPerSec()) || p.offeredDocsPerSec() <= 0 ? "max" : String.format("%.1f", p.offeredDocsPerSec()),
            p.docsPerSec(), p.tokensPerSec(), p.p50Ms(), p.p95Ms(), p.p99Ms(), p.results(), 100 * p.processorCpuShare());
      }
      out.printf("   proc CPU: the processor's threads' share of this process's CPU time in the window; the rest is the%n"
          + "   in-process broker and registry, the bench's producer and reader, and the JVM's own threads%n");
    }
    out.printf("%n-- targets, %s (ratios of figures from this run)%n", r.name);
    for (PlmReport.Target t : r.targets()) {
      if (t.informational()) {
        out.printf("   %-62s %8.2f  (for information)%n", t.name(), t.measured());
      } else {
        out.printf("   %-62s %8.2f  %s %5.2f  %s%n", t.name(), t.measured(), t.atLeast() ? ">=" : "<=", t.bound(),
            t.met() ? "met" : "NOT MET");
      }
    }
  }

  private static void printPoints(PrintStream out, String title, List<EngineBench.Point> points) {
    if (points.isEmpty()) {
      return;
    }
    out.printf("%n-- %s%n", title);
    out.printf("   %-52s %5s %10s %10s %9s %9s %8s%n", "", "batch", "tokens/s", "computed/s", "docs/s", "ms/call", "padding");
    for (EngineBench.Point p : points) {
      out.printf("   %-52s %5d %10.0f %10.0f %9.1f %9.1f %7.1f%%%n", p.label(), p.batch(), p.tokensPerSec(),
          p.computedTokensPerSec(), p.docsPerSec(), p.msPerCall(), 100 * p.paddingWaste());
    }
  }
}
