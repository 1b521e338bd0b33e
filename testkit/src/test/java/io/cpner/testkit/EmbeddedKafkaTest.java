package io.cpner.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

  private final EmbeddedKafka kafka = SharedKafka.get();

  @Test
  void shouldDeliverOnlyCommittedTransactionsToReadCommittedConsumers() throws Exception {
    // given
    kafka.createTopic("eos-check", 1, false);
    Map<String, Object> producerSettings = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "eos-check-tx");

    // when: one committed and one aborted transaction
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerSettings, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("eos-check", "k1", "committed-1"));
      producer.send(new ProducerRecord<>("eos-check", "k2", "committed-2"));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("eos-check", "k3", "aborted"));
      producer.abortTransaction();
    }

    // then
    assertEquals(List.of("committed-1", "committed-2"), readCommitted("eos-check"));
  }

  @Test
  void shouldRunExactlyOnceV2StreamsApplication(@TempDir Path stateDir) throws Exception {
    // given
    kafka.createTopic("eos-streams-in", 1, false);
    kafka.createTopic("eos-streams-out", 1, false);
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("eos-streams-in", Consumed.with(Serdes.String(), Serdes.String()))
        .mapValues(value -> value.toUpperCase(Locale.ROOT))
        .to("eos-streams-out", Produced.with(Serdes.String(), Serdes.String()));
    Properties settings = new Properties();
    settings.put(StreamsConfig.APPLICATION_ID_CONFIG, "eos-streams-check");
    settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);

    // when
    try (KafkaStreams streams = new KafkaStreams(builder.build(), settings);
        KafkaProducer<String, String> producer = new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringSerializer(), new StringSerializer())) {
      streams.start();
      producer.send(new ProducerRecord<>("eos-streams-in", "k", "exactly once")).get();

      // then: the output is committed in a transaction that read_committed consumers see
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      List<String> output = List.of();
      while (output.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(200);
        output = readCommitted("eos-streams-out");
      }
      assertEquals(List.of("EXACTLY ONCE"), output);
      assertEquals(KafkaStreams.State.RUNNING, streams.state());
    }
  }

  @Test
  void shouldCreateCompactedTopicWithRequestedPartitions() throws Exception {
    // when
    kafka.createTopic("compacted-check", 3, true);

    // then
    TopicDescription description =
        kafka.admin().describeTopics(Set.of("compacted-check")).allTopicNames().get().get("compacted-check");
    assertEquals(3, description.partitions().size());
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "compacted-check");
    Config config = kafka.admin().describeConfigs(Set.of(resource)).all().get().get(resource);
    assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
  }

  @Test
  void shouldDeleteItsDataDirectoryOnClose() {
    // given
    EmbeddedKafka own = EmbeddedKafka.start();
    assertTrue(Files.isDirectory(own.dataDirectory()));
    assertFalse(own.bootstrapServers().isBlank());

    // when
    own.close();

    // then
    assertFalse(Files.exists(own.dataDirectory()));
  }

  private List<String> readCommitted(String topic) {
    TopicPartition partition = new TopicPartition(topic, 0);
    Map<String, Object> settings = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (consumer.position(partition) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
          values.add(record.value());
        }
      }
    }
    return values;
  }
}
