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
 * @param activation the feed-forward non-linearity
 */
public record PlmConfig(
    int vocabSize,
    int hidden,
    int layers,
    int heads,
    int intermediate,
    int maxPositions,
    int typeVocabSize,
    float layerNormEps,
    Activation activation) {

  /** The feed-forward GELU: exact (erf) or the tanh approximation the original BERT checkpoints use. */
  public enum Activation {
    /** {@code x/2 (1 + erf(x / sqrt 2))}: Hugging Face {@code hidden_act = "gelu"}. */
    GELU,
    /**
     * {@code x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}: Hugging Face {@code "gelu_new"} (also
     * {@code "gelu_pytorch_tanh"}), the GELU of Google's TensorFlow BERT.
     */
    GELU_TANH;

    /** The activation of a Hugging Face {@code hidden_act} name, or null for one we do not run. */
    public static Activation ofHuggingFace(String name) {
      return switch (name) {
        case "gelu" -> GELU;
        case "gelu_new", "gelu_pytorch_tanh" -> GELU_TANH;
        default -> null;
      };
    }

    /** Its Hugging Face {@code hidden_act} name. */
    public String huggingFaceName() {
      return this == GELU ? "gelu" : "gelu_new";
    }
  }

  public PlmConfig {
    require(vocabSize > 0, "vocabSize", vocabSize);
    require(hidden > 0, "hidden", hidden);
    require(layers > 0, "layers", layers);
    require(heads > 0 && hidden % heads == 0, "heads (must divide hidden=" + hidden + ")", heads);
    require(intermediate > 0, "intermediate", intermediate);
    require(maxPositions > 2, "maxPositions", maxPositions);
    require(typeVocabSize > 0, "typeVocabSize", typeVocabSize);
    require(layerNormEps > 0, "layerNormEps", layerNormEps);
    require(activation != null, "activation", activation);
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
