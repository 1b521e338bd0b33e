package io.cpner.model.safetensors;

import static io.cpner.model.safetensors.SafetensorsTest.ascii;
import static io.cpner.model.safetensors.SafetensorsTest.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed file is refused with a message naming the file, what was expected and what was found. */
class SafetensorsValidationTest {
  @TempDir Path dir;
  private Path file;

  @BeforeEach
  void name() {
    file = dir.resolve("broken.safetensors");
  }

  @Test
  void shouldRejectAFileShorterThanTheLengthPrefix() throws IOException {
    assertEquals(file + ": expected at least 8 bytes (the header length) but found 5",
        failure(new byte[5]));
  }

  @Test
  void shouldRejectAHeaderLengthLargerThanTheFile() throws IOException {
    byte[] bytes = concat(prefix(100), ascii("{}        "));
    assertEquals(file + ": expected a header length of at most 10 bytes (the bytes after the 8-byte length)"
        + " but found 100", failure(bytes));
  }

  @Test
  void shouldRejectAnAbsurdHeaderLength() throws IOException {
    assertEquals(file + ": expected a header length of at most 100000000 bytes but found 18446744073709551615",
        failure(concat(prefix(-1), new byte[8])));
  }

  @Test
  void shouldRejectAHeaderThatIsNotJson() throws IOException {
    String message = failure(withHeader("{\"a\": {\"dtype\": ", 0));
    assertTrue(message.startsWith(file + ": expected the header to be JSON but found: Unexpected end-of-input"),
        message);
  }

  @Test
  void shouldRejectAHeaderThatIsNotUtf8() throws IOException {
    byte[] bytes = concat(prefix(4), new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
    assertTrue(failure(bytes).startsWith(file + ": expected the header to be UTF-8 but found invalid bytes"));
  }

  @Test
  void shouldRejectAHeaderThatIsNotAnObject() throws IOException {
    assertEquals(file + ": expected the header to be a JSON object but found ARRAY", failure(withHeader("[1, 2]", 0)));
  }

  @Test
  void shouldRejectDuplicateTensorNames() throws IOException {
    String header = "{\"a\":" + info("F32", "[1]", 0, 4) + ",\"a\":" + info("F32", "[1]", 0, 4) + "}";
    assertTrue(failure(withHeader(header, 4)).startsWith(
        file + ": expected the header to be JSON but found: Duplicate field 'a'"));
  }

  @Test
  void shouldRejectAnUnknownDtype() throws IOException {
    String message = failure(withHeader("{\"a\":" + info("F33", "[1]", 0, 4) + "}", 4));
    assertTrue(message.startsWith(file + ": tensor 'a': expected dtype to be one of BOOL, U8, I8,"), message);
    assertTrue(message.endsWith(" but found 'F33'"), message);
  }

  @Test
  void shouldRejectAShapeThatDoesNotMatchTheOffsets() throws IOException {
    assertEquals(file + ": expected tensor 'a' (F32, shape [2, 2]) to span 16 bytes but data_offsets [0, 12]"
        + " span 12", failure(withHeader("{\"a\":" + info("F32", "[2,2]", 0, 12) + "}", 12)));
  }

  @Test
  void shouldRejectANegativeDimension() throws IOException {
    assertEquals(file + ": expected tensor 'a' shape to be an array of non-negative integers but found [-1,4]",
        failure(withHeader("{\"a\":" + info("F32", "[-1,4]", 0, 16) + "}", 16)));
  }

  @Test
  void shouldRejectOffsetsPastTheEndOfTheData() throws IOException {
    assertEquals(file + ": expected tensor 'a' data_offsets within the data section of 8 bytes but found"
        + " [0, 16]", failure(withHeader("{\"a\":" + info("F32", "[4]", 0, 16) + "}", 8)));
  }

  @Test
  void shouldRejectOffsetsThatEndBeforeTheyBegin() throws IOException {
    assertEquals(file + ": expected tensor 'a' data_offsets begin <= end but found [8, 4]",
        failure(withHeader("{\"a\":" + info("F32", "[1]", 8, 4) + "}", 8)));
  }

  @Test
  void shouldRejectMissingOffsets() throws IOException {
    assertEquals(file + ": expected tensor 'a' data_offsets to be an array of 2 non-negative integers but found"
        + " nothing", failure(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4)));
  }

  @Test
  void shouldRejectOverlappingTensors() throws IOException {
    String header = "{\"a\":" + info("F32", "[2]", 0, 8) + ",\"b\":" + info("F32", "[2]", 4, 12) + "}";
    assertEquals(file + ": expected tensors not to overlap but found tensor 'b' data_offsets [4, 12] starting"
        + " before tensor 'a' ends at 8", failure(withHeader(header, 12)));
  }

  @Test
  void shouldRejectAGapBetweenTensors() throws IOException {
    String header = "{\"a\":" + info("F32", "[1]", 0, 4) + ",\"b\":" + info("F32", "[1]", 8, 12) + "}";
    assertEquals(file + ": expected the next tensor to start at byte 4 (no gaps) but found tensor 'b'"
        + " data_offsets [8, 12]", failure(withHeader(header, 12)));
  }

  @Test
  void shouldRejectTrailingBytesAfterTheLastTensor() throws IOException {
    assertEquals(file + ": expected the tensors to cover the whole data section of 8 bytes but they end at"
        + " byte 4", failure(withHeader("{\"a\":" + info("F32", "[1]", 0, 4) + "}", 8)));
  }

  @Test
  void shouldRejectMetadataThatIsNotStrings() throws IOException {
    assertEquals(file + ": expected __metadata__ value 'version' to be a string but found NUMBER",
        failure(withHeader("{\"__metadata__\":{\"version\":2}}", 0)));
  }

  private String failure(byte[] bytes) throws IOException {
    Files.write(file, bytes);
    return assertThrows(IllegalArgumentException.class, () -> Safetensors.read(file)).getMessage();
  }

  private static byte[] withHeader(String json, int dataBytes) {
    byte[] header = ascii(json);
    return concat(prefix(header.length), header, new byte[dataBytes]);
  }

  private static byte[] prefix(long headerLength) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).array();
  }

  private static String info(String dtype, String shape, long begin, long end) {
    return "{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
  }
}
