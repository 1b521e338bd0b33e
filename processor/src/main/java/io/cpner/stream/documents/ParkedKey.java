package io.cpner.stream.documents;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Key of a record parked in {@link DocumentRouter#PARKED_STORE}: its source offset, then its topic
 * (several input topics share a task, and so offsets). Stored as the offset's 8 big-endian bytes and
 * the topic's UTF-8 bytes, so keys sort by offset (oldest first) and keys written before there
 * could be several topics (the offset alone) still read, with an empty topic.
 */
public record ParkedKey(long offset, String topic) {
  /** The store's key serde. */
  public static Serde<ParkedKey> serde() {
    Serializer<ParkedKey> serializer = (t, key) -> {
      byte[] topic = key.topic().getBytes(StandardCharsets.UTF_8);
      return ByteBuffer.allocate(Long.BYTES + topic.length).putLong(key.offset()).put(topic).array();
    };
    Deserializer<ParkedKey> deserializer = (t, bytes) -> {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      long offset = buffer.getLong();
      return new ParkedKey(offset, StandardCharsets.UTF_8.decode(buffer).toString());
    };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
