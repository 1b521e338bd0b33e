package io.cpner.ops.bench.peers;

import io.cpner.model.loading.BertSavedModelImporter;
import io.cpner.ops.bench.measure.Directories;
import io.cpner.ops.bench.measure.EngineBench;
import io.cpner.ops.bench.measure.TimedCalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TInt32;

/**
 * The peer of Google's cased BERT-base: TensorFlow itself (TF-Java) running the model's original
 * SavedModel, extracted from the Maven artifact the engine's weights are imported from, on the same
 * word-piece rows. Its graph takes a fixed {@value #POSITIONS} positions, so every row is padded to
 * them (longer ones cut): {@code batch * POSITIONS} tokens are computed per call whatever the rows'
 * lengths. It cannot take a prefix, so it runs the plain encoder. It runs at either threading the
 * engine is measured at: one caller whose calls use every core, or several callers at once, each
 * with its own session (a copy of the model) and its share of the cores, as the processor's stream
 * threads share the engine. Inter-op threads are one, so that independent ops do not compete for the
 * same cores.
 *
 * <p>Signature of the graph: {@code input_ids}, {@code input_mask} (1 for a real token, 0 for
 * padding) and {@code segment_ids} (all 0), each int32 {@code (batch, POSITIONS)}; output the
 * sequence output {@code (batch, POSITIONS, hidden)} float.
 */
public final class TfPeerBench implements AutoCloseable {
  /** Positions of every row of the SavedModel's graph. */
  public static final int POSITIONS = 128;
  /** The label of its points with one caller. */
  public static final String ONE_CALLER = "tensorflow peer, " + POSITIONS + " positions";
  private static final String INPUT_IDS = "input_ids:0";
  private static final String INPUT_MASK = "input_mask:0";
  private static final String SEGMENT_IDS = "segment_ids:0";
  private static final String SEQUENCE_OUTPUT = "module_apply_tokens/bert/encoder/Reshape_13:0";

  private final Path savedModel;
  private final List<SavedModelBundle> sessions;
  private final int threads;
  private final List<long[]> rows;

  private TfPeerBench(Path savedModel, List<SavedModelBundle> sessions, int threads, List<long[]> rows) {
    this.savedModel = savedModel;
    this.sessions = sessions;
    this.threads = threads;
    this.rows = rows;
  }

  /**
   * Extracts the SavedModel into a temporary directory (removed on {@link #close}) and loads it
   * once per caller.
   *
   * @param rows each text's word-piece ids with [CLS] and [SEP], at most {@value #POSITIONS} long,
   *     parallel to the corpus ({@link PeerRows#of} with {@value #POSITIONS} positions)
   * @param callers callers at once, each with its own session
   * @param threads intra-op threads of each session
   */
  public static TfPeerBench open(List<long[]> rows, int callers, int threads) throws IOException {
    for (long[] row : rows) {
      if (row.length > POSITIONS) {
        throw new IllegalArgumentException("expected rows of at most " + POSITIONS + " ids, found one of " + row.length);
      }
    }
    Path dir = Files.createTempDirectory("cpner-bench-savedmodel");
    List<SavedModelBundle> sessions = new ArrayList<>();
    try {
      BertSavedModelImporter.extractSavedModel(dir);
      ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(1).build();
      for (int c = 0; c < callers; c++) {
        sessions.add(SavedModelBundle.loader(dir.toString()).withTags("serve").withConfigProto(config).load());
      }
      return new TfPeerBench(dir, sessions, threads, rows);
    } catch (IOException | RuntimeException e) {
      sessions.forEach(SavedModelBundle::close);
      Directories.deleteQuietly(dir);
      throw e;
    }
  }

  /**
   * Runs {@code batch} consecutive rows per call, each padded to {@value #POSITIONS}, for
   * {@code seconds} after a warm-up, every caller from its own place in the corpus. Tokens/s counts
   * the rows' own tokens; padding is the rest of what was computed, so computed tokens/s is
   * {@code batch * POSITIONS} per call.
   */
  public EngineBench.Point measure(int batch, double seconds) {
    int callers = sessions.size();
    TimedCalls.Timing t = TimedCalls.concurrently(callers, Math.max(3, 64 / batch), seconds, caller -> {
      int[] cursor = {caller * rows.size() / callers};
      return () -> {
        long real = run(sessions.get(caller), cursor[0], batch);
        cursor[0] = (cursor[0] + batch) % rows.size();
        return new long[] {real, (long) batch * POSITIONS};
      };
    }, () -> { });
    String label = callers == 1 ? ONE_CALLER : ONE_CALLER + ", " + callers + " callers x " + threads + " threads";
    return new EngineBench.Point(label, batch, t.perSecond(0), batch * t.calls() / t.seconds(), t.msPerCall(),
        (double) t.counts()[1] / t.counts()[0] - 1);
  }

  /** One forward pass over {@code batch} rows from {@code from}; returns their real tokens. */
  private long run(SavedModelBundle bundle, int from, int batch) {
    int[] ids = new int[batch * POSITIONS]; // (batch, POSITIONS), 0 = [PAD]
    int[] mask = new int[batch * POSITIONS]; // (batch, POSITIONS), 1 = real token
    long real = 0;
    for (int r = 0; r < batch; r++) {
      long[] row = rows.get((from + r) % rows.size());
      for (int i = 0; i < row.length; i++) {
        ids[r * POSITIONS + i] = Math.toIntExact(row[i]);
      }
      Arrays.fill(mask, r * POSITIONS, r * POSITIONS + row.length, 1);
      real += row.length;
    }
    Shape shape = Shape.of(batch, POSITIONS);
    // tensorOf(shape) would leave the memory as it was: every tensor is filled from a whole array
    try (TInt32 idTensor = TInt32.tensorOf(shape, DataBuffers.of(ids, true, false));
        TInt32 maskTensor = TInt32.tensorOf(shape, DataBuffers.of(mask, true, false));
        TInt32 segmentTensor = TInt32.tensorOf(shape, DataBuffers.of(new int[batch * POSITIONS], true, false));
        Result out = bundle.session().runner().feed(INPUT_IDS, idTensor).feed(INPUT_MASK, maskTensor)
            .feed(SEGMENT_IDS, segmentTensor).fetch(SEQUENCE_OUTPUT).run()) {
      return real;
    }
  }

  @Override
  public void close() {
    try {
      sessions.forEach(SavedModelBundle::close);
    } finally {
      Directories.deleteQuietly(savedModel);
    }
  }
}
