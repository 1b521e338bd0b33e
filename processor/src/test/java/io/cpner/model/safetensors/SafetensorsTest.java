package io.cpner.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.model.safetensors.Safetensors.Contents;
import io.cpner.model.safetensors.Safetensors.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  @Test
  void shouldRoundTripValuesShapesDtypesAndMetadataThroughAFile() throws IOException {
    // given tensors of several dtypes and shapes, including a scalar and an empty tensor
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("weight", Tensor.ofFloats("weight", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f}));
    tensors.put("bias", Tensor.ofFloats("bias", new long[] {}, new float[] {0.25f}));
    tensors.put("zeros", Tensor.ofFloats("zeros", new long[] {0, 4}, new float[0]));
    tensors.put("ids", new Tensor("ids", "I64", new long[] {2}, littleEndian(16).putLong(7).putLong(-1).flip()));
    Map<String, String> metadata = Map.of("format", "pt", "domain", "finance");
    Path file = dir.resolve("prefix.safetensors");

    // when
    Safetensors.write(file, tensors, metadata);
    Contents read = Safetensors.read(file);

    // then: same tensors, laid out in name order (the empty one last, at the end of the file), same metadata
    assertEquals(List.of("bias", "ids", "weight", "zeros"), List.copyOf(read.tensors().keySet()));
    assertEquals(tensors, read.tensors());
    assertEquals(metadata, read.metadata());
    Tensor weight = read.tensors().get("weight");
    assertArrayEquals(new long[] {2, 3}, weight.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.5f}, weight.toFloats());
    assertArrayEquals(new float[] {0.25f}, read.tensors().get("bias").toFloats());
    assertEquals(0, read.tensors().get("zeros").elementCount());
    assertEquals(-1L, read.tensors().get("ids").data().getLong(8));
    assertTrue(weight.data().isReadOnly());
  }

  @Test
  void shouldReplaceAFileWithoutDisturbingTensorsMappedFromTheOldOne() throws IOException {
    // given a file that has been read (and so memory-mapped)
    Path file = dir.resolve("prefix.safetensors");
    Safetensors.write(file, Map.of("a", Tensor.ofFloats("a", new long[] {2}, new float[] {1, 2})), Map.of());
    Contents old = Safetensors.read(file);

    // when a new version is written over it
    Safetensors.write(file, Map.of("b", Tensor.ofFloats("b", new long[] {1}, new float[] {9})), Map.of());

    // then the old tensors still read their values, the file holds the new ones, and no temp file is left
    assertArrayEquals(new float[] {1, 2}, old.tensors().get("a").toFloats());
    assertArrayEquals(new float[] {9}, Safetensors.read(file).tensors().get("b").toFloats());
    try (var listing = Files.list(dir)) {
      assertEquals(List.of(file), listing.toList());
    }
  }

  @Test
  void shouldRoundTripThroughBytesWithoutMetadata() {
    // given
    Map<String, Tensor> tensors = Map.of("a", Tensor.ofFloats("a", new long[] {3}, new float[] {0.5f, 1.5f, 2.5f}));

    // when
    Contents read = Safetensors.fromBytes(Safetensors.toBytes(tensors, Map.of()));

    // then
    assertEquals(tensors, read.tensors());
    assertEquals(Map.of(), read.metadata());
    assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f}, read.tensors().get("a").toFloats());
  }

  @Test
  void shouldWriteTheSameBytesWhateverTheOrderOfTheMetadataMap() {
    // given the same tensor and metadata, once in each key order (Map.of's order changes per JVM)
    Map<String, Tensor> tensors = Map.of("a", Tensor.ofFloats("a", new long[] {2}, new float[] {0.5f, 1.5f}));
    Map<String, String> formatFirst = new LinkedHashMap<>();
    formatFirst.put("format", "pt");
    formatFirst.put("source", "maven");
    Map<String, String> sourceFirst = new LinkedHashMap<>();
    sourceFirst.put("source", "maven");
    sourceFirst.put("format", "pt");
    // then the bytes (and so the content hash that identifies an imported PLM) are the same, keys in order
    byte[] bytes = Safetensors.toBytes(tensors, formatFirst);
    assertArrayEquals(bytes, Safetensors.toBytes(tensors, sourceFirst));
    String header = new String(bytes, 8, bytes.length - 8, java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(header.indexOf("\"format\"") < header.indexOf("\"source\""), header);
  }

  @Test
  void shouldWriteTheSameBytesAsTheReferenceImplementation() {
    // given {"test": int32 [[1, 2], [3, 4]]}, whose reference header is 60 bytes padded with 4 spaces
    Tensor test = new Tensor("test", "I32", new long[] {2, 2},
        littleEndian(16).putInt(1).putInt(2).putInt(3).putInt(4).flip());

    // when
    byte[] bytes = Safetensors.toBytes(Map.of("test", test), Map.of());

    // then
    byte[] expected = concat(new byte[] {64, 0, 0, 0, 0, 0, 0, 0},
        ascii("{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}    "),
        new byte[] {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0});
    assertArrayEquals(expected, bytes);
  }

  @Test
  void shouldWriteMetadataFirstAndTensorsInNameOrder() {
    // given tensors given out of order
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("b", Tensor.ofFloats("b", new long[] {1}, new float[] {2}));
    tensors.put("a", Tensor.ofFloats("a", new long[] {1}, new float[] {1}));

    // when
    byte[] bytes = Safetensors.toBytes(tensors, Map.of("format", "pt"));

    // then
    String header = "{\"__metadata__\":{\"format\":\"pt\"},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    String padded = header + " ".repeat((8 - header.length() % 8) % 8);
    assertEquals(padded.length(), ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
    assertEquals(padded, new String(bytes, 8, padded.length(), StandardCharsets.UTF_8));
    assertEquals(0, padded.length() % 8);
  }

  @Test
  void shouldReadAFileLaidOutByTheReferenceImplementation() throws IOException {
    // given the bytes the reference Python library writes for {"test1": int32 [[1, 2], [3, 4]]}
    // with metadata {"framework": "pt"}: a 95-byte header padded with 7 spaces to 102 ('f')
    byte[] bytes = concat(new byte[] {'f', 0, 0, 0, 0, 0, 0, 0},
        ascii("{\"__metadata__\":{\"framework\":\"pt\"},"
            + "\"test1\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}       "),
        new byte[] {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0});
    Path file = Files.write(dir.resolve("reference.safetensors"), bytes);

    // when
    Contents read = Safetensors.read(file);

    // then
    assertEquals(Map.of("framework", "pt"), read.metadata());
    Tensor test1 = read.tensors().get("test1");
    assertEquals("I32", test1.dtype());
    assertArrayEquals(new long[] {2, 2}, test1.shape());
    int[] values = new int[4];
    test1.data().asIntBuffer().get(values);
    assertArrayEquals(new int[] {1, 2, 3, 4}, values);
  }

  @Test
  void shouldReadAnUnpaddedHeaderFromOlderReferenceVersions() {
    // given a 60-byte header ('<') with no padding, as early versions wrote
    byte[] bytes = concat(new byte[] {'<', 0, 0, 0, 0, 0, 0, 0},
        ascii("{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}"), new byte[16]);

    // when
    Contents read = Safetensors.fromBytes(bytes);

    // then
    assertEquals(16, read.tensors().get("test").data().remaining());
    assertEquals(4, read.tensors().get("test").elementCount());
  }

  @Test
  void shouldRejectAMapKeyThatIsNotTheTensorName() {
    Map<String, Tensor> tensors = Map.of("a", Tensor.ofFloats("b", new long[] {1}, new float[] {1}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Safetensors.toBytes(tensors, Map.of()));
    assertEquals("expected each map key to be its tensor's name but key 'a' holds tensor 'b'", e.getMessage());
  }

  @Test
  void shouldFailWithIoExceptionForAMissingFile() {
    assertThrows(NoSuchFileException.class, () -> Safetensors.read(dir.resolve("absent.safetensors")));
  }

  @Test
  void shouldNameTheSourceWhenBytesFromAMessageAreMalformed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Safetensors.fromBytes(new byte[3], "prefixes/0@42"));
    assertEquals("prefixes/0@42: expected at least 8 bytes (the header length) but found 3", e.getMessage());
  }

  static ByteBuffer littleEndian(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  static ByteBuffer shorts(short[] values) {
    ByteBuffer buffer = littleEndian(values.length * 2);
    for (short value : values) {
      buffer.putShort(value);
    }
    return buffer.flip();
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
