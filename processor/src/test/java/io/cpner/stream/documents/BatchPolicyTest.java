package io.cpner.stream.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BatchPolicyTest {
  private final BatchPolicy policy = new BatchPolicy(4, 100, 50);

  @Test
  void shouldRunABatchAtTheDocumentCountOrTheTokenBudgetWhicheverComesFirst() {
    assertFalse(policy.isFull(3, 99));
    assertTrue(policy.isFull(4, 10));
    assertTrue(policy.isFull(1, 100));
  }

  @Test
  void shouldBeDueOnceTheOldestDocumentHasWaitedTheMaximumDelay() {
    assertFalse(policy.isDue(1_000, 1_049));
    assertTrue(policy.isDue(1_000, 1_050));
  }

  @Test
  void shouldCheckAFifthOfTheDelayAtMost10MsAtLeast1() {
    assertEquals(10, policy.checkIntervalMs());
    assertEquals(4, new BatchPolicy(1, 16, 20).checkIntervalMs());
    assertEquals(1, new BatchPolicy(1, 16, 2).checkIntervalMs());
  }
}
