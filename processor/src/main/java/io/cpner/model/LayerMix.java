package io.cpner.model;

/**
 * A tagging head reads, at each word, a weighted sum of the PLM's last {@code k} layers (a scalar
 * mix: the BERT paper's feature-based NER reads the last four). Both encoder backends take the
 * weights per word and return the sum, so only one {@code hidden}-wide vector per word leaves the
 * runtime whatever {@code k} each domain uses.
 */
public final class LayerMix {
  /** The most layers a head may mix. */
  public static final int MAX_LAYERS = 4;

  private LayerMix() {}

  /** How many last layers the encoders expose for this PLM: {@code min(MAX_LAYERS, layers)}. */
  public static int layers(PlmConfig config) {
    return Math.min(MAX_LAYERS, config.layers());
  }

  /**
   * One word's weights over the exposed layers, oldest first: a head mixing {@code k} layers puts its
   * weights in the last {@code k} places and zeros before them.
   *
   * @param headWeights the head's weights, oldest first, at most {@code exposed} of them
   */
  public static void write(float[] headWeights, int exposed, float[] out, int offset) {
    int skip = exposed - headWeights.length;
    for (int j = 0; j < exposed; j++) {
      out[offset + j] = j < skip ? 0f : headWeights[j - skip];
    }
  }
}
