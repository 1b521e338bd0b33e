package io.cpner.inference.decoding;

import io.cpner.inference.Entity;
import io.cpner.inference.text.WordSplitter;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns decoded entities over words ({@link LabelDecoder}) back into entities with character
 * offsets into the original text.
 */
public final class SpanDecoder {
  private SpanDecoder() {}

  public static List<Entity> entities(String text, List<WordSplitter.Word> words, List<LabelDecoder.ScoredSpan> spans) {
    List<Entity> entities = new ArrayList<>(spans.size());
    for (LabelDecoder.ScoredSpan scored : spans) {
      int start = words.get(scored.span().start()).start();
      int end = words.get(scored.span().endExclusive() - 1).end();
      entities.add(new Entity(text.substring(start, end), scored.span().type(), start, end, scored.score()));
    }
    return entities;
  }
}
