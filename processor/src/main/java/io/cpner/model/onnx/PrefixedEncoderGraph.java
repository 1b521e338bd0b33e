package io.cpner.model.onnx;

import ai.djl.ndarray.NDArray;
import io.cpner.model.LayerMix;
import io.cpner.model.Plm;
import io.cpner.model.PlmConfig;
import io.cpner.model.PlmWeights;
import io.cpner.model.onnx.OnnxModelWriter.Attribute;
import io.cpner.model.onnx.OnnxModelWriter.ElementType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@link PrefixedEncoder} forward pass as an ONNX graph over the same frozen weights, so that an
 * ONNX runtime can run it: each layer's prefix keys and values are graph inputs, put in front of the
 * attention keys and values exactly as the DJL pass does.
 *
 * <p>Rows are <em>packed</em>: the linear layers, layer norms and GELU, nearly all of the work, run
 * over the real tokens of all rows one after another, {@code (tokens, hidden)}, so padding costs
 * nothing there; only attention, which needs whole rows, scatters them into a padded
 * {@code (batch, seq)} layout and gathers its output back.
 *
 * <p>Inputs: {@code input_ids (tokens)} and {@code position_ids (tokens)} int64, each row's pieces
 * and their positions in the row, rows one after another; {@code padded_index (batch, seq)} int64,
 * the packed token at each padded place (any token where a row has ended: those places are masked
 * and their output dropped); {@code packed_index (tokens)} int64, each token's place
 * {@code row * seq + position} in the padded layout; {@code attention_bias (batch, 1, 1, slots + seq)}
 * float, 0 where a key is visible and a large negative number where not; per layer {@code i}
 * {@code prefix_key_i} and {@code prefix_value_i (batch, heads, slots, headDim)} float;
 * {@code word_positions (words)} int64, the packed tokens whose hidden state is wanted;
 * {@code layer_mix (words, k)} float, each word's weights over the last {@code k = }{@link
 * LayerMix#layers} layers, oldest first. Output: {@code hidden_at_words (words, hidden)}, the weighted
 * sum at each word, so only what the heads read leaves the runtime.
 *
 * <p>ONNX opset 17 plus ONNX Runtime's own SkipLayerNormalization (bias + residual + layer norm in
 * one pass) and FastGelu, and for int8 ONNX's QuantizeLinear and ONNX Runtime's MatMulIntegerToFloat.
 * Queries, keys and values come from one fused {@code (hidden, 3 hidden)} product with the
 * 1/sqrt(headDim) score scale folded into the query weights; the exact GELU is written in the erf form that the optimizer fuses with its bias, the tanh
 * approximation as ONNX Runtime's FastGelu with the bias as its second input.
 */
public final class PrefixedEncoderGraph {
  /** How the graph stores and multiplies the linear layers' weights. */
  public enum Precision {
    /** Float weights and products: the same numbers as the DJL pass, up to summation order. */
    FP32,
    /**
     * Linear weights quantized to int8 per output column (symmetric), activations quantized per
     * token at run time (symmetric, uint8 around 128; an integer product, VNNI on CPUs that have
     * it), so a token's numbers do not depend on the other rows of its pass: a document gets the same
     * entities whatever it is batched with. Embeddings, layer norms, attention and biases stay float.
     */
    INT8
  }

  public static final String INPUT_IDS = "input_ids";
  public static final String POSITION_IDS = "position_ids";
  public static final String PADDED_INDEX = "padded_index";
  public static final String PACKED_INDEX = "packed_index";
  public static final String ATTENTION_BIAS = "attention_bias";
  public static final String WORD_POSITIONS = "word_positions";
  public static final String LAYER_MIX = "layer_mix";
  public static final String OUTPUT = "hidden_at_words";
  private static final int OPSET = 17;

  private final PlmConfig config;
  private final Precision precision;
  private final OnnxModelWriter g = new OnnxModelWriter();
  private final Set<String> written = new HashSet<>(); // names of shared constants already in the graph

  private PrefixedEncoderGraph(PlmConfig config, Precision precision) {
    this.config = config;
    this.precision = precision;
  }

  public static String prefixKey(int layer) {
    return "prefix_key_" + layer;
  }

  public static String prefixValue(int layer) {
    return "prefix_value_" + layer;
  }

  /** The serialized ONNX model of this PLM's encoder with prefix inputs. */
  public static byte[] build(Plm plm, Precision precision) {
    return new PrefixedEncoderGraph(plm.config(), precision).write(plm.weights());
  }

  private byte[] write(PlmWeights w) {
    int hidden = config.hidden();
    int heads = config.heads();
    int headDim = config.headDim();
    g.input(INPUT_IDS, ElementType.INT64, "tokens");
    g.input(POSITION_IDS, ElementType.INT64, "tokens");
    g.input(PADDED_INDEX, ElementType.INT64, "batch", "seq");
    g.input(PACKED_INDEX, ElementType.INT64, "tokens");
    g.input(ATTENTION_BIAS, ElementType.FLOAT, "batch", 1L, 1L, "keys");
    for (int i = 0; i < config.layers(); i++) {
      g.input(prefixKey(i), ElementType.FLOAT, "batch", (long) heads, "slots", (long) headDim);
      g.input(prefixValue(i), ElementType.FLOAT, "batch", (long) heads, "slots", (long) headDim);
    }
    g.input(WORD_POSITIONS, ElementType.INT64, "words");
    int mixed = LayerMix.layers(config);
    g.input(LAYER_MIX, ElementType.FLOAT, "words", (long) mixed);
    List<String> lastLayers = new ArrayList<>(mixed);

    // 1. Embeddings: word + position + token type 0, then layer norm.  (tokens, hidden)
    String words = g.node("Gather", List.of(weight("embeddings.word_embeddings", w.wordEmbeddings()), INPUT_IDS));
    String positions = g.node("Gather", List.of(weight("embeddings.position_embeddings", w.positionEmbeddings()), POSITION_IDS));
    float[] tokenType0 = new float[hidden];
    System.arraycopy(w.tokenTypeEmbeddings().toFloatArray(), 0, tokenType0, 0, hidden);
    String x = g.node("Add", List.of(g.node("Add", List.of(words, positions)),
        g.constant("embeddings.token_type_0", new long[] {hidden}, tokenType0)));
    x = layerNorm(x, "embeddings.LayerNorm", w.embeddingNormGamma(), w.embeddingNormBeta());

    String headShape = longs("head_shape", 0, 0, heads, headDim);
    String flatShape = longs("flat_shape", -1, hidden);
    String thirds = longs("qkv_split", hidden, hidden, hidden);
    float scale = (float) (1.0 / Math.sqrt(headDim));
    for (int i = 0; i < config.layers(); i++) {
      PlmWeights.Layer l = w.layers().get(i);
      String p = "encoder.layer." + i + ".";
      // 2. Queries (pre-scaled by 1/sqrt(headDim)), keys, values: one product over the packed tokens,
      //    scattered into rows and split into heads.  (tokens, 3 hidden) -> 3 x (batch, heads, seq, headDim)
      float[] qkvW = concatColumns(hidden, scaled(l.queryW().toFloatArray(), scale), l.keyW().toFloatArray(), l.valueW().toFloatArray());
      float[] qkvB = concat(scaled(l.queryB().toFloatArray(), scale), l.keyB().toFloatArray(), l.valueB().toFloatArray());
      String qkv = linear(x, p + "attention.self.qkv", qkvW, new long[] {hidden, 3L * hidden}, qkvB);
      String rowsQkv = g.node("Gather", List.of(qkv, PADDED_INDEX), new Attribute("axis", 0L)); // (batch, seq, 3 hidden)
      List<String> parts = g.node("", "Split", List.of(rowsQkv, thirds), 3, new Attribute("axis", -1L));
      String q = splitHeads(parts.get(0), headShape);
      String k = splitHeads(parts.get(1), headShape);
      String v = splitHeads(parts.get(2), headShape);
      // 3. The row's prefix in front of the keys and values.         (batch, heads, slots + seq, headDim)
      k = g.node("Concat", List.of(prefixKey(i), k), new Attribute("axis", 2L));
      v = g.node("Concat", List.of(prefixValue(i), v), new Attribute("axis", 2L));
      // 4. Dot-product attention with the additive mask.             (batch, heads, seq, slots + seq)
      String kT = g.node("Transpose", List.of(k), new Attribute("perm", new long[] {0, 1, 3, 2}));
      String scores = g.node("Add", List.of(g.node("MatMul", List.of(q, kT)), ATTENTION_BIAS));
      String probs = g.node("Softmax", List.of(scores), new Attribute("axis", -1L));
      String context = g.node("Reshape", List.of(
          g.node("Transpose", List.of(g.node("MatMul", List.of(probs, v))), new Attribute("perm", new long[] {0, 2, 1, 3})),
          flatShape)); // (batch seq, hidden)
      context = g.node("Gather", List.of(context, PACKED_INDEX), new Attribute("axis", 0L)); // (tokens, hidden)
      // 5. Output projection, then bias + residual + layer norm in one op.   (tokens, hidden)
      String attended = product(context, p + "attention.output.dense", l.attnOutW());
      x = skipLayerNorm(attended, x, p + "attention.output", l.attnOutB(), l.attnNormGamma(), l.attnNormBeta());
      // 6. Feed-forward with the PLM's GELU, bias + residual + layer norm.   (tokens, hidden)
      String inner = feedForwardIn(x, p + "intermediate.dense", l.ffnInW(), l.ffnInB());
      String out = product(inner, p + "output.dense", l.ffnOutW());
      x = skipLayerNorm(out, x, p + "output", l.ffnOutB(), l.ffnNormGamma(), l.ffnNormBeta());
      if (i >= config.layers() - mixed) {
        lastLayers.add(x);
      }
    }
    // 7. Only what the heads read: at each word, its weighted sum of the last layers.   (words, hidden)
    String sum = null;
    for (int j = 0; j < mixed; j++) {
      String atWords = g.node("Gather", List.of(lastLayers.get(j), WORD_POSITIONS), new Attribute("axis", 0L));
      String weight = g.node("Slice", List.of(LAYER_MIX, longs("mix_" + j, j), longs("mix_" + (j + 1), j + 1), longs("axis1", 1)));
      String term = g.node("Mul", List.of(atWords, weight)); // (words, hidden) * (words, 1)
      sum = sum == null ? term : g.node("Add", List.of(sum, term));
    }
    g.rename(sum, OUTPUT);
    g.output(OUTPUT, ElementType.FLOAT, "words", (long) hidden);
    return g.toBytes("prefixed_encoder", OPSET);
  }

  /** {@code x W + b} with W {@code (in, out)} row-major, in the graph's precision. */
  private String linear(String x, String name, float[] weight, long[] shape, float[] bias) {
    String b = g.constant(name + ".bias", new long[] {bias.length}, bias);
    if (precision == Precision.FP32) {
      return g.node("Add", List.of(g.node("MatMul", List.of(x, g.constant(name + ".weight", shape, weight))), b));
    }
    return quantizedProduct(x, name, weight, shape, b);
  }

  /** {@code x W} without bias (the bias goes into the following fused op). */
  private String product(String x, String name, NDArray weight) {
    long[] shape = weight.getShape().getShape();
    if (precision == Precision.FP32) {
      return g.node("MatMul", List.of(x, weight(name + ".weight", weight)));
    }
    return quantizedProduct(x, name, weight.toFloatArray(), shape, null);
  }

  private String quantizedProduct(String x, String name, float[] weight, long[] shape, String bias) {
    QuantizedColumns q = QuantizedColumns.of(weight, (int) shape[0], (int) shape[1]);
    String wq = g.constant(name + ".weight_int8", shape, q.values());
    String scales = g.constant(name + ".weight_scale", new long[] {q.scales().length}, q.scales());
    // each token quantized on its own, symmetric (scale max|x| / 127), stored as uint8 around 128
    // (the product takes one zero point for all of A; VNNI multiplies uint8 by int8)
    String rowMax = g.node("ReduceMax", List.of(x), new Attribute("axes", new long[] {-1}), new Attribute("keepdims", 1L));
    String rowMin = g.node("ReduceMin", List.of(x), new Attribute("axes", new long[] {-1}), new Attribute("keepdims", 1L));
    String absMax = g.node("Max", List.of(rowMax, g.node("Neg", List.of(rowMin))));
    String rowScale = g.node("Max", List.of(g.node("Div", List.of(absMax, scalar("q127", 127f))), scalar("q_tiny", 1e-30f))); // (tokens, 1)
    String flatScale = g.node("Reshape", List.of(rowScale, longs("minus_one", -1))); // (tokens)
    String zeros = g.node("Expand", List.of(constantOnce("u8_128", () -> g.unsignedConstant("u8_128", new long[] {1}, new byte[] {(byte) 128})),
        g.node("Shape", List.of(flatScale))));
    String xq = g.node("QuantizeLinear", List.of(x, flatScale, zeros), new Attribute("axis", 0L));
    // the integer product scaled per column in the kernel (ONNX Runtime's MatMulIntegerToFloat; MatMulInteger,
    // Cast and Mul measured 3-10% slower), then per row
    String y = g.node("com.microsoft", "MatMulIntegerToFloat", List.of(xq, wq, scalar("one", 1f), scales,
        constantOnce("u8_128_scalar", () -> g.unsignedConstant("u8_128_scalar", new long[] {}, new byte[] {(byte) 128}))));
    y = g.node("Mul", List.of(y, rowScale));
    return bias == null ? y : g.node("Add", List.of(y, bias));
  }

  /** {@code LayerNorm(x + bias + residual)}: ONNX Runtime's SkipLayerNormalization. */
  private String skipLayerNorm(String x, String residual, String name, NDArray bias, NDArray gamma, NDArray beta) {
    return g.node("com.microsoft", "SkipLayerNormalization",
        List.of(x, residual, weight(name + ".LayerNorm.weight", gamma), weight(name + ".LayerNorm.bias", beta),
            weight(name + ".dense.bias", bias)),
        new Attribute("epsilon", config.layerNormEps()));
  }

  private static float[] scaled(float[] values, float factor) {
    for (int i = 0; i < values.length; i++) {
      values[i] *= factor;
    }
    return values;
  }

  private static float[] concat(float[]... parts) {
    float[] out = new float[Arrays.stream(parts).mapToInt(a -> a.length).sum()];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /** Side by side: {@code (rows, a) | (rows, b) | ...} for row-major matrices of {@code rows} rows. */
  private static float[] concatColumns(int rows, float[]... parts) {
    int width = Arrays.stream(parts).mapToInt(a -> a.length / rows).sum();
    float[] out = new float[rows * width];
    for (int r = 0; r < rows; r++) {
      int at = r * width;
      for (float[] p : parts) {
        int cols = p.length / rows;
        System.arraycopy(p, r * cols, out, at, cols);
        at += cols;
      }
    }
    return out;
  }

  /** Symmetric per-column int8: {@code w[r][c] ~ values[r][c] * scales[c]}. */
  record QuantizedColumns(byte[] values, float[] scales) {
    static QuantizedColumns of(float[] w, int rows, int cols) {
      float[] scales = new float[cols];
      for (int i = 0; i < w.length; i++) {
        scales[i % cols] = Math.max(scales[i % cols], Math.abs(w[i]));
      }
      for (int c = 0; c < cols; c++) {
        scales[c] = scales[c] == 0 ? 1f : scales[c] / 127f;
      }
      byte[] q = new byte[rows * cols];
      for (int i = 0; i < w.length; i++) {
        q[i] = (byte) Math.max(-127, Math.min(127, Math.round(w[i] / scales[i % cols])));
      }
      return new QuantizedColumns(q, scales);
    }
  }

  private String layerNorm(String x, String name, NDArray gamma, NDArray beta) {
    return g.node("LayerNormalization", List.of(x, weight(name + ".weight", gamma), weight(name + ".bias", beta)),
        new Attribute("axis", -1L), new Attribute("epsilon", config.layerNormEps()));
  }

  /** {@code GELU(x W + b)}; the tanh form runs as FastGelu(x W, b), the exact one as erf ops that fuse. */
  private String feedForwardIn(String x, String name, NDArray weight, NDArray bias) {
    long[] shape = weight.getShape().getShape();
    if (config.activation() == PlmConfig.Activation.GELU) {
      return gelu(linear(x, name, weight.toFloatArray(), shape, bias.toFloatArray()));
    }
    return g.node("com.microsoft", "FastGelu", List.of(product(x, name, weight), weight(name + ".bias", bias)));
  }

  /** Exact GELU, {@code x * 0.5 * (1 + erf(x / sqrt 2))}, in the form ONNX Runtime fuses. */
  private String gelu(String x) {
    String erf = g.node("Erf", List.of(g.node("Div", List.of(x, scalar("sqrt2", (float) Math.sqrt(2))))));
    return g.node("Mul", List.of(g.node("Mul", List.of(x, g.node("Add", List.of(erf, scalar("one", 1f))))), scalar("half", 0.5f)));
  }

  private String splitHeads(String x, String headShape) {
    return g.node("Transpose", List.of(g.node("Reshape", List.of(x, headShape))), new Attribute("perm", new long[] {0, 2, 1, 3}));
  }

  private String weight(String name, NDArray array) {
    return g.constant(name, array.getShape().getShape(), array.toFloatArray());
  }

  private String scalar(String name, float value) {
    return constantOnce(name, () -> g.constant(name, new long[] {}, new float[] {value}));
  }

  private String longs(String name, long... values) {
    return constantOnce(name, () -> g.constant(name, new long[] {values.length}, values));
  }

  private String constantOnce(String name, Supplier<String> write) {
    if (written.add(name)) {
      write.get();
    }
    return name;
  }
}
