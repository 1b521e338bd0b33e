package io.cpner.stream.control;

import io.cpner.prefix.PrefixRegistry;
import io.cpner.stream.KafkaTopics;
import io.cpner.stream.control.PrefixUpdateVerifier.Passed;
import io.cpner.stream.control.PrefixUpdateVerifier.Refused;
import io.cpner.stream.control.PrefixUpdateVerifier.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accepted-prefix log ({@code topic.prefix.accepted}): every update an instance installed, as it
 * arrived on the control topic (signed), keyed {@code domain@version}, written only by the
 * processor. Anyone who may write to the control topic can make compaction drop a good update there
 * (a tombstone, a refused record or an old signed version under the same key becomes the newest
 * value); nothing they write reaches this log, and each version has a key of its own, so compaction
 * only removes duplicates. On start, before Kafka Streams runs, every record here is verified again
 * (signature, PLM, tensors) and the newest version of each domain installed; the control topic is
 * then applied on top, where only newer versions install.
 */
public final class AcceptedPrefixLog implements AcceptedPrefixSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AcceptedPrefixLog.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;

  private AcceptedPrefixLog(KafkaProducer<String, byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  /** The record key of {@code domain} at {@code version}. */
  public static String key(String domain, long version) {
    return domain + "@" + version;
  }

  /**
   * A writer to {@code topic}, creating it (compacted, one partition) when it does not exist.
   *
   * @param clientSettings the streams clients' own settings (security), applied last
   */
  public static AcceptedPrefixLog open(String bootstrapServers, String clientId, Map<String, Object> clientSettings, String topic) {
    KafkaTopics.ensure(bootstrapServers, clientSettings, new NewTopic(topic, Optional.of(1), Optional.empty())
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)), "the accepted-prefix log");
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // the caller is the global stream thread: never wait a minute for metadata
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    props.putAll(clientSettings);
    return new AcceptedPrefixLog(new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer()), topic);
  }

  @Override
  public void accepted(String domain, long version, byte[] value) {
    String key = key(domain, version);
    try {
      producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
        if (error != null) {
          LOG.error("could not record accepted prefix {} on {}: a restart relies on the control topic for it", key, topic, error);
        }
      });
    } catch (RuntimeException e) {
      LOG.error("could not record accepted prefix {} on {}: a restart relies on the control topic for it", key, topic, e);
    }
  }

  /**
   * Installs into {@code registry} the newest version of each domain in {@code topic} that passes
   * {@code verifier} again; a record that does not (a key the processor never writes, a signature
   * from a key no longer trusted, another PLM) is logged and skipped. Returns how many it installed.
   */
  public static int restore(String bootstrapServers, Map<String, Object> clientSettings, String topic,
      PrefixUpdateVerifier verifier, PrefixRegistry registry, Consumer<String> onInstalled) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.putAll(clientSettings);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    Map<String, Passed> newest = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
      long deadline = System.currentTimeMillis() + TIMEOUT.toMillis();
      while (partitions.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < end.get(p))) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end within " + TIMEOUT);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          verified(r, verifier).ifPresent(p -> newest.merge(p.prefix().domain(), p,
              (a, b) -> a.prefix().version() >= b.prefix().version() ? a : b));
        }
      }
    }
    int installed = 0;
    for (Passed p : newest.values()) {
      if (registry.install(p.prefix()) == PrefixRegistry.InstallResult.INSTALLED) {
        onInstalled.accept(p.prefix().domain());
        installed++;
        LOG.info("restored prefix '{}' v{} from {}", p.prefix().domain(), p.prefix().version(), topic);
      }
    }
    return installed;
  }

  /** The record's update if it is what the processor writes here and passes every check again. */
  private static Optional<Passed> verified(ConsumerRecord<byte[], byte[]> r, PrefixUpdateVerifier verifier) {
    String where = r.topic() + "-" + r.partition() + "@" + r.offset();
    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
    int at = key.lastIndexOf('@');
    if (r.value() == null || at <= 0) {
      LOG.warn("skipping {} in the accepted-prefix log: key '{}' is not domain@version{}", where, key,
          r.value() == null ? " or it is a tombstone" : "");
      return Optional.empty();
    }
    Verdict verdict = verifier.check(key.substring(0, at).getBytes(StandardCharsets.UTF_8), r.value(), where);
    if (verdict instanceof Refused refused) {
      LOG.warn("skipping {} in the accepted-prefix log ({}): {}", where, refused.reason(), refused.detail());
      return Optional.empty();
    }
    Passed passed = (Passed) verdict;
    if (!key.equals(key(passed.prefix().domain(), passed.prefix().version()))) {
      LOG.warn("skipping {} in the accepted-prefix log: key '{}' is not its update's {}", where, key,
          key(passed.prefix().domain(), passed.prefix().version()));
      return Optional.empty();
    }
    return Optional.of(passed);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
