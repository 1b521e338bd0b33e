package io.cpner.training;

import io.cpner.prefix.HeadInput;

/**
 * Hyper-parameters of prefix training, validated on construction.
 *
 * @param epochs most passes over the training data
 * @param batchSize sentences (windows) per step
 * @param learningRate peak learning rate of AdamW for the tagging head
 * @param prefixLearningRate peak learning rate for the prefix (its MLP, and a fusion's projection)
 * @param prefixInitScale scale of the MLP's output layer at initialisation: small values start training
 *     close to the plain PLM, whose features the head can use at once
 * @param warmupFraction share of the steps over which the learning rate rises linearly from 0
 * @param weightDecay AdamW's decoupled weight decay (matrices only)
 * @param clipNorm global gradient-norm clip
 * @param dropout dropout on the materialised prefix during training
 * @param prefixLength prefix slots per layer
 * @param mlpHidden width of the reparameterisation MLP
 * @param patience epochs without a better dev F1 before stopping early (0: never)
 * @param headInput what the tagging head reads
 * @param headLayers how many of the PLM's last layers the head mixes (1 to {@link io.cpner.model.LayerMix#MAX_LAYERS})
 * @param crf decode with a CRF (transition scores trained with the head by the CRF's likelihood)
 *     instead of labelling each word by its own argmax (cross-entropy)
 * @param seed seeds initialisation, shuffling and dropout
 * @param maxTrainSentences use at most this many training sentences per epoch (0: all); useful for
 *     large source domains, where a sample per epoch converges as well
 */
public record TrainingOptions(
    int epochs,
    int batchSize,
    double learningRate,
    double prefixLearningRate,
    double prefixInitScale,
    double warmupFraction,
    double weightDecay,
    double clipNorm,
    float dropout,
    int prefixLength,
    int mlpHidden,
    int patience,
    HeadInput headInput,
    int headLayers,
    boolean crf,
    long seed,
    int maxTrainSentences) {

  public TrainingOptions {
    check(epochs >= 1, "epochs", epochs);
    check(batchSize >= 1, "batchSize", batchSize);
    check(learningRate > 0, "learningRate", learningRate);
    check(prefixLearningRate > 0, "prefixLearningRate", prefixLearningRate);
    check(prefixInitScale >= 0, "prefixInitScale", prefixInitScale);
    check(warmupFraction >= 0 && warmupFraction < 1, "warmupFraction", warmupFraction);
    check(weightDecay >= 0, "weightDecay", weightDecay);
    check(clipNorm > 0, "clipNorm", clipNorm);
    check(dropout >= 0 && dropout < 1, "dropout", dropout);
    check(prefixLength >= 1, "prefixLength", prefixLength);
    check(mlpHidden >= 1, "mlpHidden", mlpHidden);
    check(patience >= 0, "patience", patience);
    check(headInput != null, "headInput", headInput);
    check(headLayers >= 1 && headLayers <= io.cpner.model.LayerMix.MAX_LAYERS, "headLayers", headLayers);
    check(maxTrainSentences >= 0, "maxTrainSentences", maxTrainSentences);
  }

  /** The defaults used for the shipped prefixes (see the README's prefix table). */
  public static TrainingOptions defaults() {
    return new TrainingOptions(30, 16, 5e-3, 5e-4, 0.01, 0.06, 0.01, 1.0, 0.1f, 10, 512, 6, HeadInput.HIDDEN_AND_WORD_SHAPE, 1, true, 42, 0);
  }

  public TrainingOptions withEpochs(int value) {
    return new TrainingOptions(value, batchSize, learningRate, prefixLearningRate, prefixInitScale, warmupFraction, weightDecay, clipNorm, dropout,
        prefixLength, mlpHidden, patience, headInput, headLayers, crf, seed, maxTrainSentences);
  }

  public TrainingOptions withLearningRate(double value) {
    return new TrainingOptions(epochs, batchSize, value, prefixLearningRate, prefixInitScale, warmupFraction, weightDecay, clipNorm, dropout,
        prefixLength, mlpHidden, patience, headInput, headLayers, crf, seed, maxTrainSentences);
  }

  private static void check(boolean ok, String name, Object value) {
    if (!ok) {
      throw new IllegalArgumentException("invalid training option " + name + " = " + value);
    }
  }
}
