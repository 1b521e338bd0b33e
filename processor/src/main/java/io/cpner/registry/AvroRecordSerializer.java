package io.cpner.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a generated Avro record in the Confluent wire format: magic byte 0, the schema's
 * registry id (4 bytes, big-endian), then the record in Avro binary.
 *
 * <p>The schema is the generated class's, under the subject {@code <topic>-value} (or
 * {@code <topic>-key}); it is registered when the client's configuration says
 * {@link RegistryConfig#autoRegister() auto-register}, else it must already be registered. A
 * {@code null} record is written as {@code null} (a tombstone). Failures are
 * {@link SerializationException}s, except a registry that gives no answer about the schema's id:
 * that is a {@link RegistryUnavailableException} (the processor resolves its output schemas before it
 * starts, so its serializers never need the registry afterwards). Thread-safe.
 */
public final class AvroRecordSerializer<T extends SpecificRecord> implements Serializer<T> {
  private final Schema schema;
  private final DatumWriter<T> writer;
  private final SchemaRegistry client;
  private final boolean isKey;

  public AvroRecordSerializer(Schema schema, SpecificData model, SchemaRegistry client, boolean isKey) {
    this.schema = schema;
    this.writer = new SpecificDatumWriter<>(schema, model);
    this.client = client;
    this.isKey = isKey;
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    int schemaId = schemaIdFor(topic);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try {
      out.write(ConfluentWireFormat.header(schemaId));
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writer.write(record, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "Avro encode error for " + schema.getFullName() + " on topic " + topic + ": " + e, e);
    }
    return out.toByteArray();
  }

  private int schemaIdFor(String topic) {
    String subject = TopicNameStrategy.subject(topic, isKey);
    try {
      return client.schemaId(subject, schema);
    } catch (SchemaRegistryException e) {
      if (!client.autoRegister() && e.isNotFound()) {
        throw new SerializationException(
            "Schema " + schema.getFullName() + " is not registered under subject " + subject + " and "
                + RegistryConfig.AUTO_REGISTER + " is false: register it first (" + e.getMessage() + ")", e);
      }
      String message = "Could not get the schema id of " + schema.getFullName() + " under subject " + subject + ": "
          + e.getMessage();
      if (e.isUnavailable()) {
        throw new RegistryUnavailableException(message, e);
      }
      throw new SerializationException(message, e);
    }
  }
}
