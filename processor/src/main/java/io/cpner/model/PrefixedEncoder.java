package io.cpner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * The BERT encoder forward pass with per-row prefix tuning: in every layer, each row's prefix keys
 * and values are put in front of the attention keys and values, so every token can attend to them.
 *
 * <p>Stateless apart from the frozen weights; safe to call from many threads. Every array the pass
 * creates is attached to the caller's {@code scope} manager, which the caller closes. With no
 * gradient collector active nothing is recorded for autograd; training reuses the same pass.
 */
public final class PrefixedEncoder {
  /** Added to the attention score of a masked key: large enough that softmax gives it zero weight. */
  private static final float MASKED = -1e9f;
  private static final float TWO_SQRT_2_OVER_PI = (float) (2 * Math.sqrt(2 / Math.PI));

  private final PlmConfig config;
  private final PlmWeights weights;

  public PrefixedEncoder(Plm plm) {
    this.config = plm.config();
    this.weights = plm.weights();
  }

  /**
   * Runs the encoder.
   *
   * @param scope manager that owns every array created here, including the result
   * @param ids word-piece ids {@code (batch, seq)}, int64, with [CLS]/[SEP] already in place
   * @param mask 1 for real tokens, 0 for padding {@code (batch, seq)}, float32
   * @param prefix per-row prefixes, or null for the plain model
   * @return the last hidden states {@code (batch, seq, hidden)}
   */
  public NDArray forward(NDManager scope, NDArray ids, NDArray mask, PrefixBatch prefix) {
    return forwardLayers(scope, ids, mask, prefix, 1).get(0);
  }

  /**
   * Runs the encoder and keeps the outputs of its last {@code last} layers.
   *
   * @return {@code last} arrays {@code (batch, seq, hidden)}, oldest layer first, the last layer's last
   */
  public List<NDArray> forwardLayers(NDManager scope, NDArray ids, NDArray mask, PrefixBatch prefix, int last) {
    if (last < 1 || last > config.layers()) {
      throw new IllegalArgumentException("can keep 1 to " + config.layers() + " layers, asked for " + last);
    }
    long batch = ids.getShape().get(0);
    long seq = ids.getShape().get(1);
    if (seq > config.maxPositions()) {
      throw new IllegalArgumentException("sequence of " + seq + " pieces exceeds the model's " + config.maxPositions() + " positions");
    }
    int heads = config.heads();
    int headDim = config.headDim();
    int hidden = config.hidden();

    // 1. Embeddings: word + position + token type 0, then layer norm.     (batch, seq, hidden)
    NDArray words = embed(ids, weights.wordEmbeddings());
    NDArray positions = weights.positionEmbeddings().get(new NDIndex("0:{}", seq)); // (seq, hidden)
    NDArray tokenType = weights.tokenTypeEmbeddings().get(0); // (hidden)
    positions.attach(scope); // slices of shared weights would otherwise live as long as the weights
    tokenType.attach(scope);
    NDArray x = layerNorm(words.add(positions).add(tokenType), weights.embeddingNormGamma(), weights.embeddingNormBeta());

    // 2. Additive attention mask over [prefix slots, tokens]: 0 where visible, MASKED where not.
    NDArray keyMask = prefix == null ? mask : prefix.mask().concat(mask, 1); // (batch, P + seq)
    NDArray scoreBias = keyMask.sub(1f).mul(-MASKED).reshape(batch, 1, 1, -1); // (batch, 1, 1, P + seq)
    float scale = (float) (1.0 / Math.sqrt(headDim));

    List<NDArray> kept = new ArrayList<>(last);
    for (int i = 0; i < config.layers(); i++) {
      PlmWeights.Layer w = weights.layers().get(i);
      // 3. Project to queries, keys, values, split into heads.            (batch, heads, seq, headDim)
      NDArray q = splitHeads(linear(scope, x, w.queryW(), w.queryB()), batch, seq, heads, headDim);
      NDArray k = splitHeads(linear(scope, x, w.keyW(), w.keyB()), batch, seq, heads, headDim);
      NDArray v = splitHeads(linear(scope, x, w.valueW(), w.valueB()), batch, seq, heads, headDim);
      // 4. Put the row's prefix in front of the keys and values.          (batch, heads, P + seq, headDim)
      if (prefix != null) {
        k = prefix.keys().get(i).concat(k, 2);
        v = prefix.values().get(i).concat(v, 2);
      }
      // 5. Scaled dot-product attention over prefix and tokens.           (batch, heads, seq, P + seq)
      NDArray probs = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(scoreBias).softmax(-1);
      NDArray context = probs.matMul(v) // (batch, heads, seq, headDim)
          .transpose(0, 2, 1, 3).reshape(batch, seq, hidden); // (batch, seq, hidden)
      // 6. Attention output projection, residual, layer norm.             (batch, seq, hidden)
      x = layerNorm(linear(scope, context, w.attnOutW(), w.attnOutB()).add(x), w.attnNormGamma(), w.attnNormBeta());
      // 7. Feed-forward with the PLM's GELU, residual, layer norm.         (batch, seq, hidden)
      NDArray inner = gelu(linear(scope, x, w.ffnInW(), w.ffnInB())); // (batch, seq, intermediate)
      x = layerNorm(linear(scope, inner, w.ffnOutW(), w.ffnOutB()).add(x), w.ffnNormGamma(), w.ffnNormBeta());
      if (i >= config.layers() - last) {
        kept.add(x);
      }
    }
    return kept;
  }

  /** Mean of the hidden states over real tokens, L2-normalised: the sentence-transformers embedding. */
  public static NDArray meanPooledNormalized(NDArray hidden, NDArray mask) {
    NDArray m = mask.expandDims(-1); // (batch, seq, 1)
    NDArray mean = hidden.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}).maximum(1e-9f)); // (batch, hidden)
    return mean.div(mean.norm(new int[] {1}, true).maximum(1e-12f));
  }

  /**
   * The PLM's GELU: libtorch's exact one, or the tanh approximation written as
   * {@code x sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3))} (the same function: (1 + tanh z) / 2 = sigmoid 2z),
   * in five element-wise ops instead of nine.
   */
  private NDArray gelu(NDArray x) {
    if (config.activation() == PlmConfig.Activation.GELU) {
      return x.getNDArrayInternal().gelu();
    }
    NDArray z = x.mul(x).mul(0.044715f * TWO_SQRT_2_OVER_PI).add(TWO_SQRT_2_OVER_PI).mul(x); // 2 sqrt(2/pi) (x + 0.044715 x^3)
    return z.getNDArrayInternal().sigmoid().mul(x);
  }

  /**
   * {@code x W + b} as one fused libtorch op (addmm). W is kept {@code (in, out)}; linear takes its
   * transpose, a view, which goes to {@code scope}: made from a shared weight it would otherwise
   * belong to the weights' manager and live (one handle per call) as long as the PLM.
   */
  private static NDArray linear(NDManager scope, NDArray x, NDArray w, NDArray b) {
    NDArray transposed = w.transpose(); // (out, in)
    transposed.attach(scope);
    return x.getNDArrayInternal().linear(x, transposed, b).singletonOrThrow();
  }

  private NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta) {
    return x.getNDArrayInternal()
        .layerNorm(x, new Shape(config.hidden()), gamma, beta, config.layerNormEps())
        .singletonOrThrow();
  }

  private static NDArray embed(NDArray ids, NDArray table) {
    return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
  }

  private static NDArray splitHeads(NDArray x, long batch, long seq, int heads, int headDim) {
    return x.reshape(batch, seq, heads, headDim).transpose(0, 2, 1, 3);
  }

}
