package io.cpner.ops.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.SharedPlm;
import io.cpner.ops.bench.measure.EngineBench;
import io.cpner.ops.bench.peers.MatmulCeiling;
import io.cpner.ops.bench.peers.TfPeerBench;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlmReportTest {
  private static final String INT8 = "engine onnxruntime int8";
  private static final String AS_PROCESSOR = INT8 + ", 2 callers x 1 threads";
  private static final MatmulCeiling.Result CEILING = new MatmulCeiling.Result(1024, List.of(), 1e6,
      new MatmulCeiling.Ceiling(350, 2000), new MatmulCeiling.Ceiling(1200, 7000));

  @Test
  void shouldCompareTheCeilingWithTheInt8EngineAsTheProcessorsStreamThreadsDriveItWhenThatIsFaster() {
    // given one-caller int8 rows and faster rows of two callers with one thread each
    PlmReport report = report(AS_PROCESSOR);
    report.engine(point(INT8, 32, 3500));
    report.engine(point(INT8, 8, 3300));
    report.engine(point(AS_PROCESSOR, 16, 5250));
    report.engine(point(AS_PROCESSOR, 32, 5100));
    // when the targets are computed
    PlmReport.Target target = target(report, "engine int8 / int8 matmul ceiling");
    // then the ceiling ratio is the processor's threading at its best batch, and says so
    assertEquals(0.75, target.measured(), 1e-9);
    assertTrue(target.how().contains(AS_PROCESSOR + ", batch 16"), target.how());
  }

  @Test
  void shouldKeepTheOneCallerInt8RowsWhenTheProcessorRunsAnotherPrecision() {
    // given a pipeline on the fp32 engine, whose rows are faster than nothing the int8 target may use
    String fp32AsProcessor = "engine onnxruntime fp32, 2 callers x 1 threads";
    PlmReport report = report(fp32AsProcessor);
    report.engine(point(INT8, 32, 3500));
    report.engine(point(fp32AsProcessor, 32, 6000));
    // when the targets are computed
    PlmReport.Target target = target(report, "engine int8 / int8 matmul ceiling");
    // then only the int8 engine's own rows count
    assertEquals(0.5, target.measured(), 1e-9);
    assertTrue(target.how().contains(INT8 + ", batch 32"), target.how());
  }

  @Test
  void shouldCompareTheTensorflowPeerAndTheEngineEachAtItsBestThreading() {
    // given the engine and the peer, each with one caller on both cores and with two callers on one core each
    PlmReport report = report(AS_PROCESSOR);
    report.engine(point(INT8, 32, 3000));
    report.engine(point(AS_PROCESSOR, 8, 4800));
    report.tensorflowPeer(new EngineBench.Point(TfPeerBench.ONE_CALLER, 32, 600, 20, 1000, 1.5)); // 1,500 computed/s
    report.tensorflowPeer(new EngineBench.Point(TfPeerBench.ONE_CALLER + ", 2 callers x 1 threads", 8, 640, 20, 1000, 2.0));
    // when the targets are computed
    PlmReport.Target target = target(report, "engine int8 / tensorflow peer computed tokens/s");
    PlmReport.Target oneCallerEach = target(report, "engine int8 / tensorflow peer computed tokens/s, one caller each");
    // then the target sets the engine's best (two callers) against the peer's best computed rate (two callers: 1,920/s)
    assertEquals(4800 / 1920.0, target.measured(), 1e-9);
    assertTrue(target.how().contains(AS_PROCESSOR + ", batch 8"), target.how());
    assertTrue(target.how().contains("2 callers x 1 threads, batch 8"), target.how());
    // and one caller against one caller is reported beside it, for information
    assertTrue(oneCallerEach.informational());
    assertEquals(3000 / 1500.0, oneCallerEach.measured(), 1e-9);
  }

  private static PlmReport report(String pipelineEngine) {
    PlmReport report = new PlmReport("minilm", SharedPlm.get(), 0, Map.of(),
        new PlmReport.Compared(INT8, "engine onnxruntime fp32", pipelineEngine, 32));
    report.ceiling(CEILING);
    return report;
  }

  private static EngineBench.Point point(String label, int batch, double tokensPerSec) {
    return new EngineBench.Point(label, batch, tokensPerSec, tokensPerSec / 30, 100, 0.05);
  }

  private static PlmReport.Target target(PlmReport report, String name) {
    return report.targets().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }
}
