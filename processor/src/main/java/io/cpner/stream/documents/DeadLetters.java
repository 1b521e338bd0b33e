package io.cpner.stream.documents;

import io.cpner.avro.DeadLetter;
import io.cpner.avro.DeadLetterReason;
import io.cpner.stream.observability.NerMetrics;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place an input becomes a dead letter, whichever stage rejects it (the router, the batching
 * stage, the exception handler): it is counted by reason, logged with where it came from, and built
 * with the reason, a detail, the source coordinates and the original bytes. The caller sends it.
 *
 * <p>A dead letter must fit in a record the producer may send (1 MiB by default), or it would fail as
 * its input did: a value over {@link #MAX_CARRIED_VALUE_BYTES} (a key over
 * {@link #MAX_CARRIED_KEY_BYTES}) is carried cut to that many first bytes, with its full size in
 * {@code valueSize} ({@code keySize}); the source coordinates locate the whole record.
 */
public final class DeadLetters {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
  private static final int LOGGED_DETAIL_CHARS = 300;
  /** The most value bytes a dead letter carries. */
  public static final int MAX_CARRIED_VALUE_BYTES = 256 * 1024;
  /** The most key bytes a dead letter carries. */
  public static final int MAX_CARRIED_KEY_BYTES = 16 * 1024;

  private final NerMetrics metrics;

  public DeadLetters(NerMetrics metrics) {
    this.metrics = metrics;
  }

  /**
   * The dead letter of the input at {@code topic-partition@offset} (-1 where unknown).
   *
   * @param key the input's key bytes (for a document rejected after buffering: its id)
   * @param value the input's value bytes, or null once only the coordinates locate it
   */
  public DeadLetter of(DeadLetterReason reason, String detail, String topic, int partition, long offset, byte[] key,
      byte[] value, long timestamp) {
    metrics.deadLetter(reason);
    LOG.warn("dead letter {} at {}-{}@{}: {}", reason, topic, partition, offset,
        detail.length() > LOGGED_DETAIL_CHARS ? detail.substring(0, LOGGED_DETAIL_CHARS) + "... (full detail in the dead letter)" : detail);
    return DeadLetter.newBuilder()
        .setReason(reason)
        .setDetail(detail)
        .setSourceTopic(topic)
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setKey(carried(key, MAX_CARRIED_KEY_BYTES))
        .setKeySize(key != null && key.length > MAX_CARRIED_KEY_BYTES ? key.length : null)
        .setValue(carried(value, MAX_CARRIED_VALUE_BYTES))
        .setValueSize(value != null && value.length > MAX_CARRIED_VALUE_BYTES ? value.length : null)
        .setTimestampMs(timestamp)
        .build();
  }

  /** The bytes, or their first {@code max} when there are more. */
  private static ByteBuffer carried(byte[] bytes, int max) {
    return bytes == null ? null : ByteBuffer.wrap(bytes, 0, Math.min(bytes.length, max)).slice();
  }
}
