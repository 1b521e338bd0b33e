package io.cpner.stream;

import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams processing guarantee. */
public enum DeliveryGuarantee {
  /** Every input has exactly one committed result (transactions; consumers read_committed). */
  EXACTLY_ONCE_V2(StreamsConfig.EXACTLY_ONCE_V2),
  /** No loss; after a crash some results may be emitted twice. */
  AT_LEAST_ONCE(StreamsConfig.AT_LEAST_ONCE);

  private final String streamsValue;

  DeliveryGuarantee(String streamsValue) {
    this.streamsValue = streamsValue;
  }

  /** The value of {@code processing.guarantee}. */
  public String streamsValue() {
    return streamsValue;
  }
}
