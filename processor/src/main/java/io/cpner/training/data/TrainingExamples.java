package io.cpner.training.data;

import io.cpner.eval.BioTransitions;
import io.cpner.eval.LabelledSentence;
import io.cpner.inference.text.WindowEncoder;
import io.cpner.inference.text.WordShape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Labelled sentences as model rows, exactly as inference will see them ({@link WindowEncoder}):
 * for every row, the positions of the first pieces of the words it owns, their gold label indices
 * (well-formed BIO within the row) and their word-shape features.
 */
public final class TrainingExamples {
  /** One row with its supervision; {@code positions[i]} is the row position of labelled word i. */
  public record Example(long[] ids, int[] positions, int[] labels, float[] shapes) {}

  private TrainingExamples() {}

  /**
   * @throws IllegalArgumentException if a sentence carries a tag outside {@code labels}
   */
  public static List<Example> build(WindowEncoder encoder, List<LabelledSentence> sentences, List<String> labels) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      index.put(labels.get(i), i);
    }
    List<Example> examples = new ArrayList<>();
    for (LabelledSentence sentence : sentences) {
      float[] shapes = WordShape.features(sentence.tokens());
      for (WindowEncoder.EncodedWindow window : encoder.encode(sentence.tokens())) {
        List<int[]> kept = new ArrayList<>(); // (position, label, word)
        for (int i = 0; i < window.firstPiecePos().length; i++) {
          int word = window.ownFirst() + i;
          Integer label = index.get(sentence.tags().get(word));
          if (label == null) {
            throw new IllegalArgumentException("tag '" + sentence.tags().get(word) + "' is not among the labels " + labels);
          }
          if (window.firstPiecePos()[i] >= 0) {
            kept.add(new int[] {window.firstPiecePos()[i], label, word});
          }
        }
        if (kept.isEmpty()) {
          continue;
        }
        // the row's gold as well-formed BIO (an entity cut by the window's start begins with B)
        List<String> rowTags = BioTransitions.canonical(kept.stream().map(k -> labels.get(k[1])).toList());
        for (int k = 0; k < kept.size(); k++) {
          kept.get(k)[1] = index.get(rowTags.get(k));
        }
        float[] rowShapes = new float[kept.size() * WordShape.SIZE];
        for (int k = 0; k < kept.size(); k++) {
          System.arraycopy(shapes, kept.get(k)[2] * WordShape.SIZE, rowShapes, k * WordShape.SIZE, WordShape.SIZE);
        }
        examples.add(new Example(window.ids(), kept.stream().mapToInt(k -> k[0]).toArray(),
            kept.stream().mapToInt(k -> k[1]).toArray(), rowShapes));
      }
    }
    return examples;
  }
}
