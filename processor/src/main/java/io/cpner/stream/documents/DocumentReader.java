package io.cpner.stream.documents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpner.avro.Document;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the document in an input record, as its {@link InputSpec} says. A field, key or header that
 * is absent reads as empty (the validator then names it: {@code MISSING_ID}, {@code MISSING_DOMAIN},
 * {@code EMPTY_TEXT}); a value that cannot be read at all (not the wire format, not JSON, not UTF-8,
 * a text field that is an object) throws, and becomes an {@code UNDECODABLE} dead letter. Dotted
 * paths step into nested JSON objects and Avro records alike ({@code body.text}).
 */
@FunctionalInterface
public interface DocumentReader {
  /** The document of one record; throws when the value cannot be read. */
  Document read(String topic, Headers headers, byte[] key, byte[] value);

  /**
   * The reader for {@code spec}; {@code documents} reads the {@code DOCUMENT} format, {@code records}
   * a user's Avro records ({@code AVRO}).
   */
  static DocumentReader of(InputSpec spec, Deserializer<Document> documents, Deserializer<GenericRecord> records) {
    return switch (spec.format()) {
      case DOCUMENT -> (topic, headers, key, value) -> documents.deserialize(topic, value);
      case JSON -> new JsonEvents(spec);
      case TEXT -> (topic, headers, key, value) ->
          new Document(utf8(key), domain(spec.domain(), topic, path -> "", headers), utf8Strict(value, "the text"), Map.of());
      case AVRO -> (topic, headers, key, value) -> {
        GenericRecord record = records.deserialize(topic, value);
        Function<String, String> field = path -> field(record, path);
        return new Document(spec.idField().isEmpty() ? utf8(key) : field.apply(spec.idField()),
            domain(spec.domain(), topic, field, headers), field.apply(spec.textField()), Map.of());
      };
    };
  }

  /** JSON objects, fields found by dotted paths. */
  final class JsonEvents implements DocumentReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final InputSpec spec;

    JsonEvents(InputSpec spec) {
      this.spec = spec;
    }

    @Override
    public Document read(String topic, Headers headers, byte[] key, byte[] value) {
      JsonNode event;
      try {
        event = JSON.readTree(utf8Strict(value, "a JSON event"));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
      }
      if (event == null || !event.isObject()) {
        throw new IllegalArgumentException("a JSON event must be an object, found " + (event == null ? "nothing" : event.getNodeType()));
      }
      Function<String, String> field = path -> field(event, path);
      String id = spec.idField().isEmpty() ? utf8(key) : field.apply(spec.idField());
      return new Document(id, domain(spec.domain(), topic, field, headers), field.apply(spec.textField()), Map.of());
    }
  }

  /** The scalar at {@code path} (a.b.c) as text; empty when absent or null; an object or array there is an error. */
  static String field(JsonNode event, String path) {
    JsonNode node = event;
    for (String step : path.split("\\.")) {
      node = node == null ? null : node.get(step);
    }
    if (node == null || node.isNull()) {
      return "";
    }
    if (node.isContainerNode()) {
      throw new IllegalArgumentException("field " + path + " is " + node.getNodeType().name().toLowerCase(Locale.ROOT) + ", not a value");
    }
    return node.asText();
  }

  /**
   * The scalar at {@code path} (a.b.c) of an Avro record as text; empty when the schema has no such
   * field or its value is null; a record, map, array or bytes there is an error.
   */
  static String field(GenericRecord record, String path) {
    Object value = record;
    for (String step : path.split("\\.")) {
      if (!(value instanceof GenericRecord r) || r.getSchema().getField(step) == null) {
        return "";
      }
      value = r.get(step);
    }
    if (value == null) {
      return "";
    }
    String container = value instanceof GenericRecord ? "a record" : value instanceof Map ? "a map"
        : value instanceof Collection ? "an array" : value instanceof ByteBuffer ? "bytes" : null;
    if (container != null) {
      throw new IllegalArgumentException("field " + path + " is " + container + ", not a value");
    }
    return value.toString();
  }

  private static String domain(InputSpec.DomainSource source, String topic, Function<String, String> field, Headers headers) {
    if (source instanceof InputSpec.FromField f) {
      return field.apply(f.path());
    }
    if (source instanceof InputSpec.FromTopic t) {
      return t.domains().getOrDefault(topic, "");
    }
    if (source instanceof InputSpec.FromHeader h) {
      Header header = headers == null ? null : headers.lastHeader(h.name());
      return header == null || header.value() == null ? "" : utf8Strict(header.value(), "header " + h.name());
    }
    return ((InputSpec.Fixed) source).domain();
  }

  private static String utf8(byte[] bytes) {
    return bytes == null ? "" : utf8Strict(bytes, "the record key");
  }

  /** The bytes as UTF-8, refusing malformed input instead of replacing it. */
  private static String utf8Strict(byte[] bytes, String what) {
    if (bytes == null) {
      throw new IllegalArgumentException(what + " is missing");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(what + " is not UTF-8 (" + e + ")");
    }
  }
}
