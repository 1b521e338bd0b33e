package io.cpner;

/** Comparisons of float arrays for tests: hidden states between encoders, prefixes between trainings. */
public final class FloatArrays {
  private FloatArrays() {}

  /** The largest absolute difference between corresponding values; the arrays must be the same length. */
  public static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("expected " + a.length + " values, found " + b.length);
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
