package io.cpner.ops.bench.measure;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Times one kind of call made over and over, from one thread or from several at once: a few warm-up
 * calls, not counted, then calls until the measured seconds are up, adding up what each call reports
 * it did (tokens, ...).
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
   * @param calls measured calls, of all callers
   * @param seconds wall-clock seconds they took
   * @param counts what the measured calls reported, added up position by position
   * @param callers threads that made the calls at once
   */
  public record Timing(long calls, double seconds, long[] counts, int callers) {
    public double perSecond(int count) {
      return counts[count] / seconds;
    }

    /** Milliseconds one caller's call took. */
    public double msPerCall() {
      return seconds * 1000 * callers / calls;
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
      counts = add(counts, call.run());
      calls++;
    } while (System.nanoTime() - start < seconds * 1e9);
    return new Timing(calls, (System.nanoTime() - start) / 1e9, counts, 1);
  }

  /**
   * {@code callers} threads at once, each making its own calls ({@code callOf.apply(caller)}):
   * {@code warmUp} calls each, then {@code atStart} once all have warmed up, then calls until
   * {@code seconds} have passed. A failed call fails the measurement.
   */
  public static Timing concurrently(int callers, int warmUp, double seconds, IntFunction<Call<?>> callOf, Runnable atStart) {
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Call<?>> calls = IntStream.range(0, callers).mapToObj(callOf::apply).toList();
      long[] start = new long[1]; // set once every caller has warmed up
      CyclicBarrier warm = new CyclicBarrier(callers, () -> {
        atStart.run();
        start[0] = System.nanoTime();
      });
      CompletionService<long[]> done = new ExecutorCompletionService<>(pool);
      for (Call<?> call : calls) {
        done.submit(() -> {
          for (int i = 0; i < warmUp; i++) {
            call.run();
          }
          warm.await();
          long deadline = start[0] + (long) (seconds * 1e9);
          long[] counts = null;
          long n = 0;
          do {
            counts = add(counts, call.run());
            n++;
          } while (System.nanoTime() < deadline);
          long[] withCalls = Arrays.copyOf(counts, counts.length + 1);
          withCalls[counts.length] = n;
          return withCalls;
        });
      }
      long[] sum = null;
      for (int c = 0; c < callers; c++) { // in the order they end: the first failure ends the measurement
        sum = add(sum, done.take().get());
      }
      double elapsed = (System.nanoTime() - start[0]) / 1e9;
      return new Timing(sum[sum.length - 1], elapsed, Arrays.copyOf(sum, sum.length - 1), callers);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a timed call failed", e.getCause());
    } finally {
      pool.shutdownNow(); // after a failure, interrupts callers still waiting for the others
    }
  }

  private static long[] add(long[] sum, long[] part) {
    if (sum == null) {
      return part.clone();
    }
    for (int i = 0; i < sum.length; i++) {
      sum[i] += part[i];
    }
    return sum;
  }
}
