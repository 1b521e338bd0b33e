package io.cpner.stream.control;

import io.cpner.avro.PrefixUpdateStatusRecord;

/**
 * Where the control-topic applier reports what it did with each update. The global-store processor
 * cannot forward records, so reports leave the topology through a sink: in production a Kafka
 * producer of its own ({@link PrefixStatusProducer}); in tests an in-memory one.
 */
public interface PrefixUpdateStatusSink {
  /** Sends one report, keyed by its domain; must not block for long (it runs on the global stream thread). */
  void send(PrefixUpdateStatusRecord record);
}
