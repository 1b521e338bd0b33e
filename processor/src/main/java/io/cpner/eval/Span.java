package io.cpner.eval;

import java.util.Objects;

/**
 * One entity found in a tag sequence: its type and the token indices {@code [start, endExclusive)}
 * it covers. Two spans are the same entity exactly when type, start and end are all equal.
 */
public record Span(String type, int start, int endExclusive) {
  public Span {
    Objects.requireNonNull(type, "type");
    if (type.isEmpty()) {
      throw new IllegalArgumentException("expected a non-empty entity type, found ''");
    }
    if (start < 0 || endExclusive <= start) {
      throw new IllegalArgumentException(
          "expected token indices 0 <= start < endExclusive, found [" + start + ", " + endExclusive + ")");
    }
  }

  /** The number of tokens the entity covers. */
  public int length() {
    return endExclusive - start;
  }
}
