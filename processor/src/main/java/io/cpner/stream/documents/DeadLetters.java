package io.cpner.stream.documents;

import io.cpner.avro.DeadLetter;
import io.cpner.avro.DeadLetterReason;
import java.nio.ByteBuffer;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Builds dead-letter records: the reason, a detail, the source coordinates and the original bytes. */
final class DeadLetters {
  private DeadLetters() {}

  static DeadLetter of(DeadLetterReason reason, String detail, String topic, int partition, long offset, byte[] key,
      byte[] value, long timestamp) {
    return DeadLetter.newBuilder()
        .setReason(reason)
        .setDetail(detail)
        .setSourceTopic(topic)
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setValue(value == null ? null : ByteBuffer.wrap(value))
        .setTimestampMs(timestamp)
        .build();
  }

  static DeadLetter of(DeadLetterReason reason, String detail, RecordMetadata source, byte[] key, byte[] value, long timestamp) {
    return of(reason, detail, source == null ? "" : source.topic(), source == null ? -1 : source.partition(),
        source == null ? -1 : source.offset(), key, value, timestamp);
  }
}
