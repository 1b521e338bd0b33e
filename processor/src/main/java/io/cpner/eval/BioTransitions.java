package io.cpner.eval;

import java.util.List;

/**
 * Which BIO label may follow which, so that a decoder only ever produces well-formed tag sequences:
 * {@code I-x} may only follow {@code B-x} or {@code I-x}, and may not start a sequence. Every other
 * transition, and every label at the end, is allowed. Labels are {@code O}, {@code B-type} or
 * {@code I-type} ({@link BioTag#labels}).
 */
public final class BioTransitions {
  private BioTransitions() {}

  /** {@code allowed[from][to]} over the given label list. */
  public static boolean[][] allowed(List<String> labels) {
    BioTag[] tags = labels.stream().map(BioTag::parse).toArray(BioTag[]::new);
    boolean[][] allowed = new boolean[tags.length][tags.length];
    for (int from = 0; from < tags.length; from++) {
      for (int to = 0; to < tags.length; to++) {
        allowed[from][to] = mayFollow(tags[from], tags[to]);
      }
    }
    return allowed;
  }

  /** {@code allowed[label]}: whether a sequence may start with it (anything but {@code I-x}). */
  public static boolean[] allowedAtStart(List<String> labels) {
    boolean[] allowed = new boolean[labels.size()];
    for (int l = 0; l < allowed.length; l++) {
      allowed[l] = BioTag.parse(labels.get(l)).prefix() != BioTag.Prefix.I;
    }
    return allowed;
  }

  /**
   * The same entities as {@code tags} (by {@link SpanExtractor}'s rules) written as well-formed IOB2:
   * an {@code I-x} that starts an entity becomes {@code B-x}. Training targets go through this, so
   * that gold sequences never use a transition the decoder forbids.
   */
  public static List<String> canonical(List<String> tags) {
    String[] out = tags.toArray(String[]::new);
    BioTag previous = BioTag.OUTSIDE;
    for (int i = 0; i < out.length; i++) {
      BioTag current = BioTag.parse(out[i]);
      if (current.prefix() == BioTag.Prefix.I && !mayFollow(previous, current)) {
        current = new BioTag(BioTag.Prefix.B, current.type());
        out[i] = current.toString();
      }
      previous = current;
    }
    return List.of(out);
  }

  private static boolean mayFollow(BioTag from, BioTag to) {
    if (to.prefix() != BioTag.Prefix.I) {
      return true;
    }
    return (from.prefix() == BioTag.Prefix.B || from.prefix() == BioTag.Prefix.I) && from.type().equals(to.type());
  }
}
