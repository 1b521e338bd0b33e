package io.cpner.stream.documents;

import io.cpner.registry.ConfluentWireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** A generic record's bytes as the tests need them: plain Avro binary, or framed in the wire format. */
final class AvroBytes {
  private AvroBytes() {}

  /** The record in Avro binary, no header. */
  static byte[] binary(GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(record, out);
    return out.toByteArray();
  }

  /** The record in the Confluent wire format, written with schema {@code schemaId}. */
  static byte[] wire(int schemaId, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(ConfluentWireFormat.header(schemaId));
    write(record, out);
    return out.toByteArray();
  }

  private static void write(GenericRecord record, ByteArrayOutputStream out) throws IOException {
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
    encoder.flush();
  }
}
