package io.cpner.ops.training;

import io.cpner.prefix.HeadInput;
import io.cpner.training.TrainingOptions;
import picocli.CommandLine.Option;

/** Training hyper-parameters as command-line options, defaulting to {@link TrainingOptions#defaults()}. */
public final class TrainingOptionsMixin {
  private static final TrainingOptions D = TrainingOptions.defaults();

  @Option(names = "--epochs", description = "Most epochs.") Integer epochs;
  @Option(names = "--batch-size", description = "Sentences per step.") Integer batchSize;
  @Option(names = "--lr", description = "Peak learning rate of the tagging head.") Double learningRate;
  @Option(names = "--prefix-lr", description = "Peak learning rate of the prefix.") Double prefixLearningRate;
  @Option(names = "--prefix-init-scale", description = "Scale of the prefix MLP's output layer at start (small: start near the plain PLM).")
  Double prefixInitScale;
  @Option(names = "--prefix-length", description = "Prefix slots per layer.") Integer prefixLength;
  @Option(names = "--patience", description = "Epochs without dev improvement before stopping (0: never).") Integer patience;
  @Option(names = "--dropout", description = "Dropout on the prefix.") Float dropout;
  @Option(names = "--seed", description = "Random seed.") Long seed;
  @Option(names = "--max-train-sentences", description = "Sentences sampled per epoch (0: all).") Integer maxTrainSentences;
  @Option(names = "--no-word-shape", description = "Head reads the hidden state only, no word-shape features.") boolean noWordShape;
  @Option(names = "--head-layers", description = "How many of the PLM's last layers the head mixes (1-4).") Integer headLayers;
  @Option(names = "--no-crf", description = "Label each word by its own argmax (cross-entropy) instead of a CRF.") boolean noCrf;

  TrainingOptions options() {
    return new TrainingOptions(
        epochs != null ? epochs : D.epochs(),
        batchSize != null ? batchSize : D.batchSize(),
        learningRate != null ? learningRate : D.learningRate(),
        prefixLearningRate != null ? prefixLearningRate : D.prefixLearningRate(),
        prefixInitScale != null ? prefixInitScale : D.prefixInitScale(),
        D.warmupFraction(), D.weightDecay(), D.clipNorm(),
        dropout != null ? dropout : D.dropout(),
        prefixLength != null ? prefixLength : D.prefixLength(),
        D.mlpHidden(),
        patience != null ? patience : D.patience(),
        noWordShape ? HeadInput.HIDDEN : D.headInput(),
        headLayers != null ? headLayers : D.headLayers(),
        !noCrf && D.crf(),
        seed != null ? seed : D.seed(),
        maxTrainSentences != null ? maxTrainSentences : D.maxTrainSentences());
  }
}
