package io.cpner.inference;

import java.util.ArrayList;
import java.util.List;
/** Cosines between encoders' hidden states, and the positions that ask an encoder for all of them. */
/** Comparisons of hidden states between encoders (cosines; the largest difference is {@link io.cpner.FloatArrays#maxAbsDiff}), and the positions that ask an encoder for all of them. */
final class HiddenStates {
  private HiddenStates() {}

  /** Flat indices {@code row * seq + position} of every token of every row, rows padded to the longest. */
  static long[] allPositions(List<long[]> rows) {
    int seq = rows.stream().mapToInt(r -> r.length).max().orElseThrow();
    List<Long> out = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      for (int p = 0; p < rows.get(r).length; p++) {
        out.add((long) r * seq + p);
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  /** The smallest cosine between corresponding {@code width}-wide vectors of {@code a} and {@code b}. */
  static double minCosine(float[] a, float[] b, int width) {
    double min = 1;
    for (int w = 0; w < a.length / width; w++) {
      double dot = 0;
      double na = 0;
      double nb = 0;
      for (int i = w * width; i < (w + 1) * width; i++) {
        dot += a[i] * b[i];
        na += a[i] * a[i];
        nb += b[i] * b[i];
      }
      min = Math.min(min, dot / Math.sqrt(na * nb));
    }
    return min;
  }
}
