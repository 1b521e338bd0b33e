package io.cpner.prefix;

/** What the tagging head reads for each word. */
public enum HeadInput {
  /** The last hidden state of the word's first piece. */
  HIDDEN(0),
  /** The last hidden state plus the word's surface shape features (the PLM is uncased). */
  HIDDEN_AND_WORD_SHAPE(6);

  private final int extraFeatures;

  HeadInput(int extraFeatures) {
    this.extraFeatures = extraFeatures;
  }

  /** Width of the head's input for a PLM of the given hidden size. */
  public int width(int hidden) {
    return hidden + extraFeatures;
  }

  /** Number of features beyond the hidden state. */
  public int extraFeatures() {
    return extraFeatures;
  }
}
