package io.cpner.inference;

import io.cpner.eval.Span;
import io.cpner.eval.SpanExtractor;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns per-word BIO labels back into entities with character offsets into the original text.
 * Span boundaries follow the CoNLL/seqeval rules ({@link SpanExtractor}); an entity's score is the
 * mean probability of its words' labels.
 */
final class SpanDecoder {
  private SpanDecoder() {}

  static List<Entity> entities(String text, List<WordSplitter.Word> words, List<String> labels, float[] probabilities) {
    List<Entity> entities = new ArrayList<>();
    for (Span span : SpanExtractor.extract(labels)) {
      int start = words.get(span.start()).start();
      int end = words.get(span.endExclusive() - 1).end();
      double score = 0;
      for (int w = span.start(); w < span.endExclusive(); w++) {
        score += probabilities[w];
      }
      entities.add(new Entity(text.substring(start, end), span.type(), start, end, score / span.length()));
    }
    return entities;
  }
}
