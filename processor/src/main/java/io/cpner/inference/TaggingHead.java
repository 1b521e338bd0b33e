package io.cpner.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.HeadInput;

/**
 * A domain's token-classification head: word features {@code (words, in)} to label probabilities
 * {@code (words, labels)}, where the features are the first piece's last hidden state, followed by
 * the word-shape features when the prefix's head reads them.
 */
final class TaggingHead {
  private TaggingHead() {}

  /**
   * @param hiddenAtWords last hidden state at each word's first piece {@code (words, hidden)}
   * @param shapeFeatures {@code (words, WordShape.SIZE)} row-major, used only if the head reads them
   * @return label probabilities, row-major {@code (words, labels)}
   */
  static float[] probabilities(NDManager scope, DomainPrefix prefix, NDArray hiddenAtWords, float[] shapeFeatures) {
    long words = hiddenAtWords.getShape().get(0);
    int labels = prefix.labels().size();
    NDArray features = hiddenAtWords; // (words, hidden)
    if (prefix.metadata().headInput() == HeadInput.HIDDEN_AND_WORD_SHAPE) {
      features = features.concat(scope.create(shapeFeatures, new Shape(words, WordShape.SIZE)), 1); // (words, in)
    }
    NDArray weight = scope.create(prefix.headWeight(), new Shape(prefix.headInputWidth(), labels)); // (in, labels)
    NDArray bias = scope.create(prefix.headBias(), new Shape(labels)); // (labels)
    return features.matMul(weight).add(bias).softmax(-1).toFloatArray(); // (words, labels)
  }
}
