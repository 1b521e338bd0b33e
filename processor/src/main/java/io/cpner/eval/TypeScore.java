package io.cpner.eval;

/**
 * Entity counts and the scores derived from them, for one entity type or for all types pooled
 * (micro average). A true positive is a predicted entity identical in type, start and end to a gold
 * entity of the same sentence; a false positive is any other predicted entity; a false negative is
 * any gold entity not predicted. A ratio whose denominator is 0 is 0, as in seqeval.
 */
public record TypeScore(int truePositives, int falsePositives, int falseNegatives) {

  /** No entities at all. */
  public static final TypeScore ZERO = new TypeScore(0, 0, 0);

  public TypeScore {
    if (truePositives < 0 || falsePositives < 0 || falseNegatives < 0) {
      throw new IllegalArgumentException("expected non-negative counts, found tp=" + truePositives
          + " fp=" + falsePositives + " fn=" + falseNegatives);
    }
  }

  /** The number of gold entities: {@code tp + fn}. */
  public int support() {
    return truePositives + falseNegatives;
  }

  /** The number of predicted entities: {@code tp + fp}. */
  public int predicted() {
    return truePositives + falsePositives;
  }

  /** {@code tp / (tp + fp)}, or 0 when nothing was predicted. */
  public double precision() {
    return ratio(truePositives, predicted());
  }

  /** {@code tp / (tp + fn)}, or 0 when there is no gold entity. */
  public double recall() {
    return ratio(truePositives, support());
  }

  /** The harmonic mean {@code 2PR / (P + R)}, or 0 when P + R is 0. */
  public double f1() {
    double precision = precision();
    double recall = recall();
    double sum = precision + recall;
    // 2 * P * R / (P + R) in seqeval's order of operations, so that the doubles agree
    return sum == 0 ? 0 : 2 * precision * recall / sum;
  }

  /** The element-wise sum of the counts. */
  public TypeScore plus(TypeScore other) {
    return new TypeScore(truePositives + other.truePositives, falsePositives + other.falsePositives,
        falseNegatives + other.falseNegatives);
  }

  private static double ratio(int numerator, int denominator) {
    return denominator == 0 ? 0 : (double) numerator / denominator;
  }
}
