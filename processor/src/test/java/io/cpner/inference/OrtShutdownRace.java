package io.cpner.inference;

import io.cpner.model.Plm;
import io.cpner.model.loading.PlmLoader;
import io.cpner.model.onnx.PrefixedEncoderGraph.Precision;
import io.cpner.prefix.DomainPrefix;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

/**
 * A child JVM for {@link PinnedOrtEnvironmentTest}: two threads run int8 forward passes of the bundled
 * PLM without pause, and the JVM exits under them (System.exit, so every shutdown hook runs, ONNX
 * Runtime's own among them), as it does on SIGTERM or Ctrl-C during {@code cpner eval} or a
 * processor's last batch. Prints the passes that finished before the exit and the failed ones.
 */
public final class OrtShutdownRace {
  public static void main(String[] args) throws Exception {
    Plm plm = PlmLoader.loadBundled();
    AtomicInteger passes = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    long[] row = new long[40];
    Arrays.fill(row, 2000);
    List<long[]> rows = Collections.nCopies(8, row);
    List<DomainPrefix> noPrefixes = Collections.nCopies(8, null);
    long[] positions = LongStream.range(0, 8 * row.length).toArray();
    for (int t = 0; t < 2; t++) {
      RowEncoder encoder = EncoderBackend.ONNXRUNTIME.open(plm, Precision.INT8, 1);
      Thread worker = new Thread(() -> {
        while (true) {
          try {
            encoder.hiddenAt(rows, noPrefixes, positions);
            passes.incrementAndGet();
          } catch (RuntimeException e) {
            failures.incrementAndGet();
          }
        }
      }, "pass-" + t);
      worker.setDaemon(true);
      worker.start();
    }
    while (passes.get() < 20) {
      Thread.sleep(5);
    }
    System.out.println("passes before the exit: " + passes.get() + ", failed: " + failures.get());
    System.out.flush();
    System.exit(0);
  }
}
