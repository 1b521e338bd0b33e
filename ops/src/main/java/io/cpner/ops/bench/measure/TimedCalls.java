package io.cpner.ops.bench.measure;

/**
 * Times one kind of call made over and over from one thread: a few warm-up calls, not counted, then
 * calls until the measured seconds are up, adding up what each call reports it did (tokens, ...).
 */
public final class TimedCalls {
  /** What a call reports when it counts nothing but itself. */
  public static final long[] NO_COUNTS = new long[0];

  /** One call; returns its counts, the same number of them every time. */
  @FunctionalInterface
  public interface Call<E extends Exception> {
    long[] run() throws E;
  }

  /**
   * @param calls measured calls
   * @param seconds wall-clock seconds they took
   * @param counts what the measured calls reported, added up position by position
   */
  public record Timing(long calls, double seconds, long[] counts) {
    public double perSecond(int count) {
      return counts[count] / seconds;
    }

    public double msPerCall() {
      return seconds * 1000 / calls;
    }
  }

  private TimedCalls() {}

  /** {@code warmUp} calls, then calls until {@code seconds} have passed (at least one). */
  public static <E extends Exception> Timing run(int warmUp, double seconds, Call<E> call) throws E {
    for (int i = 0; i < warmUp; i++) {
      call.run();
    }
    long[] counts = null;
    long calls = 0;
    long start = System.nanoTime();
    do {
      long[] done = call.run();
      if (counts == null) {
        counts = new long[done.length];
      }
      for (int i = 0; i < counts.length; i++) {
        counts[i] += done[i];
      }
      calls++;
    } while (System.nanoTime() - start < seconds * 1e9);
    return new Timing(calls, (System.nanoTime() - start) / 1e9, counts);
  }
}
