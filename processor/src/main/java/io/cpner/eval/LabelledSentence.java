package io.cpner.eval;

import java.util.List;

/**
 * One sentence of labelled data: its tokens and one tag per token (e.g. {@code B-PER}, {@code O}).
 * Both lists are immutable copies and have the same length.
 */
public record LabelledSentence(List<String> tokens, List<String> tags) {
  public LabelledSentence {
    tokens = List.copyOf(tokens);
    tags = List.copyOf(tags);
    if (tokens.size() != tags.size()) {
      throw new IllegalArgumentException(
          "expected one tag per token, found " + tokens.size() + " tokens and " + tags.size() + " tags");
    }
  }

  /** The number of tokens. */
  public int size() {
    return tokens.size();
  }

  /** The gold entities of this sentence, as {@link SpanExtractor} reads its tags. */
  public List<Span> spans() {
    return SpanExtractor.extract(tags);
  }
}
