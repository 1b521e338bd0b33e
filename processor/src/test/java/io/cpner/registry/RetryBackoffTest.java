package io.cpner.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {
  @Test
  void shouldDoubleEachDelayUpToTheCapAndStartOverAfterAReset() {
    RetryBackoff backoff = RetryBackoff.forRegistry();
    List<Long> delays = IntStream.range(0, 7).mapToObj(i -> backoff.nextDelayMs()).toList();
    assertEquals(List.of(200L, 400L, 800L, 1_600L, 3_200L, 5_000L, 5_000L), delays);
    assertEquals(7, backoff.failures());
    backoff.reset();
    assertEquals(0, backoff.failures());
    assertEquals(200L, backoff.nextDelayMs());
  }

  @Test
  void shouldSleepForTheDelayItReports() {
    RetryBackoff backoff = new RetryBackoff(30, 30);
    long started = System.nanoTime();
    long delay = backoff.pause();
    assertEquals(30L, delay);
    assertEquals(true, (System.nanoTime() - started) / 1_000_000 >= 30, "slept at least the delay");
  }

  @Test
  void shouldRetryWhatItMayUntilItReturnsAndThrowAnythingElse() {
    RetryBackoff backoff = new RetryBackoff(1, 2);
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    java.util.List<Long> waits = new java.util.ArrayList<>();
    String result = backoff.retry(() -> {
      if (calls.incrementAndGet() < 4) {
        throw new IllegalStateException("no answer");
      }
      return "answer";
    }, e -> e instanceof IllegalStateException, (e, waitedMs) -> waits.add(waitedMs));
    assertEquals("answer", result);
    assertEquals(List.of(1L, 2L, 2L), waits);
    assertEquals(0, backoff.failures(), "reset after the answer");
    assertEquals("definite", assertThrows(IllegalArgumentException.class, () -> backoff.retry(() -> {
      throw new IllegalArgumentException("definite");
    }, e -> e instanceof IllegalStateException, (e, waitedMs) -> { })).getMessage());
  }

  @Test
  void shouldRefuseABackoffThatCannotGrow() {
    assertEquals("backoff needs 0 < initial <= max, found 0 and 10 ms",
        assertThrows(IllegalArgumentException.class, () -> new RetryBackoff(0, 10)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new RetryBackoff(20, 10));
  }
}
