package io.cpner.inference.text;

import io.cpner.prefix.HeadInput;
import java.util.List;
import java.util.Set;

/**
 * Surface-shape features of words, for heads that read them ({@link HeadInput#HIDDEN_AND_WORD_SHAPE}):
 * the PLM is uncased, so capitalisation, the strongest surface cue for names, never reaches it.
 *
 * <p>Six features per word: one of ALLCAPS, Capitalised, lower, has-digit, other (exclusive, in that
 * order of precedence), plus capitalised-and-not-sentence-initial.
 */
public final class WordShape {
  public static final int SIZE = 6;
  private static final Set<String> SENTENCE_END = Set.of(".", "!", "?");

  static {
    if (HeadInput.HIDDEN_AND_WORD_SHAPE.extraFeatures() != SIZE) {
      throw new IllegalStateException("HeadInput and WordShape disagree on the number of shape features");
    }
  }

  private WordShape() {}

  /** Features of every word, row-major {@code (words, 6)}. */
  public static float[] features(List<String> words) {
    float[] out = new float[words.size() * SIZE];
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      int base = i * SIZE;
      out[base + shapeClass(w)] = 1f;
      boolean initial = i == 0 || SENTENCE_END.contains(words.get(i - 1));
      if (!initial && !w.isEmpty() && Character.isUpperCase(w.codePointAt(0))) {
        out[base + 5] = 1f;
      }
    }
    return out;
  }

  private static int shapeClass(String w) {
    int letters = 0;
    int upper = 0;
    boolean digit = false;
    for (int i = 0; i < w.length(); ) {
      int cp = w.codePointAt(i);
      if (Character.isLetter(cp)) {
        letters++;
        if (Character.isUpperCase(cp)) {
          upper++;
        }
      }
      digit |= Character.isDigit(cp);
      i += Character.charCount(cp);
    }
    if (letters >= 2 && upper == letters) {
      return 0; // ALLCAPS
    }
    if (!w.isEmpty() && Character.isUpperCase(w.codePointAt(0))) {
      return 1; // Capitalised
    }
    if (!w.isEmpty() && Character.isLowerCase(w.codePointAt(0))) {
      return 2; // lower
    }
    return digit ? 3 : 4; // has-digit, other
  }
}
