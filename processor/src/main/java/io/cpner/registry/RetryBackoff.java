package io.cpner.registry;

import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Exponential backoff for waiting on a service that did not answer: each {@link #pause()} sleeps
 * twice as long as the one before, from {@code initialMs} up to {@code maxMs}, until
 * {@link #reset()} (call it after a success). Not thread-safe: one per waiting thread.
 */
public final class RetryBackoff {
  /** What the processor uses for the schema registry: 200 ms, doubling to 5 s. */
  public static final long DEFAULT_INITIAL_MS = 200;
  public static final long DEFAULT_MAX_MS = 5_000;

  private final long initialMs;
  private final long maxMs;
  private long nextMs;
  private int failures;

  public RetryBackoff(long initialMs, long maxMs) {
    if (initialMs <= 0 || maxMs < initialMs) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max, found " + initialMs + " and " + maxMs + " ms");
    }
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.nextMs = initialMs;
  }

  /** 200 ms doubling to 5 s. */
  public static RetryBackoff forRegistry() {
    return new RetryBackoff(DEFAULT_INITIAL_MS, DEFAULT_MAX_MS);
  }

  /** Counts a failure and returns how long to wait before the next try. */
  public long nextDelayMs() {
    long delay = nextMs;
    nextMs = Math.min(maxMs, nextMs * 2);
    failures++;
    return delay;
  }

  /**
   * Counts a failure and sleeps {@link #nextDelayMs()}, returning how long it meant to; an interrupt
   * ends the sleep early and stays set.
   */
  public long pause() {
    long delayMs = nextDelayMs();
    try {
      Thread.sleep(delayMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return delayMs;
  }

  /**
   * Calls {@code call} until it returns, pausing after each failure that {@code retriable} accepts
   * and telling {@code onWait} the failure and how long it waited; any other failure, or one after an
   * interrupt, is thrown. Resets the backoff once the call returns.
   */
  public <T> T retry(Supplier<T> call, Predicate<RuntimeException> retriable, BiConsumer<RuntimeException, Long> onWait) {
    while (true) {
      try {
        T result = call.get();
        reset();
        return result;
      } catch (RuntimeException e) {
        if (!retriable.test(e) || Thread.currentThread().isInterrupted()) {
          throw e;
        }
        onWait.accept(e, pause());
      }
    }
  }

  /** Failures since the last {@link #reset()}. */
  public int failures() {
    return failures;
  }

  public void reset() {
    nextMs = initialMs;
    failures = 0;
  }
}
