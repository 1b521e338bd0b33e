package io.cpner.registry;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} for one generated Avro class in the Confluent wire format (magic byte 0,
 * 4-byte big-endian schema id, Avro binary), with subjects named by the topic
 * ({@code <topic>-value}, or {@code <topic>-key} for keys). See {@link AvroRecordSerializer} and
 * {@link AvroRecordDeserializer} for the contract of each direction.
 *
 * <p>Everything is given to the constructor: {@link #configure} is not used, and {@link #close}
 * leaves the shared {@link SchemaRegistry} alone. Thread-safe.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final Class<T> type;
  private final Schema schema;
  private final AvroRecordSerializer<T> serializer;
  private final AvroRecordDeserializer<T> deserializer;

  /** A serde for the generated class {@code type}, for keys when {@code isKey}, else for values. */
  public AvroSerde(Class<T> type, SchemaRegistry client, boolean isKey) {
    SpecificData model = SpecificData.getForClass(type);
    Schema classSchema = model.getSchema(type);
    if (classSchema.getType() != Schema.Type.RECORD) {
      throw new IllegalArgumentException(
          "expected a class generated from an Avro record schema, found " + type.getName() + " with schema type "
              + classSchema.getType());
    }
    this.type = type;
    this.schema = classSchema;
    this.serializer = new AvroRecordSerializer<>(classSchema, model, client, isKey);
    this.deserializer = new AvroRecordDeserializer<>(classSchema, model, client);
  }

  /** A serde for the generated class {@code type}, e.g. {@code AvroSerde.forClass(Document.class, client, false)}. */
  public static <T extends SpecificRecord> AvroSerde<T> forClass(Class<T> type, SchemaRegistry client, boolean isKey) {
    return new AvroSerde<>(type, client, isKey);
  }

  /** The generated class this serde reads and writes. */
  public Class<T> type() {
    return type;
  }

  /** The generated class's schema: what the serializer writes and the deserializer reads into. */
  public Schema schema() {
    return schema;
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
