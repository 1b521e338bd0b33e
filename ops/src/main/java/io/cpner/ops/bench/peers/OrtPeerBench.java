package io.cpner.ops.bench.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.cpner.inference.PinnedOrtEnvironment;
import io.cpner.ops.bench.measure.EngineBench;
import io.cpner.ops.bench.measure.TimedCalls;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The peer a user would pick for fast CPU inference of this model: ONNX Runtime running the PLM's
 * own ONNX file (the one the engine's weights are read from) with default session options (all
 * graph optimizations, one intra-op thread per core), on the same word-piece rows. It cannot take a
 * prefix, so it runs the plain encoder: a lower bound on what prefixed inference could cost on it.
 */
public final class OrtPeerBench implements AutoCloseable {
  private final OrtEnvironment env = PinnedOrtEnvironment.get();
  private final OrtSession session;
  private final List<long[]> rows;
  private final boolean tuned;

  /**
   * @param rows each text's word-piece ids with [CLS] and [SEP], parallel to the corpus
   * @param tuned also switch off memory-pattern planning, as the engine does (shapes change every
   *     pass); false: the session options a user starts with
   */
  public OrtPeerBench(byte[] onnxModel, List<long[]> rows, int threads, boolean tuned) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setMemoryPatternOptimization(!tuned);
      this.session = env.createSession(onnxModel, options);
    }
    this.rows = rows;
    this.tuned = tuned;
  }

  /**
   * Runs {@code batch} consecutive rows per call, padded to the longest, for {@code seconds}.
   *
   * @param sortChunks sort each chunk by length and cut it where the engine's padding limit would
   *     (the best a user could do), rather than padding the chunk as it arrives
   */
  public EngineBench.Point measure(int batch, boolean sortChunks, double maxPaddingRatio, double seconds) throws OrtException {
    int[] cursor = {0};
    TimedCalls.Timing t = TimedCalls.run(Math.max(3, 64 / batch), seconds, () -> {
      long[] work = runChunk(cursor[0], batch, sortChunks, maxPaddingRatio);
      cursor[0] = (cursor[0] + batch) % rows.size();
      return work;
    });
    String label = "onnxruntime peer, " + (tuned ? "tuned" : "default options") + (sortChunks ? ", length-sorted" : "");
    return new EngineBench.Point(label, batch, t.perSecond(0), batch * t.calls() / t.seconds(), t.msPerCall(),
        (double) t.counts()[1] / t.counts()[0] - 1);
  }

  /** @return {real tokens, padded tokens} */
  private long[] runChunk(int from, int size, boolean sort, double maxPaddingRatio) throws OrtException {
    List<long[]> chunk = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      chunk.add(rows.get((from + i) % rows.size()));
    }
    long real = 0;
    long padded = 0;
    if (!sort) {
      padded += run(chunk);
      for (long[] r : chunk) {
        real += r.length;
      }
      return new long[] {real, padded};
    }
    chunk.sort(Comparator.comparingInt(r -> r.length));
    int start = 0;
    while (start < chunk.size()) {
      int end = start + 1;
      long sum = chunk.get(start).length;
      while (end < chunk.size() && (maxPaddingRatio == 0
          || (long) (end - start + 1) * chunk.get(end).length <= maxPaddingRatio * (sum + chunk.get(end).length))) {
        sum += chunk.get(end).length;
        end++;
      }
      padded += run(chunk.subList(start, end));
      real += sum;
      start = end;
    }
    return new long[] {real, padded};
  }

  /** One forward pass; returns the padded tokens it computed. */
  private long run(List<long[]> batch) throws OrtException {
    int seq = batch.stream().mapToInt(r -> r.length).max().orElseThrow();
    long[] ids = new long[batch.size() * seq];
    long[] mask = new long[batch.size() * seq];
    for (int r = 0; r < batch.size(); r++) {
      long[] row = batch.get(r);
      System.arraycopy(row, 0, ids, r * seq, row.length);
      java.util.Arrays.fill(mask, r * seq, r * seq + row.length, 1L);
    }
    long[] shape = {batch.size(), seq};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
      inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape));
      inputs.keySet().retainAll(session.getInputNames());
      session.run(inputs).close();
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
    return (long) batch.size() * seq;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
