package io.cpner.stream.control;

import io.cpner.avro.PrefixUpdate;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixRegistry;
import io.cpner.stream.control.PrefixUpdateStatus.Rejection;
import io.cpner.stream.control.PrefixUpdateVerifier.Passed;
import io.cpner.stream.control.PrefixUpdateVerifier.Refused;
import io.cpner.stream.control.PrefixUpdateVerifier.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the control topic, which every instance reads in full (a global store): each record is
 * checked by the {@link PrefixUpdateVerifier} (size, decoding, key, signature, the prefix itself)
 * and, with a version newer than the installed one, installed atomically. A refused record is logged
 * with its topic, partition and offset, counted under its reason ({@link PrefixUpdateStatus}) and
 * reported to the status sink, and the installed prefix stays; an installed one is counted and
 * reported too. Only installed updates enter the store; on start-up its contents are checked and
 * installed again (counted and logged, not reported: they were reported when they arrived). Every
 * installed update also goes, as it arrived, to the {@link AcceptedPrefixSink}, from which restarts
 * restore what compaction of the control topic may have lost.
 */
public final class PrefixUpdateApplier implements Processor<byte[], byte[], Void, Void> {
  private final Consumer<String> onInstalled;
  private final AcceptedPrefixSink accepted;
  public static final String STORE = "prefix-updates";
  private static final Logger LOG = LoggerFactory.getLogger(PrefixUpdateApplier.class);

  private final PrefixUpdateVerifier verifier;
  private final PrefixRegistry registry;
  private final PrefixUpdateStatus status;
  private final PrefixStatusReporter reporter;
  private final String topic;
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<byte[], byte[]> store;

  public PrefixUpdateApplier(PrefixUpdateVerifier verifier, PrefixRegistry registry, PrefixUpdateStatus status,
      PrefixStatusReporter reporter, String topic, Consumer<String> onInstalled, AcceptedPrefixSink accepted) {
    this.onInstalled = onInstalled;
    this.accepted = accepted;
    this.verifier = verifier;
    this.registry = registry;
    this.status = status;
    this.reporter = reporter;
    this.topic = topic;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    // what the store restored from the topic on start-up: check and install it again
    try (KeyValueIterator<byte[], byte[]> all = store.all()) {
      all.forEachRemaining(kv -> apply(kv.key, kv.value, "restored " + topic + " entry", null));
    }
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    String where = context(record);
    RecordMetadata source = context.recordMetadata().orElse(null);
    if (record.value() == null) {
      reject(Rejection.DELETE_UNSUPPORTED, "a tombstone cannot remove a domain; the prefix stays", null, record.key(), where,
          source);
      return;
    }
    if (apply(record.key(), record.value(), where, source)) {
      store.put(record.key(), record.value());
    }
  }

  /**
   * Checks and installs; returns whether the update was installed.
   *
   * @param source the live record's coordinates, or null for a restored store entry (not reported)
   */
  private boolean apply(byte[] key, byte[] value, String where, RecordMetadata source) {
    Verdict verdict = verifier.check(key, value, where);
    if (verdict instanceof Refused refused) {
      reject(refused.reason(), refused.detail(), refused.update(), key, where, source);
      return false;
    }
    Passed passed = (Passed) verdict;
    DomainPrefix prefix = passed.prefix();
    if (registry.install(prefix) == PrefixRegistry.InstallResult.STALE) {
      if (source != null) {
        reject(Rejection.STALE_VERSION, "version " + prefix.version() + " of '" + prefix.domain()
            + "' is not newer than the installed " + registry.installedVersion(prefix.domain()), passed.update(), key, where, source);
      }
      return false;
    }
    status.applied();
    onInstalled.accept(prefix.domain());
    accepted.accepted(prefix.domain(), prefix.version(), value);
    String detail = "installed prefix '" + prefix.domain() + "' v" + prefix.version() + " (" + prefix.metadata().kind() + ", P="
        + prefix.prefixLength() + ", " + prefix.labels().size() + " labels, " + signedBy(passed.update()) + ")";
    LOG.info("{} from {}{}", detail, where, at(source));
    if (source != null) {
      reporter.accepted(passed.update(), detail, source, context.currentSystemTimeMs());
    }
    return true;
  }

  private void reject(Rejection reason, String detail, PrefixUpdate update, byte[] key, String where, RecordMetadata source) {
    status.rejected(reason, detail);
    LOG.warn("rejected prefix update ({}) at {}{}: {}", reason, where, at(source), detail);
    if (source != null) {
      reporter.refused(reason, detail, update, key == null ? null : new String(key, StandardCharsets.UTF_8), source,
          context.currentSystemTimeMs());
    }
  }

  private static String signedBy(PrefixUpdate update) {
    return update.getSignature() == null ? "unsigned" : "signed by '" + update.getKeyId() + "'";
  }

  private static String at(RecordMetadata source) {
    return source == null ? "" : " (" + source.topic() + "-" + source.partition() + "@" + source.offset() + ")";
  }

  private String context(Record<byte[], byte[]> record) {
    return topic + " record with key '" + (record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8)) + "'";
  }
}
