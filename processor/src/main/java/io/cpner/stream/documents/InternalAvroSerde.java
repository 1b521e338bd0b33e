package io.cpner.stream.documents;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro for the application's own state (the batch buffer, the parked records and their
 * changelogs), which only this application reads: no registry round trip on the hot path, but every
 * value names its schema, so a changelog written by an older version restores after an upgrade.
 *
 * <p>Values are written in Avro's single-object encoding (marker {@code C3 01}, the schema's 64-bit
 * fingerprint, then the binary record). They are read with the current schema as reader and the
 * writer schema found by fingerprint among the current one and every earlier one kept under
 * {@code /io/cpner/avro/history/<record name>/<n>.avsc} (1, 2, ...). Version 1 is the schema of the
 * values written before this encoding, without a header; those are read with it. A header-less
 * value cannot start with the marker: the first field of every such record is a string (its
 * length cannot be the negative varint {@code C3 01}) or a union index (0 or 2).
 *
 * <p>Changing an internal schema: copy the old {@code schemas/<Name>.avsc} to the next number in
 * the history folder, then give every new field a default.
 */
public final class InternalAvroSerde<T extends SpecificRecord> implements Serde<T> {
  private static final byte[] MARKER = {(byte) 0xC3, 0x01};
  private final String name;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final SpecificDatumReader<T> headerless;

  public InternalAvroSerde(Class<T> type) {
    Schema schema = SpecificData.get().getSchema(type);
    this.name = schema.getName();
    this.encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
    this.decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema);
    List<Schema> history = history(name);
    history.forEach(decoder::addSchema);
    this.headerless = new SpecificDatumReader<>(history.isEmpty() ? schema : history.get(0), schema);
  }

  /** The earlier schemas of a record, oldest first, from the history folder. */
  static List<Schema> history(String recordName) {
    List<Schema> schemas = new ArrayList<>();
    for (int n = 1; ; n++) {
      try (InputStream in = InternalAvroSerde.class.getResourceAsStream("/io/cpner/avro/history/" + recordName + "/" + n + ".avsc")) {
        if (in == null) {
          return schemas;
        }
        schemas.add(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read schema " + n + " of " + recordName, e);
      }
    }
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        return encoder.encode(value).array();
      } catch (IOException e) {
        throw new SerializationException("cannot encode " + name + " for " + topic, e);
      }
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        if (bytes.length >= 2 && bytes[0] == MARKER[0] && bytes[1] == MARKER[1]) {
          return decoder.decode(ByteBuffer.wrap(bytes));
        }
        return headerless.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
      } catch (IOException | RuntimeException e) {
        throw new SerializationException("cannot decode " + name + " from " + topic + ": " + e.getMessage(), e);
      }
    };
  }
}
