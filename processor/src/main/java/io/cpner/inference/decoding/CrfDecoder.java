package io.cpner.inference.decoding;

import io.cpner.prefix.CrfTransitions;

/**
 * Exact inference in a linear-chain CRF over one document's words, on the host: the most likely
 * label sequence (Viterbi) and the probability of any one entity (forward-backward). Emission scores
 * are the head's logits {@code (words, labels)}; a pass costs {@code words x labels^2}, microseconds
 * next to the forward pass that produced the logits.
 */
final class CrfDecoder {
  private final CrfTransitions crf;
  private final float[] emissions; // (n, labels) row-major
  private final int n;
  private final int labels;
  private double[] alpha; // (n, labels), log, emission included; computed on first use
  private double[] beta; // (n, labels), log, emission of t excluded
  private double logZ;

  /**
   * @param emissions {@code (n, labels)} row-major, {@code n >= 1}
   */
  CrfDecoder(CrfTransitions crf, float[] emissions, int n) {
    this.crf = crf;
    this.emissions = emissions;
    this.n = n;
    this.labels = crf.labels();
    if (n < 1 || emissions.length < n * labels) {
      throw new IllegalArgumentException("need emissions for " + n + " >= 1 words of " + labels + " labels, found "
          + emissions.length + " values");
    }
  }

  /** The highest-scoring label sequence; it never uses a transition the CRF forbids. */
  int[] viterbi() {
    double[] score = new double[labels];
    int[] back = new int[n * labels];
    for (int y = 0; y < labels; y++) {
      score[y] = crf.start(y) + emission(0, y);
    }
    double[] next = new double[labels];
    for (int t = 1; t < n; t++) {
      for (int y = 0; y < labels; y++) {
        double best = Double.NEGATIVE_INFINITY;
        int arg = 0;
        for (int prev = 0; prev < labels; prev++) {
          double s = score[prev] + crf.transition(prev, y);
          if (s > best) {
            best = s;
            arg = prev;
          }
        }
        next[y] = best + emission(t, y);
        back[t * labels + y] = arg;
      }
      double[] swap = score;
      score = next;
      next = swap;
    }
    int last = 0;
    for (int y = 1; y < labels; y++) {
      if (score[y] + crf.end(y) > score[last] + crf.end(last)) {
        last = y;
      }
    }
    int[] path = new int[n];
    path[n - 1] = last;
    for (int t = n - 1; t > 0; t--) {
      path[t - 1] = back[t * labels + path[t]];
    }
    return path;
  }

  /**
   * The probability that words {@code [start, endExclusive)} form exactly one entity: labels
   * {@code begin, inside, ..., inside} there, and the word after it (if any) not {@code inside}.
   */
  double spanProbability(int start, int endExclusive, int begin, int inside) {
    marginals();
    double log = alpha[start * labels + begin];
    int previous = begin;
    for (int t = start + 1; t < endExclusive; t++) {
      log += crf.transition(previous, inside) + emission(t, inside);
      previous = inside;
    }
    if (endExclusive == n) {
      log += crf.end(previous);
    } else {
      double[] after = new double[labels];
      for (int y = 0; y < labels; y++) {
        after[y] = y == inside ? Double.NEGATIVE_INFINITY
            : crf.transition(previous, y) + emission(endExclusive, y) + beta[endExclusive * labels + y];
      }
      log += logSumExp(after);
    }
    return Math.min(1.0, Math.exp(log - logZ));
  }

  /** The probability that word {@code t} has label {@code y}. */
  double labelProbability(int t, int y) {
    marginals();
    return Math.exp(alpha[t * labels + y] + beta[t * labels + y] - logZ);
  }

  private void marginals() {
    if (alpha != null) {
      return;
    }
    alpha = new double[n * labels];
    beta = new double[n * labels];
    double[] terms = new double[labels];
    for (int y = 0; y < labels; y++) {
      alpha[y] = crf.start(y) + emission(0, y);
    }
    for (int t = 1; t < n; t++) {
      for (int y = 0; y < labels; y++) {
        for (int prev = 0; prev < labels; prev++) {
          terms[prev] = alpha[(t - 1) * labels + prev] + crf.transition(prev, y);
        }
        alpha[t * labels + y] = logSumExp(terms) + emission(t, y);
      }
    }
    for (int y = 0; y < labels; y++) {
      beta[(n - 1) * labels + y] = crf.end(y);
    }
    for (int t = n - 2; t >= 0; t--) {
      for (int y = 0; y < labels; y++) {
        for (int next = 0; next < labels; next++) {
          terms[next] = crf.transition(y, next) + emission(t + 1, next) + beta[(t + 1) * labels + next];
        }
        beta[t * labels + y] = logSumExp(terms);
      }
    }
    for (int y = 0; y < labels; y++) {
      terms[y] = alpha[(n - 1) * labels + y] + crf.end(y);
    }
    logZ = logSumExp(terms);
  }

  private double emission(int t, int y) {
    return emissions[t * labels + y];
  }

  static double logSumExp(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double sum = 0;
    for (double v : x) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
  }
}
