package io.cpner.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.cpner.model.LayerMix;
import io.cpner.model.Plm;
import io.cpner.model.PlmConfig;
import io.cpner.model.onnx.PrefixedEncoderGraph.Precision;
import io.cpner.model.onnx.PrefixedEncoderGraph;
import io.cpner.prefix.DomainPrefix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The encoder on ONNX Runtime: one session over {@link PrefixedEncoderGraph}, built from the loaded
 * PLM's weights (so both backends share one model file and one identity). Inputs are written into
 * per-thread direct buffers that ONNX Runtime reads in place, so nothing is copied twice.
 */
final class OrtRowEncoder implements RowEncoder {
  /** Added to the score of a masked key, as in the DJL pass. */
  private static final float MASKED = -1e9f;

  private final OrtEnvironment env;
  private final OrtSession session;
  private final PlmConfig config;
  private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

  private OrtRowEncoder(OrtEnvironment env, OrtSession session, PlmConfig config) {
    this.env = env;
    this.session = session;
    this.config = config;
  }

  static OrtRowEncoder open(Plm plm, Precision precision, int intraOpThreads) {
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intra-op threads must be >= 1, found " + intraOpThreads);
    }
    OrtEnvironment env = PinnedOrtEnvironment.get();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      // shapes change every pass (rows x longest row): pre-planned memory patterns never match
      options.setMemoryPatternOptimization(false);
      // idle pool threads sleep instead of spinning: on few cores a spinning pool starves the Kafka
      // client and broker threads (README, Performance)
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      return new OrtRowEncoder(env, env.createSession(PrefixedEncoderGraph.build(plm, precision), options), plm.config());
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime could not open the prefixed encoder graph: " + e.getMessage(), e);
    }
  }

  @Override
  public int exposedLayers() {
    return LayerMix.layers(config);
  }

  @Override
  public float[] hiddenAt(List<long[]> rows, List<DomainPrefix> prefixes, long[] positions, float[] layerMix) {
    int batch = rows.size();
    int seq = rows.stream().mapToInt(r -> r.length).max().orElseThrow();
    // a pass without any prefix still gets one (masked) slot: the graph always concatenates
    int slots = Math.max(1, PrefixStacker.slots(prefixes));
    int heads = config.heads();
    int headDim = config.headDim();
    int perLayer = batch * heads * slots * headDim;
    Buffers b = buffers.get();

    int tokens = rows.stream().mapToInt(r -> r.length).sum();
    LongBuffer ids = b.longs(0, tokens);
    LongBuffer positionIds = b.longs(1, tokens);
    LongBuffer paddedIndex = b.longs(2, batch * seq);
    LongBuffer packedIndex = b.longs(3, tokens);
    FloatBuffer bias = b.floats(0, batch * (slots + seq));
    float[] slotMask = PrefixStacker.mask(prefixes, slots);
    int[] rowStart = new int[batch]; // each row's first token in the packed layout
    for (int r = 0, packed = 0; r < batch; r++) {
      long[] row = rows.get(r);
      rowStart[r] = packed;
      for (int s = 0; s < slots; s++) {
        bias.put(slotMask[r * slots + s] == 1f ? 0f : MASKED);
      }
      for (int t = 0; t < seq; t++) {
        bias.put(t < row.length ? 0f : MASKED);
        paddedIndex.put(t < row.length ? packed + t : rowStart[r]); // past a row's end: any token, masked
      }
      for (int t = 0; t < row.length; t++) {
        ids.put(row[t]);
        positionIds.put(t);
        packedIndex.put((long) r * seq + t);
      }
      packed += row.length;
    }
    LongBuffer wordPositions = b.longs(4, positions.length);
    for (long p : positions) { // row * seq + position -> the packed token
      wordPositions.put(rowStart[(int) (p / seq)] + p % seq);
    }
    FloatBuffer mix = b.floats(2, layerMix.length).put(layerMix);
    FloatBuffer prefixData = b.floats(1, 2 * config.layers() * perLayer);
    boolean padded = prefixes.stream().anyMatch(p -> p == null || p.prefixLength() != slots);
    if (padded) { // reused memory: padding slots must read as zeros
      prefixData.put(new float[prefixData.remaining()]).clear();
    }

    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put(PrefixedEncoderGraph.INPUT_IDS, OnnxTensor.createTensor(env, ids.flip(), new long[] {tokens}));
      inputs.put(PrefixedEncoderGraph.POSITION_IDS, OnnxTensor.createTensor(env, positionIds.flip(), new long[] {tokens}));
      inputs.put(PrefixedEncoderGraph.PADDED_INDEX, OnnxTensor.createTensor(env, paddedIndex.flip(), new long[] {batch, seq}));
      inputs.put(PrefixedEncoderGraph.PACKED_INDEX, OnnxTensor.createTensor(env, packedIndex.flip(), new long[] {tokens}));
      inputs.put(PrefixedEncoderGraph.ATTENTION_BIAS,
          OnnxTensor.createTensor(env, bias.flip(), new long[] {batch, 1, 1, slots + seq}));
      inputs.put(PrefixedEncoderGraph.WORD_POSITIONS,
          OnnxTensor.createTensor(env, wordPositions.flip(), new long[] {positions.length}));
      inputs.put(PrefixedEncoderGraph.LAYER_MIX,
          OnnxTensor.createTensor(env, mix.flip(), new long[] {positions.length, exposedLayers()}));
      long[] prefixShape = {batch, heads, slots, headDim};
      for (int layer = 0; layer < config.layers(); layer++) {
        for (boolean key : new boolean[] {true, false}) {
          int start = (2 * layer + (key ? 0 : 1)) * perLayer;
          FloatBuffer slice = prefixData.position(start).limit(start + perLayer).slice();
          prefixData.clear();
          PrefixStacker.gather(prefixes, layer, key, heads, slots, headDim, slice);
          String name = key ? PrefixedEncoderGraph.prefixKey(layer) : PrefixedEncoderGraph.prefixValue(layer);
          inputs.put(name, OnnxTensor.createTensor(env, slice.flip(), prefixShape));
        }
      }
      try (OrtSession.Result result = session.run(inputs)) {
        FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer(); // (positions, hidden)
        float[] hidden = new float[out.remaining()];
        out.get(hidden);
        return hidden;
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime forward pass failed (" + batch + " rows of " + seq + " pieces): "
          + e.getMessage(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("closing the ONNX Runtime session: " + e.getMessage(), e);
    }
  }

  /** One thread's reusable native input memory, grown as passes get bigger. */
  private static final class Buffers {
    private final ByteBuffer[] longs = new ByteBuffer[5];
    private final ByteBuffer[] floats = new ByteBuffer[3];

    LongBuffer longs(int slot, int count) {
      longs[slot] = ensure(longs[slot], count * 8L);
      return longs[slot].clear().limit(count * 8).slice().order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    FloatBuffer floats(int slot, int count) {
      floats[slot] = ensure(floats[slot], count * 4L);
      return floats[slot].clear().limit(count * 4).slice().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static ByteBuffer ensure(ByteBuffer current, long bytes) {
      if (current != null && current.capacity() >= bytes) {
        return current;
      }
      return ByteBuffer.allocateDirect((int) Math.max(bytes, current == null ? 0 : current.capacity() * 2L))
          .order(ByteOrder.nativeOrder());
    }
  }
}
