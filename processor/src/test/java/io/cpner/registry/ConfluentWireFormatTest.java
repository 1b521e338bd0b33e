package io.cpner.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ConfluentWireFormatTest {

  @Test
  void shouldWriteMagicByteThenBigEndianSchemaId() {
    // when
    byte[] header = ConfluentWireFormat.header(0x01020304);

    // then
    assertArrayEquals(new byte[] {0, 1, 2, 3, 4}, header);
  }

  @Test
  void shouldReadSchemaIdBackFromHeader() {
    // given
    byte[] record = {0, 0, 0, 1, 0x2a, 99, 98};

    // when
    int id = ConfluentWireFormat.schemaId(record, "docs");

    // then
    assertEquals(298, id);
  }

  @Test
  void shouldRejectWrongMagicByteSayingWhatItFound() {
    // when
    SerializationException e = assertThrows(SerializationException.class,
        () -> ConfluentWireFormat.schemaId(new byte[] {7, 0, 0, 0, 1, 2}, "docs"));

    // then
    assertEquals("Record on topic docs has wrong magic byte 7: expected 0 (Confluent wire format)", e.getMessage());
  }

  @Test
  void shouldRejectRecordShorterThanHeader() {
    // when
    SerializationException e = assertThrows(SerializationException.class,
        () -> ConfluentWireFormat.schemaId(new byte[] {0, 0, 1}, "docs"));

    // then
    assertEquals("Record on topic docs is too short for the Confluent wire format: expected at least 5 bytes "
        + "(magic byte 0 + 4-byte schema id), found 3", e.getMessage());
  }
}
