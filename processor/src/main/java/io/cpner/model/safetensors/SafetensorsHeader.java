package io.cpner.model.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Parses, validates and encodes the JSON header of a safetensors file. Every failure is an
 * {@link IllegalArgumentException} whose message starts with the source (usually the file path) and
 * says what was expected and what was found. Validation follows the reference implementation: the
 * tensors' byte ranges, sorted by offset, must tile the data section exactly, with no gap or overlap.
 */
final class SafetensorsHeader {
  static final String METADATA_KEY = "__metadata__";
  /** The reference implementation refuses headers above 100 MB. */
  static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /** One tensor as declared in the header; offsets are relative to the data section. */
  record Entry(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {}

  /** The header's tensors in file order, and its string metadata. */
  record Parsed(List<Entry> entries, Map<String, String> metadata) {}

  private SafetensorsHeader() {}

  /** Reads the 8-byte little-endian header length at the start of {@code prefix} and checks it fits. */
  static int headerLength(String source, long totalBytes, ByteBuffer prefix) {
    if (totalBytes < 8) {
      throw fail(source, "expected at least 8 bytes (the header length) but found " + totalBytes);
    }
    long declared = prefix.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    if (declared < 0 || declared > MAX_HEADER_BYTES) {
      throw fail(source, "expected a header length of at most " + MAX_HEADER_BYTES + " bytes but found "
          + Long.toUnsignedString(declared));
    }
    if (declared > totalBytes - 8) {
      throw fail(source, "expected a header length of at most " + (totalBytes - 8)
          + " bytes (the bytes after the 8-byte length) but found " + declared);
    }
    return (int) declared;
  }

  /** Parses and validates the header against a data section of {@code dataLength} bytes. */
  static Parsed parse(String source, byte[] headerBytes, long dataLength) {
    JsonNode root = readJson(source, headerBytes);
    List<Entry> entries = new ArrayList<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      if (field.getKey().equals(METADATA_KEY)) {
        metadata.putAll(readMetadata(source, field.getValue()));
      } else {
        entries.add(readEntry(source, field.getKey(), field.getValue(), dataLength));
      }
    }
    checkTiling(source, entries, dataLength);
    return new Parsed(List.copyOf(entries), metadata);
  }

  /** The header for {@code tensors}, laid out back to back in the given order, padded to 8 bytes. */
  static byte[] encode(List<Safetensors.Tensor> tensors, Map<String, String> metadata) {
    ObjectNode root = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject(METADATA_KEY);
      // by key, so that the same tensors and metadata are the same bytes whatever the map's order
      // (Map.of's changes from one JVM to the next): an imported PLM's content hash is its identity
      new TreeMap<>(metadata).forEach(meta::put);
    }
    long offset = 0;
    for (Safetensors.Tensor tensor : tensors) {
      ObjectNode info = root.putObject(tensor.name());
      info.put("dtype", tensor.dtype());
      ArrayNode shape = info.putArray("shape");
      Arrays.stream(tensor.shape()).forEach(shape::add);
      long end = offset + tensor.data().remaining();
      info.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    try {
      byte[] json = JSON.writeValueAsBytes(root);
      byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
      Arrays.fill(padded, json.length, padded.length, (byte) ' ');
      return padded;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not encode a safetensors header", e);
    }
  }

  /** The 8-byte little-endian length that precedes {@code header} in a file. */
  static ByteBuffer lengthPrefix(byte[] header) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
  }

  /** The tensors in the order they are written (by name), after checking each key is its tensor's name. */
  static List<Safetensors.Tensor> layout(Map<String, Safetensors.Tensor> tensors, Map<String, String> metadata) {
    tensors.forEach((key, tensor) -> {
      if (!key.equals(tensor.name())) {
        throw new IllegalArgumentException(
            "expected each map key to be its tensor's name but key '" + key + "' holds tensor '" + tensor.name() + "'");
      }
    });
    metadata.forEach((key, value) -> Objects.requireNonNull(value, "metadata value for key '" + key + "'"));
    List<Safetensors.Tensor> sorted = new ArrayList<>(tensors.values());
    sorted.sort(Comparator.comparing(Safetensors.Tensor::name));
    return sorted;
  }

  private static JsonNode readJson(String source, byte[] headerBytes) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(headerBytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw fail(source, "expected the header to be UTF-8 but found invalid bytes (" + e.getMessage() + ")");
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw fail(source, "expected the header to be JSON but found: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw fail(source, "expected the header to be a JSON object but found "
          + (root == null ? "nothing" : root.getNodeType()));
    }
    return root;
  }

  private static Map<String, String> readMetadata(String source, JsonNode node) {
    if (!node.isObject()) {
      throw fail(source, "expected " + METADATA_KEY + " to be an object but found " + node.getNodeType());
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    node.properties().forEach(field -> {
      if (!field.getValue().isTextual()) {
        throw fail(source, "expected " + METADATA_KEY + " value '" + field.getKey() + "' to be a string but found "
            + field.getValue().getNodeType());
      }
      metadata.put(field.getKey(), field.getValue().textValue());
    });
    return metadata;
  }

  private static Entry readEntry(String source, String name, JsonNode node, long dataLength) {
    String where = "tensor '" + name + "'";
    if (!node.isObject()) {
      throw fail(source, "expected " + where + " to be an object but found " + node.getNodeType());
    }
    JsonNode dtypeNode = node.path("dtype");
    if (!dtypeNode.isTextual()) {
      throw fail(source, "expected " + where + " to have a string dtype but found " + dtypeNode.getNodeType());
    }
    SafetensorsDtype dtype;
    long[] shape = readLongs(source, where + " shape", node.path("shape"), -1);
    long[] offsets = readLongs(source, where + " data_offsets", node.path("data_offsets"), 2);
    long expectedBytes;
    try {
      dtype = SafetensorsDtype.parse(dtypeNode.textValue());
      expectedBytes = dtype.byteCount(shape);
    } catch (IllegalArgumentException e) {
      throw fail(source, where + ": " + e.getMessage());
    }
    long begin = offsets[0];
    long end = offsets[1];
    if (begin > end) {
      throw fail(source, "expected " + where + " data_offsets begin <= end but found " + Arrays.toString(offsets));
    }
    if (end > dataLength) {
      throw fail(source, "expected " + where + " data_offsets within the data section of " + dataLength
          + " bytes but found " + Arrays.toString(offsets));
    }
    if (end - begin != expectedBytes) {
      throw fail(source, "expected " + where + " (" + dtype + ", shape " + Arrays.toString(shape) + ") to span "
          + expectedBytes + " bytes but data_offsets " + Arrays.toString(offsets) + " span " + (end - begin));
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  /** A JSON array of non-negative integers; {@code length} -1 means any length. */
  private static long[] readLongs(String source, String what, JsonNode node, int length) {
    if (!node.isArray() || (length >= 0 && node.size() != length)) {
      throw fail(source, "expected " + what + " to be an array of " + (length >= 0 ? length + " " : "")
          + "non-negative integers but found " + (node.isMissingNode() ? "nothing" : node));
    }
    long[] values = new long[node.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode item = node.get(i);
      if (!item.isIntegralNumber() || !item.canConvertToLong() || item.longValue() < 0) {
        throw fail(source, "expected " + what + " to be an array of non-negative integers but found " + node);
      }
      values[i] = item.longValue();
    }
    return values;
  }

  /** Sorted by offset, the tensors must start at 0, follow each other without gap or overlap, and end at the end. */
  private static void checkTiling(String source, List<Entry> entries, long dataLength) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long cursor = 0;
    String previous = null;
    for (Entry entry : sorted) {
      String found = "tensor '" + entry.name() + "' data_offsets [" + entry.begin() + ", " + entry.end() + "]";
      if (entry.begin() < cursor) {
        throw fail(source, "expected tensors not to overlap but found " + found + " starting before tensor '"
            + previous + "' ends at " + cursor);
      }
      if (entry.begin() > cursor) {
        throw fail(source, "expected the next tensor to start at byte " + cursor + " (no gaps) but found " + found);
      }
      cursor = entry.end();
      previous = entry.name();
    }
    if (cursor != dataLength) {
      throw fail(source, "expected the tensors to cover the whole data section of " + dataLength
          + " bytes but they end at byte " + cursor);
    }
  }

  private static IllegalArgumentException fail(String source, String message) {
    return new IllegalArgumentException(source + ": " + message);
  }
}
