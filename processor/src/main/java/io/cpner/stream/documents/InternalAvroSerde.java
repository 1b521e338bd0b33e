package io.cpner.stream.documents;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Plain Avro binary for the application's own state (the batch buffer and its changelog), which
 * only this application reads: no registry round trip on the hot path.
 */
public final class InternalAvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final SpecificDatumWriter<T> writer;
  private final SpecificDatumReader<T> reader;

  public InternalAvroSerde(Class<T> type) {
    this.writer = new SpecificDatumWriter<>(type);
    this.reader = new SpecificDatumReader<>(type);
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(value, encoder);
        encoder.flush();
        return out.toByteArray();
      } catch (IOException e) {
        throw new SerializationException("cannot encode " + value.getSchema().getName() + " for " + topic, e);
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
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        return reader.read(null, decoder);
      } catch (IOException | RuntimeException e) {
        throw new SerializationException("cannot decode internal state from " + topic + ": " + e.getMessage(), e);
      }
    };
  }
}
