package io.cpner.stream;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.cpner.avro.PrefixUpdateStatusRecord;
import io.cpner.stream.control.PrefixUpdateStatusSink;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.common.serialization.Serde;

/**
 * A status sink that keeps what it is sent in memory, in order, each record first written and read
 * back through the status topic's real schema-registry serde (so the schema is exercised too).
 */
final class CapturedStatus implements PrefixUpdateStatusSink {
  private final Serde<PrefixUpdateStatusRecord> serde;
  private final String topic;
  private final Deque<PrefixUpdateStatusRecord> records = new ArrayDeque<>();

  CapturedStatus(Serde<PrefixUpdateStatusRecord> serde, String topic) {
    this.serde = serde;
    this.topic = topic;
  }

  @Override
  public synchronized void send(PrefixUpdateStatusRecord record) {
    records.add(serde.deserializer().deserialize(topic, serde.serializer().serialize(topic, record)));
  }

  /** The oldest record not yet read; fails (rather than throws) when there is none. */
  synchronized PrefixUpdateStatusRecord next() {
    assertFalse(records.isEmpty(), "expected another status record");
    return records.removeFirst();
  }

  synchronized boolean isEmpty() {
    return records.isEmpty();
  }
}
