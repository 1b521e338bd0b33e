package io.cpner.registry;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a record in the Confluent wire format into a generated Avro class, or, built by
 * {@link #generic}, into a {@link GenericRecord} of whatever record schema it was written with.
 *
 * <p>The writer schema is fetched from the registry by the id in the record's header (once per
 * id) and resolved to the generated class's schema with Avro schema resolution, so records written
 * with an older or newer compatible schema read fine. {@code null} bytes read as {@code null}.
 * Anything else that cannot be read (too short, wrong magic byte, unknown schema id, incompatible
 * writer schema, bytes that are not Avro of that schema) is a {@link SerializationException} whose
 * message says what was expected and what was found; a registry that gives no answer about the id
 * is a {@link RegistryUnavailableException} instead, since the record may well be fine. Every length the data declares is checked
 * against the bytes that remain before Avro allocates it ({@link AvroLengthGuard}). Thread-safe.
 */
public final class AvroRecordDeserializer<T> implements Deserializer<T> {
  /** The schema records are read as; null: as written (generic records). */
  private final Schema readerSchema;
  private final GenericData model;
  private final SchemaRegistry client;
  private final ConcurrentMap<Integer, WriterReader<T>> readersByWriterId = new ConcurrentHashMap<>();

  /** The writer schema of an id and the reader that resolves it to the generated class. */
  private record WriterReader<T>(Schema writer, DatumReader<T> reader) {}

  /** Reads records as {@code readerSchema}, into the classes of {@code model} (a SpecificData for generated classes). */
  public AvroRecordDeserializer(Schema readerSchema, GenericData model, SchemaRegistry client) {
    this.readerSchema = readerSchema;
    this.model = model;
    this.client = client;
  }

  /** Reads records of any record schema, each as its writer schema says (a user's own topic). */
  public static AvroRecordDeserializer<GenericRecord> generic(SchemaRegistry client) {
    return new AvroRecordDeserializer<>(null, GenericData.get(), client);
  }

  /** What a record reads as, for messages. */
  private String readAs(Schema writer) {
    return (readerSchema == null ? writer : readerSchema).getFullName();
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    int schemaId = ConfluentWireFormat.schemaId(data, topic);
    WriterReader<T> resolved = readerFor(schemaId, topic);
    int payload = data.length - ConfluentWireFormat.HEADER_SIZE;
    try {
      AvroLengthGuard.check(resolved.writer(), data, ConfluentWireFormat.HEADER_SIZE, payload);
    } catch (IllegalArgumentException e) {
      throw new SerializationException(
          "Avro decode error on topic " + topic + ": " + payload + " payload bytes are not a "
              + readAs(resolved.writer()) + " written with schema id " + schemaId + ": " + e.getMessage(), e);
    }
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, ConfluentWireFormat.HEADER_SIZE, payload, null);
    T value;
    boolean atEnd;
    try {
      value = resolved.reader().read(null, decoder);
      atEnd = decoder.isEnd();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "Avro decode error on topic " + topic + ": " + payload + " payload bytes are not a "
              + readAs(resolved.writer()) + " written with schema id " + schemaId + ": " + e, e);
    }
    if (!atEnd) {
      throw new SerializationException(
          "Avro decode error on topic " + topic + ": bytes left over after a " + readAs(resolved.writer())
              + " written with schema id " + schemaId + " (" + payload + " payload bytes)");
    }
    return value;
  }

  private WriterReader<T> readerFor(int schemaId, String topic) {
    WriterReader<T> cached = readersByWriterId.get(schemaId);
    if (cached != null) {
      return cached;
    }
    Schema writerSchema = writerSchema(schemaId, topic);
    if (readerSchema == null && writerSchema.getType() != Schema.Type.RECORD) {
      throw new SerializationException("Record on topic " + topic + " was written with schema id " + schemaId
          + ", a " + writerSchema.getType().getName() + ", not a record");
    }
    Schema reads = readerSchema == null ? writerSchema : readerSchema;
    SchemaPairCompatibility compatibility = SchemaCompatibility.checkReaderWriterCompatibility(reads, writerSchema);
    if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      throw new SerializationException(
          "Record on topic " + topic + " was written with schema id " + schemaId + " (" + writerSchema.getFullName()
              + ") that cannot be read as " + reads.getFullName() + ": "
              + compatibility.getResult().getIncompatibilities());
    }
    @SuppressWarnings("unchecked")
    DatumReader<T> datumReader = (DatumReader<T>) model.createDatumReader(writerSchema, reads);
    WriterReader<T> reader = new WriterReader<>(writerSchema, datumReader);
    WriterReader<T> previous = readersByWriterId.putIfAbsent(schemaId, reader);
    return previous == null ? reader : previous;
  }

  private Schema writerSchema(int schemaId, String topic) {
    try {
      return client.schemaById(schemaId);
    } catch (SchemaRegistryException e) {
      if (e.isNotFound()) {
        throw new SerializationException(
            "Unknown schema id " + schemaId + " in record on topic " + topic + ": the registry has no such schema ("
                + e.getMessage() + ")", e);
      }
      if (e.isUnavailable()) {
        throw new RegistryUnavailableException(
            "Could not fetch writer schema id " + schemaId + " for a record on topic " + topic + ": " + e.getMessage(), e);
      }
      throw new SerializationException(
          "Could not fetch writer schema id " + schemaId + " for a record on topic " + topic + ": " + e.getMessage(), e);
    }
  }
}
