package io.cpner.ops.bench.peers;

import io.cpner.model.loading.BertSavedModelImporter;
import io.cpner.ops.bench.measure.Directories;
import io.cpner.ops.bench.measure.EngineBench;
import io.cpner.ops.bench.measure.TimedCalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * lengths. It cannot take a prefix, so it runs the plain encoder. Intra-op threads are the bench's;
 * inter-op threads one, so that independent ops do not compete for the same cores.
 *
 * <p>Signature of the graph: {@code input_ids}, {@code input_mask} (1 for a real token, 0 for
 * padding) and {@code segment_ids} (all 0), each int32 {@code (batch, POSITIONS)}; output the
 * sequence output {@code (batch, POSITIONS, hidden)} float.
 */
public final class TfPeerBench implements AutoCloseable {
  /** Positions of every row of the SavedModel's graph. */
  public static final int POSITIONS = 128;
  private static final String INPUT_IDS = "input_ids:0";
  private static final String INPUT_MASK = "input_mask:0";
  private static final String SEGMENT_IDS = "segment_ids:0";
  private static final String SEQUENCE_OUTPUT = "module_apply_tokens/bert/encoder/Reshape_13:0";

  private final Path savedModel;
  private final SavedModelBundle bundle;
  private final List<long[]> rows;

  private TfPeerBench(Path savedModel, SavedModelBundle bundle, List<long[]> rows) {
    this.savedModel = savedModel;
    this.bundle = bundle;
    this.rows = rows;
  }

  /**
   * Extracts the SavedModel into a temporary directory (removed on {@link #close}) and loads it.
   *
   * @param rows each text's word-piece ids with [CLS] and [SEP], at most {@value #POSITIONS} long,
   *     parallel to the corpus ({@link PeerRows#of} with {@value #POSITIONS} positions)
   */
  public static TfPeerBench open(List<long[]> rows, int threads) throws IOException {
    for (long[] row : rows) {
      if (row.length > POSITIONS) {
        throw new IllegalArgumentException("expected rows of at most " + POSITIONS + " ids, found one of " + row.length);
      }
    }
    Path dir = Files.createTempDirectory("cpner-bench-savedmodel");
    try {
      BertSavedModelImporter.extractSavedModel(dir);
      ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(1).build();
      SavedModelBundle bundle = SavedModelBundle.loader(dir.toString()).withTags("serve").withConfigProto(config).load();
      return new TfPeerBench(dir, bundle, rows);
    } catch (IOException | RuntimeException e) {
      Directories.deleteQuietly(dir);
      throw e;
    }
  }

  /**
   * Runs {@code batch} consecutive rows per call, each padded to {@value #POSITIONS}, for
   * {@code seconds} after a warm-up. Tokens/s counts the rows' own tokens; padding is the rest of
   * what was computed, so computed tokens/s is {@code batch * POSITIONS} per call.
   */
  public EngineBench.Point measure(int batch, double seconds) {
    int[] cursor = {0};
    TimedCalls.Timing t = TimedCalls.run(Math.max(3, 64 / batch), seconds, () -> {
      long real = run(cursor[0], batch);
      cursor[0] = (cursor[0] + batch) % rows.size();
      return new long[] {real, (long) batch * POSITIONS};
    });
    return new EngineBench.Point("tensorflow peer, SavedModel, " + POSITIONS + " positions", batch, t.perSecond(0),
        batch * t.calls() / t.seconds(), t.msPerCall(), (double) t.counts()[1] / t.counts()[0] - 1);
  }

  /** One forward pass over {@code batch} rows from {@code from}; returns their real tokens. */
  private long run(int from, int batch) {
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
      bundle.close();
    } finally {
      Directories.deleteQuietly(savedModel);
    }
  }
}
