package io.cpner.stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.avro.PrefixUpdate;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.Ed25519Keys;
import io.cpner.prefix.PrefixSigningKey;
import io.cpner.prefix.TrustedKeys;
import io.cpner.registry.AvroSerde;
import io.cpner.registry.RegistryConfig;
import io.cpner.registry.SchemaRegistryClient;
import io.cpner.stream.control.PrefixSignatures;
import io.cpner.stream.control.PrefixUpdates;
import io.cpner.testkit.SharedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the processor's broker tests share: a configuration with topics of their own, publishing
 * (signed with a test key the configuration trusts), waiting, reading.
 */
final class StreamTestKit {
  private static final KeyPair TEST_KEYS = Ed25519Keys.generate();
  static final PrefixSigningKey SIGNING_KEY = new PrefixSigningKey("test-publisher", TEST_KEYS.getPrivate());

  private StreamTestKit() {}

  /** A configuration whose topics, application id and state are this run's alone; topics are created. */
  static ProcessorConfig configWithTopics(String run, String registryUrl, int partitions, Map<String, String> extra) throws Exception {
    Map<String, String> m = new HashMap<>();
    m.put(ProcessorSettings.BOOTSTRAP_SERVERS, SharedKafka.get().bootstrapServers());
    m.put(ProcessorSettings.REGISTRY_URL, registryUrl);
    m.put(ProcessorSettings.APPLICATION_ID, "cpner-" + run);
    m.put(ProcessorSettings.INPUT_TOPIC, "documents-" + run);
    m.put(ProcessorSettings.OUTPUT_TOPIC, "entities-" + run);
    m.put(ProcessorSettings.DEAD_LETTER_TOPIC, "dlq-" + run);
    m.put(ProcessorSettings.CONTROL_TOPIC, "prefix-updates-" + run);
    m.put(ProcessorSettings.STATUS_TOPIC, "prefix-status-" + run);
    m.put(ProcessorSettings.ACCEPTED_TOPIC, "prefix-accepted-" + run);
    m.put(ProcessorSettings.TRENDS_TOPIC, "trends-" + run);
    Path state = Files.createTempDirectory("cpner-" + run);
    m.put(ProcessorSettings.STATE_DIR, state.toString());
    m.put(ProcessorSettings.HTTP_PORT, "0");
    Path trusted = Files.writeString(state.resolveSibling(state.getFileName() + "-trusted-keys.properties"),
        TrustedKeys.line(SIGNING_KEY.keyId(), TEST_KEYS.getPublic()) + "\n");
    m.put(ProcessorSettings.TRUSTED_KEYS, trusted.toString());
    m.put(ProcessorSettings.BATCH_MAX_DELAY_MS, "20");
    m.putAll(extra);
    ProcessorConfig config = ProcessorConfig.parse(m);
    var kafka = SharedKafka.get();
    kafka.createTopic(config.topics().input(), partitions, false);
    if (!config.topics().output().contains("{domain}")) { // per-domain output topics: the processor creates them
      kafka.createTopic(config.topics().output(), partitions, false);
    }
    kafka.createTopic(config.topics().deadLetter(), 1, false);
    kafka.createTopic(config.topics().control(), 1, true);
    kafka.createTopic(config.topics().status(), 1, false);
    return config;
  }

  static SchemaRegistryClient client(String registryUrl) {
    return new SchemaRegistryClient(RegistryConfig.of(registryUrl));
  }

  static void publish(String registryUrl, ProcessorConfig config, DomainPrefix... prefixes) throws Exception {
    try (KafkaProducer<String, PrefixUpdate> producer = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers()), new StringSerializer(),
        AvroSerde.forClass(PrefixUpdate.class, client(registryUrl), false).serializer())) {
      for (DomainPrefix p : prefixes) {
        producer.send(new ProducerRecord<>(config.topics().control(), p.domain(),
            PrefixSignatures.sign(PrefixUpdates.toUpdate(p), SIGNING_KEY))).get();
      }
    }
  }

  /** Waits until the processor is RUNNING with exactly these domain versions installed. */
  static void awaitPrefixes(NerProcessor processor, Map<String, Long> versions) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!(processor.state() == KafkaStreams.State.RUNNING && processor.prefixes().versions().equals(versions))) {
      assertTrue(System.currentTimeMillis() < deadline, "expected prefixes " + versions + " and RUNNING, found "
          + processor.prefixes().versions() + " and " + processor.state());
      Thread.sleep(20);
    }
  }

  /** Reads {@code count} records (or, for 0, whatever arrives in a few seconds) with read_committed. */
  static List<ConsumerRecord<String, byte[]>> readCommitted(String topic, int count) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic + "-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + (count == 0 ? 3_000 : 180_000);
      while (System.currentTimeMillis() < deadline && (count == 0 || out.size() < count)) {
        consumer.poll(Duration.ofMillis(100)).forEach(out::add);
      }
      // give stragglers (duplicates) a moment to show up
      long settle = System.currentTimeMillis() + 1_000;
      while (count > 0 && System.currentTimeMillis() < settle) {
        consumer.poll(Duration.ofMillis(100)).forEach(out::add);
      }
    }
    return out;
  }
}
