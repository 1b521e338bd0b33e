package io.cpner.stream.documents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cpner.avro.BufferedDocument;
import io.cpner.avro.RecordHeader;
import io.cpner.avro.ParkedRecord;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The application's own state survives an upgrade: values written with an earlier schema still read. */
class InternalAvroSerdeTest {
  private final InternalAvroSerde<BufferedDocument> buffered = new InternalAvroSerde<>(BufferedDocument.class);
  private final InternalAvroSerde<ParkedRecord> parkedRecords = new InternalAvroSerde<>(ParkedRecord.class);

  @Test
  void shouldReadABufferedDocumentWrittenBeforeValuesNamedTheirSchema() throws Exception {
    Schema v1 = InternalAvroSerde.history("BufferedDocument").get(0);
    GenericRecord old = new GenericData.Record(v1);
    old.put("id", "d-1");
    old.put("domain", "politics");
    old.put("prefixDomain", "politics");
    old.put("text", "Angela Merkel met Macron.");
    old.put("tokens", 9);
    old.put("sourcePartition", 2);
    old.put("sourceOffset", 41L);
    old.put("inputTimestampMs", 1000L);
    old.put("bufferedAtMs", 1005L);
    BufferedDocument doc = buffered.deserializer().deserialize("changelog", AvroBytes.binary(old));
    assertEquals(List.of("d-1", "Angela Merkel met Macron.", 41L, ""),
        List.of(doc.getId(), doc.getText(), doc.getSourceOffset(), doc.getSourceTopic()), "the topic takes its default");
    assertEquals("0000000002-00000000000000000041", BatchBuffer.key(doc), "the same store key as before");
  }

  @Test
  void shouldReadAParkedRecordWrittenBeforeValuesNamedTheirSchema() throws Exception {
    Schema v1 = InternalAvroSerde.history("ParkedRecord").get(0);
    GenericRecord old = new GenericData.Record(v1);
    old.put("key", ByteBuffer.wrap(new byte[] {1, 2}));
    old.put("value", ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 1, 7}));
    old.put("sourcePartition", 0);
    old.put("sourceOffset", 5L);
    old.put("timestampMs", 10L);
    old.put("parkedAtMs", 11L);
    ParkedRecord parked = parkedRecords.deserializer().deserialize("changelog", AvroBytes.binary(old));
    assertEquals(List.of(5L, "", List.of()), List.of(parked.getSourceOffset(), parked.getSourceTopic(), parked.getHeaders()));
  }

  @Test
  void shouldWriteValuesThatNameTheirSchemaAndReadThemBack() {
    ParkedRecord parked = ParkedRecord.newBuilder().setKey(null).setValue(ByteBuffer.wrap(new byte[] {9})).setSourcePartition(1)
        .setSourceOffset(3L).setTimestampMs(4L).setParkedAtMs(5L).setSourceTopic("news")
        .setHeaders(List.of(new RecordHeader("x-domain", ByteBuffer.wrap("music".getBytes())))).build();
    byte[] bytes = parkedRecords.serializer().serialize("changelog", parked);
    assertArrayEquals(new byte[] {(byte) 0xC3, 0x01}, new byte[] {bytes[0], bytes[1]}, "Avro's single-object marker");
    assertEquals(parked, parkedRecords.deserializer().deserialize("changelog", bytes));
  }

  @Test
  void shouldRefuseAValueOfASchemaItDoesNotKnow() {
    byte[] unknown = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0};
    SerializationException e = assertThrows(SerializationException.class,
        () -> buffered.deserializer().deserialize("changelog", unknown));
    assertEquals(true, e.getMessage().startsWith("cannot decode BufferedDocument from changelog: "), e.getMessage());
  }

  @Test
  void shouldKeyParkedRecordsByOffsetThenTopicAndReadOffsetOnlyKeys() {
    var serde = ParkedKey.serde();
    assertEquals(new ParkedKey(7L, ""), serde.deserializer().deserialize("t", ByteBuffer.allocate(8).putLong(7L).array()),
        "a key written before there could be several topics");
    ParkedKey key = new ParkedKey(7L, "news");
    assertEquals(key, serde.deserializer().deserialize("t", serde.serializer().serialize("t", key)));
  }
}
