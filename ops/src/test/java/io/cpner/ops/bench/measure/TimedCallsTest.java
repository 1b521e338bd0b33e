package io.cpner.ops.bench.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimedCallsTest {
  @Test
  void shouldAddUpTheMeasuredCallsOfEveryCallerAfterAllHaveWarmedUp() {
    // given three callers whose calls each take about 2 ms and report 5 tokens
    AtomicInteger warmUpCallsAtStart = new AtomicInteger(-1);
    AtomicInteger allCalls = new AtomicInteger();
    AtomicLong reportedTokens = new AtomicLong();
    // when they are timed at once for 0.2 s after 4 warm-up calls each
    TimedCalls.Timing t = TimedCalls.concurrently(3, 4, 0.2, caller -> () -> {
      allCalls.incrementAndGet();
      Thread.sleep(2);
      reportedTokens.addAndGet(5);
      return new long[] {5, caller};
    }, () -> warmUpCallsAtStart.set(allCalls.get()));
    // then the clock started once all 12 warm-up calls were done, and only the measured calls count
    assertEquals(12, warmUpCallsAtStart.get());
    assertEquals(allCalls.get() - 12, t.calls());
    assertEquals(reportedTokens.get() - 12 * 5, t.counts()[0]);
    assertEquals(3, t.callers());
    assertTrue(t.seconds() >= 0.2, "seconds " + t.seconds());
    // and a call's milliseconds are one caller's: about 2 ms, not a third of it
    assertTrue(t.msPerCall() >= 2 && t.msPerCall() < 20, "ms per call " + t.msPerCall());
  }

  @Test
  void shouldFailTheMeasurementWhenACallFails() {
    // given a caller whose call fails
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> TimedCalls.concurrently(2, 0, 0.05,
        caller -> () -> {
          if (caller == 1) {
            throw new java.io.IOException("engine gone");
          }
          return new long[] {1};
        }, () -> { }));
    // then the failure says so and carries the cause
    assertEquals("engine gone", e.getCause().getMessage());
  }
}
