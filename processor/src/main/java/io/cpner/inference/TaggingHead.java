package io.cpner.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.HeadInput;

/**
 * A domain's token-classification head: word features {@code (words, in)} to label scores
 * {@code (words, labels)}, where the features are the first piece's last hidden state, followed by
 * the word-shape features when the head reads them. Shared by inference and training.
 */
public final class TaggingHead {
  private TaggingHead() {}

  /** Rows {@code positions} of a {@code (rows, hidden)} array, as {@code (positions, hidden)}. */
  public static NDArray rowsAt(NDManager scope, NDArray flat, long[] positions) {
    NDArray index = scope.create(positions);
    return index.getNDArrayInternal().embedding(index, flat, SparseFormat.DENSE).singletonOrThrow();
  }

  /**
   * The head's input.
   *
   * @param hiddenAtWords last hidden state at each word's first piece {@code (words, hidden)}
   * @param shapeFeatures {@code (words, WordShape.SIZE)} row-major, used only if the head reads them
   * @return {@code (words, in)}
   */
  public static NDArray features(NDManager scope, HeadInput input, NDArray hiddenAtWords, float[] shapeFeatures) {
    if (input != HeadInput.HIDDEN_AND_WORD_SHAPE) {
      return hiddenAtWords;
    }
    long words = hiddenAtWords.getShape().get(0);
    return hiddenAtWords.concat(scope.create(shapeFeatures, new Shape(words, WordShape.SIZE)), 1);
  }

  /**
   * Label probabilities of a prefix's head, computed on the host (a head is a few thousand
   * multiply-adds per word: cheaper than a native call per domain in a mixed batch).
   *
   * @param hiddenAtWords {@code (words, hidden)} row-major
   * @return {@code (words, labels)} row-major
   */
  static float[] probabilities(DomainPrefix prefix, float[] hiddenAtWords, int hidden, float[] shapeFeatures) {
    int labels = prefix.labels().size();
    int words = hiddenAtWords.length / hidden;
    boolean withShape = prefix.metadata().headInput() == HeadInput.HIDDEN_AND_WORD_SHAPE;
    float[] weight = DomainPrefix.copyOf(prefix.headWeight()); // (in, labels)
    float[] bias = DomainPrefix.copyOf(prefix.headBias());
    float[] out = new float[words * labels];
    float[] logits = new float[labels];
    for (int w = 0; w < words; w++) {
      for (int l = 0; l < labels; l++) {
        logits[l] = bias[l];
      }
      for (int i = 0; i < hidden; i++) {
        accumulate(logits, hiddenAtWords[w * hidden + i], weight, i * labels);
      }
      for (int i = 0; withShape && i < WordShape.SIZE; i++) {
        accumulate(logits, shapeFeatures[w * WordShape.SIZE + i], weight, (hidden + i) * labels);
      }
      double max = Double.NEGATIVE_INFINITY;
      for (float z : logits) {
        max = Math.max(max, z);
      }
      double sum = 0;
      for (int l = 0; l < labels; l++) {
        sum += Math.exp(logits[l] - max);
      }
      for (int l = 0; l < labels; l++) {
        out[w * labels + l] = (float) (Math.exp(logits[l] - max) / sum);
      }
    }
    return out;
  }

  /** {@code logits += x * weight[offset, offset + labels)}: a float axpy the JIT vectorizes. */
  private static void accumulate(float[] logits, float x, float[] weight, int offset) {
    for (int l = 0; l < logits.length; l++) {
      logits[l] += x * weight[offset + l];
    }
  }
}
