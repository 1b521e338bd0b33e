package io.cpner.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cpner.eval.BioTransitions;
import io.cpner.inference.decoding.TaggingHead;
import io.cpner.prefix.CrfTransitions;
import io.cpner.prefix.DomainPrefix;
import java.util.ArrayList;
import java.util.List;

/**
 * A domain's tagging head while it trains: a scalar mix of the PLM's last {@code k} layers
 * ({@code gamma * softmax(a)}, as in ELMo), a linear layer to label scores, and optionally a linear-
 * chain CRF whose transitions the BIO scheme constrains (forbidden ones are fixed at {@value
 * #FORBIDDEN}, the decoder's minus infinity). Loss: the CRF's negative log-likelihood of the gold
 * labels, or per-word cross-entropy without a CRF; either is averaged over labelled words.
 */
final class TrainableHead {
  /** Score added to a forbidden transition during training: exp of it underflows to zero. */
  static final float FORBIDDEN = -1e4f;

  private final int labels;
  private final List<String> labelNames;
  private final NDArray weight; // (in, labels)
  private final NDArray bias; // (labels)
  private final NDArray mixLogits; // (1, k), or null when k = 1
  private final NDArray mixScale; // (1, 1), or null when k = 1
  private final NDArray transitions; // (labels, labels) from-major, or null without a CRF
  private final NDArray start; // (labels)
  private final NDArray end; // (labels)
  private final float[] forbidden; // (labels, labels): 0 or FORBIDDEN
  private final float[] forbiddenStart; // (labels)

  /**
   * @param weight initial {@code (in, labels)} row-major
   * @param from a shipped prefix whose layer mix and CRF this head starts from (same labels), or null
   *     to start from a uniform mix and zero transitions
   */
  TrainableHead(NDManager manager, List<String> labelNames, int in, int layers, boolean crf, float[] weight, float[] bias,
      DomainPrefix from) {
    this.labels = labelNames.size();
    this.labelNames = List.copyOf(labelNames);
    this.weight = param(manager, weight, in, labels);
    this.bias = param(manager, bias, labels);
    if (layers > 1) {
      float[] logits = new float[layers];
      float scale = 1f;
      if (from != null && from.headLayers() == layers) {
        float[] w = DomainPrefix.copyOf(from.layerWeights());
        scale = 0;
        for (float v : w) {
          scale += v;
        }
        for (int j = 0; j < layers; j++) {
          logits[j] = (float) Math.log(Math.max(w[j] / scale, 1e-6));
        }
      }
      this.mixLogits = param(manager, logits, 1, layers);
      this.mixScale = param(manager, new float[] {scale}, 1, 1);
    } else {
      this.mixLogits = null;
      this.mixScale = null;
    }
    boolean[][] allowed = BioTransitions.allowed(labelNames);
    boolean[] allowedAtStart = BioTransitions.allowedAtStart(labelNames);
    this.forbidden = new float[labels * labels];
    this.forbiddenStart = new float[labels];
    for (int a = 0; a < labels; a++) {
      forbiddenStart[a] = allowedAtStart[a] ? 0f : FORBIDDEN;
      for (int b = 0; b < labels; b++) {
        forbidden[a * labels + b] = allowed[a][b] ? 0f : FORBIDDEN;
      }
    }
    if (crf) {
      CrfTransitions init = from != null ? from.crf() : null;
      this.transitions = param(manager, init != null ? DomainPrefix.copyOf(init.learnedTransitions()) : new float[labels * labels],
          labels, labels);
      this.start = param(manager, init != null ? DomainPrefix.copyOf(init.learnedStart()) : new float[labels], labels);
      this.end = param(manager, init != null ? DomainPrefix.copyOf(init.learnedEnd()) : new float[labels], labels);
    } else {
      this.transitions = null;
      this.start = null;
      this.end = null;
    }
  }

  /** Every trainable array of the head. */
  List<NDArray> parameters() {
    List<NDArray> all = new ArrayList<>(List.of(weight, bias));
    if (mixLogits != null) {
      all.addAll(List.of(mixLogits, mixScale));
    }
    if (transitions != null) {
      all.addAll(List.of(transitions, start, end));
    }
    return all;
  }

  /** How many last layers the head mixes. */
  int layers() {
    return mixLogits == null ? 1 : (int) mixLogits.getShape().get(1);
  }

  /** The mix's weights {@code (1, k)}, oldest layer first. */
  NDArray layerWeights(NDManager scope) {
    if (mixLogits == null) {
      return scope.ones(new Shape(1, 1));
    }
    return mixLogits.softmax(1).mul(mixScale);
  }

  /** Label scores {@code (words, labels)} of word features {@code (words, in)}. */
  NDArray logits(NDArray features) {
    return features.matMul(weight).add(bias);
  }

  /**
   * Mean loss per labelled word.
   *
   * @param logits {@code (words, labels)}, the words of all rows in row order
   * @param gold each word's gold label index; within a row a well-formed BIO sequence
   * @param rowLengths words per row, summing to {@code gold.length}
   */
  NDArray loss(NDManager scope, NDArray logits, int[] gold, int[] rowLengths) {
    float[] oneHot = new float[gold.length * labels];
    for (int w = 0; w < gold.length; w++) {
      oneHot[w * labels + gold[w]] = 1f;
    }
    NDArray goldOneHot = scope.create(oneHot, logits.getShape());
    if (transitions == null) {
      return logits.logSoftmax(-1).mul(goldOneHot).sum().div(-gold.length);
    }
    return logPartition(scope, logits, rowLengths).sum().sub(goldScore(scope, logits, goldOneHot, gold, rowLengths))
        .div(gold.length);
  }

  /** Score of the gold paths: emissions, transitions, start and end, summed over rows. */
  private NDArray goldScore(NDManager scope, NDArray logits, NDArray goldOneHot, int[] gold, int[] rowLengths) {
    float[] pairs = new float[labels * labels];
    float[] starts = new float[labels];
    float[] ends = new float[labels];
    int at = 0;
    for (int length : rowLengths) {
      if (length == 0) {
        continue;
      }
      starts[gold[at]]++;
      for (int t = 1; t < length; t++) {
        pairs[gold[at + t - 1] * labels + gold[at + t]]++;
      }
      ends[gold[at + length - 1]]++;
      at += length;
    }
    return logits.mul(goldOneHot).sum()
        .add(effectiveTransitions(scope).mul(scope.create(pairs, new Shape(labels, labels))).sum())
        .add(effectiveStart(scope).mul(scope.create(starts)).sum())
        .add(end.mul(scope.create(ends)).sum());
  }

  /** log Z of every row by the forward algorithm over its words, {@code (rows)}. */
  private NDArray logPartition(NDManager scope, NDArray logits, int[] rowLengths) {
    int rows = rowLengths.length;
    int longest = 0;
    for (int length : rowLengths) {
      longest = Math.max(longest, length);
    }
    // emissions padded to (rows, longest, labels); padding reads an all-zero row past the last word
    int words = (int) logits.getShape().get(0);
    long[] index = new long[rows * longest];
    float[] mask = new float[rows * longest];
    int at = 0;
    for (int r = 0; r < rows; r++) {
      for (int t = 0; t < longest; t++) {
        boolean real = t < rowLengths[r];
        index[r * longest + t] = real ? at + t : words;
        mask[r * longest + t] = real ? 1f : 0f;
      }
      at += rowLengths[r];
    }
    NDArray padded = logits.concat(scope.zeros(new Shape(1, labels)), 0);
    NDArray emissions = TaggingHead.rowsAt(scope, padded, index).reshape(rows, longest, labels);
    NDArray steps = scope.create(mask, new Shape(rows, longest, 1));
    NDArray transition = effectiveTransitions(scope).expandDims(0); // (1, from, to)
    NDArray alpha = emissions.get(":, 0, :").add(effectiveStart(scope)); // (rows, labels)
    for (int t = 1; t < longest; t++) {
      NDArray next = logSumExp(alpha.expandDims(2).add(transition), 1).add(emissions.get(":, {}, :", t));
      NDArray m = steps.get(":, {}, :", t); // (rows, 1): rows that have word t move on
      alpha = next.mul(m).add(alpha.mul(m.neg().add(1f)));
    }
    return logSumExp(alpha.add(end), 1);
  }

  private NDArray effectiveTransitions(NDManager scope) {
    return transitions.add(scope.create(forbidden, new Shape(labels, labels)));
  }

  private NDArray effectiveStart(NDManager scope) {
    return start.add(scope.create(forbiddenStart));
  }

  /** {@code log sum exp} over one axis, stable. */
  static NDArray logSumExp(NDArray x, int axis) {
    NDArray max = x.max(new int[] {axis}, true).stopGradient();
    return x.sub(max).exp().sum(new int[] {axis}).log().add(max.squeeze(axis));
  }

  float[] weightValues() {
    return weight.toFloatArray();
  }

  float[] biasValues() {
    return bias.toFloatArray();
  }

  /** The mix's weights as shipped, oldest layer first. */
  float[] layerWeightValues(NDManager scope) {
    return layerWeights(scope).toFloatArray();
  }

  /** The CRF as shipped, or null without one. */
  CrfTransitions crfValues() {
    return transitions == null ? null
        : CrfTransitions.of(labelNames, transitions.toFloatArray(), start.toFloatArray(), end.toFloatArray());
  }

  private static NDArray param(NDManager manager, float[] values, long... shape) {
    NDArray array = manager.create(values, new Shape(shape));
    array.setRequiresGradient(true);
    return array;
  }
}
