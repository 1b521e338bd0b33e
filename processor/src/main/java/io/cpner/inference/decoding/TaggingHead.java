package io.cpner.inference.decoding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import io.cpner.inference.text.WordShape;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.HeadInput;
import java.util.List;

/**
 * A domain's token-classification head: word features {@code (words, in)} to label scores
 * {@code (words, labels)}, where the features are the head's weighted sum of the last layers at the
 * word's first piece, followed by the word-shape features when the head reads them. Shared by
 * inference and training.
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
   * @param hiddenAtWords the layer mix at each word's first piece {@code (words, hidden)}
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
   * At each position, the weighted sum of the last layers' hidden states.
   *
   * @param layers the last {@code k} layers, oldest first, each {@code (rows, seq, hidden)}
   * @param positions flat indices {@code row * seq + position}
   * @param weights {@code (positions, k)}, or {@code (1, k)} for one set of weights everywhere
   * @return {@code (positions, hidden)}
   */
  public static NDArray mixAt(NDManager scope, List<NDArray> layers, long[] positions, NDArray weights) {
    NDArray sum = null;
    for (int j = 0; j < layers.size(); j++) {
      NDArray layer = layers.get(j);
      Shape s = layer.getShape();
      NDArray atWords = rowsAt(scope, layer.reshape(s.get(0) * s.get(1), s.get(2)), positions);
      NDArray term = atWords.mul(weights.get(":, {}:{}", j, j + 1));
      sum = sum == null ? term : sum.add(term);
    }
    return sum;
  }

  /**
   * Label scores (logits) of a prefix's head, computed on the host (a head is a few thousand
   * multiply-adds per word: cheaper than a native call per domain in a mixed batch).
   *
   * @param atWords the head's layer mix at each word {@code (words, hidden)} row-major
   * @return {@code (words, labels)} row-major
   */
  public static float[] logits(DomainPrefix prefix, float[] atWords, int hidden, float[] shapeFeatures) {
    int labels = prefix.labels().size();
    int words = atWords.length / hidden;
    boolean withShape = prefix.metadata().headInput() == HeadInput.HIDDEN_AND_WORD_SHAPE;
    float[] weight = DomainPrefix.copyOf(prefix.headWeight()); // (in, labels)
    float[] bias = DomainPrefix.copyOf(prefix.headBias());
    float[] out = new float[words * labels];
    float[] logits = new float[labels];
    for (int w = 0; w < words; w++) {
      System.arraycopy(bias, 0, logits, 0, labels);
      for (int i = 0; i < hidden; i++) {
        accumulate(logits, atWords[w * hidden + i], weight, i * labels);
      }
      for (int i = 0; withShape && i < WordShape.SIZE; i++) {
        accumulate(logits, shapeFeatures[w * WordShape.SIZE + i], weight, (hidden + i) * labels);
      }
      System.arraycopy(logits, 0, out, w * labels, labels);
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
