package io.cpner.stream.documents;

import io.cpner.avro.RecordHeader;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Conversions between a Kafka record's parts and the fields of the records kept in state stores. */
final class StateRecords {
  private StateRecords() {}

  /** A copy of the buffer's remaining bytes. */
  static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  /** Headers as kept in state (none for null). */
  static List<RecordHeader> toState(Headers headers) {
    return headers == null ? List.of() : Arrays.stream(headers.toArray())
        .map(h -> new RecordHeader(h.key(), h.value() == null ? null : ByteBuffer.wrap(h.value()))).toList();
  }

  /** Headers as kept in state, back as Kafka headers. */
  static Headers fromState(List<RecordHeader> headers) {
    RecordHeaders out = new RecordHeaders();
    headers.forEach(h -> out.add(h.getKey(), h.getValue() == null ? null : bytes(h.getValue())));
    return out;
  }
}
