package io.cpner.training;

import java.util.Locale;

/**
 * How much of a fused prefix comes from its sources: {@code (1 - a) p_t + a sum_j w_j p_j}, per
 * layer for keys and values. CP-NER fixes {@code a = 1/2}, {@code (p_t + sum_j w_j p_j) / 2}; a fixed
 * {@code a = 0} leaves the sources out, so the warm start is fine-tuned again exactly as fusion
 * fine-tunes it (the ablation's control); a learned {@code a} starts at 0, at the warm start itself,
 * and takes from the sources only as far as training finds it pays.
 *
 * @param value the share, or where a learned one starts
 * @param learned whether training moves it
 */
public record SourceShare(double value, boolean learned) {
  /** CP-NER's: half the target, half the weighted sources. */
  public static final SourceShare CP_NER = new SourceShare(0.5, false);

  public SourceShare {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException("a source share is between 0 and 1, found " + value);
    }
  }

  /** A share learned from 0. */
  public static SourceShare learnedFromZero() {
    return new SourceShare(0, true);
  }

  /** {@code learned}, or a fixed share between 0 and 1 ({@code 0.5} is CP-NER's). */
  public static SourceShare parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("learned")) {
      return learnedFromZero();
    }
    try {
      return new SourceShare(Double.parseDouble(t), false);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a source share is 'learned' or a number between 0 and 1, found '" + text + "'");
    }
  }

  @Override
  public String toString() {
    return learned ? "learned" : Double.toString(value);
  }
}
