package io.cpner.eval;

import io.cpner.eval.BioTag.Prefix;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a tag sequence into entity spans with the semantics of seqeval's default (non-strict) mode,
 * which are those of the CoNLL {@code conlleval} script. This is the only place in the project that
 * decides where entities start and end; the evaluator and the model's decoder both call it.
 *
 * <p>The rules, for IOB2 data that may be malformed, and for IOBES:
 *
 * <ul>
 *   <li>{@code B-x} and {@code S-x} always start a new entity;
 *   <li>{@code I-x} or {@code E-x} continues the entity before it when that entity has type x and
 *       was not already closed by {@code E}/{@code S}; otherwise it starts a new entity (so an
 *       {@code I-x} after {@code O} or after {@code I-y} is an entity of its own);
 *   <li>an entity ends before {@code O}, {@code B}, {@code S}, a change of type, and after
 *       {@code E} or {@code S}.
 * </ul>
 */
public final class SpanExtractor {

  private SpanExtractor() {}

  /**
   * The entities of one sentence, in order of their start index.
   *
   * @param tags one tag per token, each {@code O} or {@code X-type} with X one of B, I, E, S
   * @throws IllegalArgumentException naming the index of the first malformed tag
   */
  public static List<Span> extract(List<String> tags) {
    List<Span> spans = new ArrayList<>();
    BioTag previous = BioTag.OUTSIDE;
    int begin = 0;
    // one step past the end, with a virtual O that closes a trailing entity
    for (int i = 0; i <= tags.size(); i++) {
      BioTag current = i < tags.size() ? parseAt(tags, i) : BioTag.OUTSIDE;
      if (endsEntity(previous, current)) {
        spans.add(new Span(previous.type(), begin, i));
      }
      if (startsEntity(previous, current)) {
        begin = i;
      }
      previous = current;
    }
    return List.copyOf(spans);
  }

  /** Whether an entity that includes the previous token ends before the current one. */
  private static boolean endsEntity(BioTag previous, BioTag current) {
    return switch (previous.prefix()) {
      case O -> false;
      case E, S -> true;
      case B, I -> isOneOf(current.prefix(), Prefix.B, Prefix.S, Prefix.O)
          || !previous.type().equals(current.type());
    };
  }

  /** Whether a new entity starts at the current token. */
  private static boolean startsEntity(BioTag previous, BioTag current) {
    return switch (current.prefix()) {
      case O -> false;
      case B, S -> true;
      case I, E -> isOneOf(previous.prefix(), Prefix.O, Prefix.E, Prefix.S)
          || !previous.type().equals(current.type());
    };
  }

  private static boolean isOneOf(Prefix prefix, Prefix a, Prefix b, Prefix c) {
    return prefix == a || prefix == b || prefix == c;
  }

  private static BioTag parseAt(List<String> tags, int index) {
    try {
      return BioTag.parse(tags.get(index));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tag at index " + index + " of " + tags.size() + ": " + e.getMessage(), e);
    }
  }
}
