package io.cpner.ops.demo;

/**
 * Evenly spaced sending at a fixed rate: the {@code n}-th item (counting from 0) is due
 * {@code n / perSecond} seconds after the pacer was made. Shared by the load generator, the demo's
 * traffic and the pipeline bench.
 */
public final class Pacer {
  private final double perSecond;
  private final long start;

  /** A pacer starting now; {@code perSecond <= 0} means no pacing (everything is due at once). */
  public Pacer(double perSecond) {
    this.perSecond = perSecond;
    this.start = System.nanoTime();
  }

  /** Nanoseconds until item {@code n} is due; 0 or less when it is due already. */
  public long nanosUntil(long n) {
    if (perSecond <= 0) {
      return 0;
    }
    return start + (long) (n * 1e9 / perSecond) - System.nanoTime();
  }

  /** Sleeps until item {@code n} is due. */
  public void await(long n) throws InterruptedException {
    sleepNanos(nanosUntil(n));
  }

  /** Sleeps this many nanoseconds; nothing when it is 0 or less. */
  public static void sleepNanos(long nanos) throws InterruptedException {
    if (nanos > 0) {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }
  }
}
