package io.cpner.stream;

import io.cpner.avro.PrefixUpdate;
import io.cpner.model.PlmIdentity;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the control topic, which every instance reads in full (a global store): each
 * {@link PrefixUpdate} is decoded and validated (PLM id and hash, tensor checksum, names and shapes,
 * labels, a version newer than the installed one) and installed atomically; an invalid one is
 * rejected with a logged reason and counted, and the old prefix stays. After a restart, the store's
 * contents are installed again, so every prefix comes back from the topic.
 */
final class PrefixUpdateApplier implements Processor<byte[], byte[], Void, Void> {
  static final String STORE = "prefix-updates";
  private static final Logger LOG = LoggerFactory.getLogger(PrefixUpdateApplier.class);

  private final Deserializer<PrefixUpdate> deserializer;
  private final PrefixRegistry registry;
  private final PlmIdentity plm;
  private final PrefixUpdateStatus status;
  private final String topic;
  private KeyValueStore<byte[], byte[]> store;

  PrefixUpdateApplier(Deserializer<PrefixUpdate> deserializer, PrefixRegistry registry, PlmIdentity plm,
      PrefixUpdateStatus status, String topic) {
    this.deserializer = deserializer;
    this.registry = registry;
    this.plm = plm;
    this.status = status;
    this.topic = topic;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.store = context.getStateStore(STORE);
    // what the store restored from the topic on start-up: install it again
    try (KeyValueIterator<byte[], byte[]> all = store.all()) {
      all.forEachRemaining(kv -> apply(kv.key, kv.value, "restored " + topic + " entry", false));
    }
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    String where = context(record);
    if (record.value() == null) {
      reject(PrefixUpdateStatus.Rejection.DELETE_UNSUPPORTED, where, "a tombstone cannot remove a domain; the prefix stays");
      return;
    }
    if (apply(record.key(), record.value(), where, true)) {
      store.put(record.key(), record.value());
    }
  }

  /** Validates and installs; returns whether the update was installed. */
  private boolean apply(byte[] key, byte[] value, String where, boolean live) {
    PrefixUpdate update;
    try {
      update = deserializer.deserialize(topic, value);
    } catch (RuntimeException e) {
      reject(PrefixUpdateStatus.Rejection.UNDECODABLE, where, e.getMessage());
      return false;
    }
    String keyDomain = key == null ? null : new String(key, StandardCharsets.UTF_8);
    if (!update.getDomain().equals(keyDomain)) {
      reject(PrefixUpdateStatus.Rejection.KEY_MISMATCH, where, "record key '" + keyDomain + "' is not the update's domain '"
          + update.getDomain() + "'");
      return false;
    }
    DomainPrefix prefix;
    try {
      prefix = PrefixUpdates.toPrefix(update, plm, where);
    } catch (RuntimeException e) {
      reject(PrefixUpdateStatus.Rejection.INVALID, where, e.getMessage());
      return false;
    }
    if (registry.install(prefix) == PrefixRegistry.InstallResult.STALE) {
      if (live) {
        reject(PrefixUpdateStatus.Rejection.STALE_VERSION, where, "version " + prefix.version() + " of '" + prefix.domain()
            + "' is not newer than the installed " + registry.installedVersion(prefix.domain()));
      }
      return false;
    }
    status.applied();
    LOG.info("installed prefix '{}' v{} ({}, P={}, {} labels) from {}", prefix.domain(), prefix.version(),
        prefix.metadata().kind(), prefix.prefixLength(), prefix.labels().size(), where);
    return true;
  }

  private void reject(PrefixUpdateStatus.Rejection reason, String where, String detail) {
    status.rejected(reason, detail);
    LOG.warn("rejected prefix update ({}) at {}: {}", reason, where, detail);
  }

  private String context(Record<byte[], byte[]> record) {
    return topic + " record with key '" + (record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8)) + "'";
  }
}
