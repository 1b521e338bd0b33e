package io.cpner.model;

/**
 * Shape of a BERT-family encoder.
 *
 * @param vocabSize word-piece vocabulary size
 * @param hidden hidden width
 * @param layers number of transformer layers
 * @param heads attention heads per layer
 * @param intermediate feed-forward width
 * @param maxPositions longest sequence the position embeddings cover, special tokens included
 * @param typeVocabSize number of token-type (segment) embeddings
 * @param layerNormEps epsilon of every layer norm
 */
public record PlmConfig(
    int vocabSize,
    int hidden,
    int layers,
    int heads,
    int intermediate,
    int maxPositions,
    int typeVocabSize,
    float layerNormEps) {

  public PlmConfig {
    require(vocabSize > 0, "vocabSize", vocabSize);
    require(hidden > 0, "hidden", hidden);
    require(layers > 0, "layers", layers);
    require(heads > 0 && hidden % heads == 0, "heads (must divide hidden=" + hidden + ")", heads);
    require(intermediate > 0, "intermediate", intermediate);
    require(maxPositions > 2, "maxPositions", maxPositions);
    require(typeVocabSize > 0, "typeVocabSize", typeVocabSize);
    require(layerNormEps > 0, "layerNormEps", layerNormEps);
  }

  /** Width of one attention head. */
  public int headDim() {
    return hidden / heads;
  }

  private static void require(boolean ok, String what, Object found) {
    if (!ok) {
      throw new IllegalArgumentException("invalid PLM config: " + what + " = " + found);
    }
  }
}
