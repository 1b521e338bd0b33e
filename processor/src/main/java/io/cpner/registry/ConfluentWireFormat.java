package io.cpner.registry;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format of a schema-registry serialized record: magic byte {@code 0}, the
 * writer schema's global id as a 4-byte big-endian int, then the payload (here Avro binary).
 */
public final class ConfluentWireFormat {
  /** The first byte of every framed record. */
  public static final byte MAGIC_BYTE = 0;
  /** Bytes before the payload: the magic byte and the schema id. */
  public static final int HEADER_SIZE = 5;

  private ConfluentWireFormat() {}

  /** The header of a record written with schema {@code schemaId}. */
  public static byte[] header(int schemaId) {
    return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC_BYTE).putInt(schemaId).array();
  }

  /**
   * The schema id of a framed record; a {@link SerializationException} that says what was
   * expected and found when {@code data} is too short or starts with another magic byte.
   */
  public static int schemaId(byte[] data, String topic) {
    if (data.length < HEADER_SIZE) {
      throw new SerializationException(
          "Record on topic " + topic + " is too short for the Confluent wire format: expected at least "
              + HEADER_SIZE + " bytes (magic byte 0 + 4-byte schema id), found " + data.length);
    }
    if (data[0] != MAGIC_BYTE) {
      throw new SerializationException(
          "Record on topic " + topic + " has wrong magic byte " + data[0] + ": expected " + MAGIC_BYTE
              + " (Confluent wire format)");
    }
    return ByteBuffer.wrap(data, 1, 4).getInt();
  }
}
