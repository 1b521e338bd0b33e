package io.cpner.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One parsed sequence-labelling tag: {@code O}, or a prefix and an entity type joined by a dash
 * ({@code B-PER}, {@code I-PER}, {@code E-PER}, {@code S-PER}). The type is everything after the
 * first dash, so {@code B-a-b} has type {@code a-b}; it is non-empty and holds no whitespace.
 *
 * <p>This class also owns the BIO label vocabulary a model is trained on: see {@link #labels}.
 */
public record BioTag(Prefix prefix, String type) {

  /** The position of a token within an entity. {@code O} is outside any entity. */
  public enum Prefix {
    /** Outside any entity. */
    O,
    /** Beginning of an entity. */
    B,
    /** Inside (continuing) an entity. */
    I,
    /** End of an entity (IOBES only). */
    E,
    /** A single-token entity (IOBES only). */
    S
  }

  /** The tag of a token outside any entity; its type is the empty string. */
  public static final BioTag OUTSIDE = new BioTag(Prefix.O, "");

  public BioTag {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(type, "type");
    if ((prefix == Prefix.O) != type.isEmpty()) {
      throw new IllegalArgumentException(
          "expected an empty type exactly when the prefix is O, found prefix " + prefix + " and type '" + type + "'");
    }
  }

  /**
   * Parses a tag.
   *
   * @throws IllegalArgumentException when the tag is neither {@code O} nor {@code X-type} with X one
   *     of B, I, E, S and a non-empty type without whitespace
   */
  public static BioTag parse(String tag) {
    if (tag == null) {
      throw new IllegalArgumentException("expected O or a tag like B-type, found null");
    }
    if (tag.equals("O")) {
      return OUTSIDE;
    }
    if (tag.length() < 3 || tag.charAt(1) != '-' || "BIES".indexOf(tag.charAt(0)) < 0 || hasWhitespace(tag)) {
      throw new IllegalArgumentException(
          "expected O or a tag like B-type, I-type, E-type or S-type, found '" + tag + "'");
    }
    return new BioTag(Prefix.valueOf(tag.substring(0, 1)), tag.substring(2));
  }

  /** True when this tag is {@code O}. */
  public boolean isOutside() {
    return prefix == Prefix.O;
  }

  /** The tag as written in data files: {@code O} or {@code B-PER}. */
  @Override
  public String toString() {
    return isOutside() ? "O" : prefix + "-" + type;
  }

  /**
   * The BIO label list for a set of entity types: {@code O} first, then {@code B-t} and {@code I-t}
   * for each type in sorted order, e.g. {@code [O, B-LOC, I-LOC, B-PER, I-PER]}. Duplicate types are
   * listed once. The index of a label in this list is its class id.
   *
   * @throws IllegalArgumentException when a type is empty or holds whitespace
   */
  public static List<String> labels(Collection<String> types) {
    List<String> labels = new ArrayList<>(1 + 2 * types.size());
    labels.add("O");
    for (String type : new TreeSet<>(types)) {
      // construct through parse so that a bad type fails here, not when the labels are used
      labels.add(parse("B-" + type).toString());
      labels.add(parse("I-" + type).toString());
    }
    return List.copyOf(labels);
  }

  private static boolean hasWhitespace(String text) {
    return text.chars().anyMatch(Character::isWhitespace);
  }
}
