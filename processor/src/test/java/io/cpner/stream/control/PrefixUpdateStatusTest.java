package io.cpner.stream.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cpner.avro.PrefixUpdateRejection;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PrefixUpdateStatusTest {
  @Test
  void shouldNameEveryRejectionReasonInTheStatusRecordSchema() {
    assertEquals(Arrays.stream(PrefixUpdateStatus.Rejection.values()).map(Enum::name).toList(),
        Arrays.stream(PrefixUpdateRejection.values()).map(Enum::name).toList());
  }

  @Test
  void shouldCountRejectionsByReasonAndKeepTheLast() {
    // given
    PrefixUpdateStatus status = new PrefixUpdateStatus();

    // when
    status.rejected(PrefixUpdateStatus.Rejection.UNSIGNED, "no signature");
    status.rejected(PrefixUpdateStatus.Rejection.OVERSIZED, "too big");
    status.rejected(PrefixUpdateStatus.Rejection.UNSIGNED, "still no signature");
    status.applied();

    // then
    assertEquals(2, status.rejectedCount(PrefixUpdateStatus.Rejection.UNSIGNED));
    assertEquals(1, status.rejectedCount(PrefixUpdateStatus.Rejection.OVERSIZED));
    assertEquals(0, status.rejectedCount(PrefixUpdateStatus.Rejection.BAD_SIGNATURE));
    assertEquals(3, status.rejectedCount());
    assertEquals(1, status.appliedCount());
    assertEquals("UNSIGNED: still no signature", status.lastRejection());
  }
}
