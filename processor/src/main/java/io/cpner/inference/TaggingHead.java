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

  /** Label probabilities of a prefix's head, row-major {@code (words, labels)}. */
  static float[] probabilities(NDManager scope, DomainPrefix prefix, NDArray hiddenAtWords, float[] shapeFeatures) {
    int labels = prefix.labels().size();
    NDArray features = features(scope, prefix.metadata().headInput(), hiddenAtWords, shapeFeatures); // (words, in)
    NDArray weight = scope.create(prefix.headWeight(), new Shape(prefix.headInputWidth(), labels)); // (in, labels)
    NDArray bias = scope.create(prefix.headBias(), new Shape(labels)); // (labels)
    return features.matMul(weight).add(bias).softmax(-1).toFloatArray(); // (words, labels)
  }
}
