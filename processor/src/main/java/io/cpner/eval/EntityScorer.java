package io.cpner.eval;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Accumulates entity-level counts over many sentences and reports micro and per-type precision,
 * recall and F1 with seqeval's definitions: entities come from {@link SpanExtractor} (seqeval's
 * default mode) and a prediction counts only when its type, start and end all match a gold entity
 * of the same sentence.
 *
 * <p>Types seen only in predictions are reported too, with support 0. Not thread-safe: use one
 * scorer per evaluation thread.
 */
public final class EntityScorer {

  private static final TypeScore ONE_TRUE_POSITIVE = new TypeScore(1, 0, 0);
  private static final TypeScore ONE_FALSE_POSITIVE = new TypeScore(0, 1, 0);
  private static final TypeScore ONE_FALSE_NEGATIVE = new TypeScore(0, 0, 1);

  private final SortedMap<String, TypeScore> countsByType = new TreeMap<>();
  private int sentences;

  /**
   * Adds one sentence.
   *
   * @param goldTags the reference tags, one per token
   * @param predictedTags the predicted tags, one per token
   * @throws IllegalArgumentException when the lengths differ or a tag is malformed
   */
  public void add(List<String> goldTags, List<String> predictedTags) {
    if (goldTags.size() != predictedTags.size()) {
      throw new IllegalArgumentException("expected one predicted tag per gold tag, found "
          + goldTags.size() + " gold and " + predictedTags.size() + " predicted tags");
    }
    Set<Span> gold = spansOf("gold", goldTags);
    Set<Span> predicted = spansOf("predicted", predictedTags);
    for (Span span : predicted) {
      count(span, gold.contains(span) ? ONE_TRUE_POSITIVE : ONE_FALSE_POSITIVE);
    }
    for (Span span : gold) {
      if (!predicted.contains(span)) {
        count(span, ONE_FALSE_NEGATIVE);
      }
    }
    sentences++;
  }

  /** Adds one sentence of labelled data and the tags predicted for it. */
  public void add(LabelledSentence gold, List<String> predictedTags) {
    add(gold.tags(), predictedTags);
  }

  /** A snapshot of the scores so far; later {@code add} calls do not change it. */
  public Scores scores() {
    return new Scores(sentences, countsByType);
  }

  private void count(Span span, TypeScore increment) {
    countsByType.merge(span.type(), increment, TypeScore::plus);
  }

  private static Set<Span> spansOf(String which, List<String> tags) {
    try {
      return new HashSet<>(SpanExtractor.extract(tags));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed " + which + " tags " + tags + ": " + e.getMessage(), e);
    }
  }
}
