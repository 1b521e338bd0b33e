package io.cpner.registry;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.avro.DeadLetter;
import io.cpner.avro.DeadLetterReason;
import io.cpner.avro.Document;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** Lengths a record declares are checked against the bytes it has, before anything is allocated. */
class AvroLengthGuardTest {
  private static final Schema DOCUMENT = Document.getClassSchema();

  @Test
  void shouldPassEveryWellFormedRecordWhateverItsFields() throws IOException {
    byte[] doc = avro(new Document("d-1", "news", "Alice met Bob in Paris.", Map.of("source", "wire", "lang", "en")));
    assertDoesNotThrow(() -> AvroLengthGuard.check(DOCUMENT, doc, 0, doc.length));
    DeadLetter letter = DeadLetter.newBuilder().setReason(DeadLetterReason.TEXT_TOO_LONG).setDetail("long")
        .setSourceTopic("documents").setSourcePartition(3).setSourceOffset(42L).setKey(ByteBuffer.wrap(new byte[] {1, 2}))
        .setValue(null).setTimestampMs(1L).build();
    byte[] dead = avro(letter);
    assertDoesNotThrow(() -> AvroLengthGuard.check(DeadLetter.getClassSchema(), dead, 0, dead.length));
  }

  @Test
  void shouldRefuseAStringLongerThanTheBytesLeftInThirteenBytes() {
    byte[] bomb = concat(varint(2_000_000_000L), new byte[] {'a', 'b', 'c'});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AvroLengthGuard.check(DOCUMENT, bomb, 0, bomb.length));
    assertEquals("a string of 2000000000 bytes with 3 left", e.getMessage());
  }

  @Test
  void shouldRefuseAMapClaimingMoreEntriesThanThePayloadHasBytes() throws IOException {
    byte[] fields = Arrays.copyOf(avro(new Document("d", "news", "t", Map.of())), 9); // without the map's end
    byte[] bomb = concat(fields, varint(2_000_000_000L));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AvroLengthGuard.check(DOCUMENT, bomb, 0, bomb.length));
    assertTrue(e.getMessage().startsWith("collections of 2000000000 items in all"), e.getMessage());
  }

  @Test
  void shouldRefuseManySmallCollectionsOfNullsThatAddUpBeyondThePayload() {
    Schema nested = new Schema.Parser().parse("{\"type\": \"array\", \"items\": {\"type\": \"array\", \"items\": \"null\"}}");
    // 100 inner arrays, each 100 nulls long: 10,000 items from about 400 bytes
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(varint(100));
    for (int i = 0; i < 100; i++) {
      out.writeBytes(varint(100));
      out.writeBytes(varint(0));
    }
    out.writeBytes(varint(0));
    byte[] data = out.toByteArray();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AvroLengthGuard.check(nested, data, 0, data.length));
    assertTrue(e.getMessage().startsWith("collections of "), e.getMessage());
  }

  @Test
  void shouldRefuseNegativeLengthsOverlongVarintsAndUnionBranchesThatDoNotExist() {
    byte[] negative = varint(-5);
    assertEquals("a string of negative length -5",
        assertThrows(IllegalArgumentException.class, () -> AvroLengthGuard.check(DOCUMENT, negative, 0, negative.length)).getMessage());
    byte[] overlong = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, 1};
    assertEquals("a varint longer than 10 bytes",
        assertThrows(IllegalArgumentException.class, () -> AvroLengthGuard.check(DOCUMENT, overlong, 0, overlong.length)).getMessage());
    Schema union = new Schema.Parser().parse("[\"null\", \"string\"]");
    byte[] branch = varint(7);
    assertEquals("union branch 7 of 2",
        assertThrows(IllegalArgumentException.class, () -> AvroLengthGuard.check(union, branch, 0, branch.length)).getMessage());
  }

  private static <T extends SpecificRecord> byte[] avro(T record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    @SuppressWarnings("unchecked")
    SpecificDatumWriter<T> writer = new SpecificDatumWriter<>((Class<T>) record.getClass());
    writer.write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static byte[] varint(long value) {
    long zigzag = (value << 1) ^ (value >> 63);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((zigzag & ~0x7fL) != 0) {
      out.write((int) ((zigzag & 0x7f) | 0x80));
      zigzag >>>= 7;
    }
    out.write((int) zigzag);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
