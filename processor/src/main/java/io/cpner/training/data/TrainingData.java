package io.cpner.training.data;

import io.cpner.eval.ConllFile;
import io.cpner.eval.LabelledSentence;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A domain's labelled data: training and dev sentences, the BIO label list (from the types of
 * both files, so every dev tag is a label), and the training file's hash for the prefix metadata.
 */
public record TrainingData(List<LabelledSentence> train, List<LabelledSentence> dev, List<String> labels, String trainSha256) {
  public static TrainingData read(Path trainFile, Path devFile) throws IOException {
    ConllFile train = ConllFile.read(trainFile);
    ConllFile dev = ConllFile.read(devFile);
    TreeSet<String> types = new TreeSet<>(train.entityTypes());
    types.addAll(dev.entityTypes());
    return new TrainingData(train.sentences(), dev.sentences(), io.cpner.eval.BioTag.labels(types), ConllFile.sha256(trainFile));
  }

  /** The entity types, i.e. the labels without O and the B-/I- prefixes. */
  public List<String> types() {
    List<String> types = new ArrayList<>();
    for (String label : labels) {
      if (label.startsWith("B-")) {
        types.add(label.substring(2));
      }
    }
    return types;
  }
}
