package io.cpner.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The durable side of the registry: a one-partition, log-compacted Kafka topic with one record per
 * (subject, version), in the record format of Confluent's own {@code _schemas} topic
 * (key {@code {"keytype":"SCHEMA","subject":..,"version":..,"magic":1}}, value
 * {@code {"subject","version","id","schema","deleted"}}). Other key types (config, no-op) and
 * deleted or tombstoned entries are skipped on replay.
 */
final class SchemaLog implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String topic;
  private final Duration timeout;
  private final KafkaProducer<byte[], byte[]> producer;

  private SchemaLog(String topic, Duration timeout, KafkaProducer<byte[], byte[]> producer) {
    this.topic = topic;
    this.timeout = timeout;
    this.producer = producer;
  }

  /**
   * Creates {@code topic} unless it exists (which must then have one partition), reads it from the
   * beginning to its end into {@code replay}, and opens it for appending.
   */
  static SchemaLog open(String bootstrapServers, String topic, Duration timeout, Consumer<SchemaRegistration> replay) {
    ensureTopic(bootstrapServers, topic, timeout);
    readAll(bootstrapServers, topic, timeout, replay);
    Map<String, Object> settings = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 0,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis(),
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
    return new SchemaLog(topic, timeout,
        new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer()));
  }

  /** Writes {@code registration} and returns once the broker has acknowledged it (acks=all). */
  void append(SchemaRegistration registration) {
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("keytype", "SCHEMA");
    key.put("subject", registration.subject());
    key.put("version", registration.version());
    key.put("magic", 1);
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("subject", registration.subject());
    value.put("version", registration.version());
    value.put("id", registration.id());
    value.put("schema", registration.schema());
    value.put("deleted", false);
    try {
      producer.send(new ProducerRecord<>(topic, 0, JSON.writeValueAsBytes(key), JSON.writeValueAsBytes(value)))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a schema record as JSON", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write to schema topic " + topic + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("schema topic " + topic + " did not acknowledge within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to schema topic " + topic, e);
    }
  }

  @Override
  public void close() {
    producer.close(timeout);
  }

  private static void ensureTopic(String bootstrapServers, String topic, Duration timeout) {
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()))) {
      try {
        NewTopic compacted = new NewTopic(topic, Optional.of(1), Optional.empty())
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        admin.createTopics(List.of(compacted)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("cannot create schema topic " + topic + ": " + e.getCause(), e.getCause());
        }
      }
      TopicDescription description = describe(admin, topic, timeout);
      if (description.partitions().size() != 1) {
        throw new IllegalStateException(
            "schema topic " + topic + " must have exactly 1 partition, found " + description.partitions().size());
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot describe schema topic " + topic + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("schema topic " + topic + " not ready within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while preparing schema topic " + topic, e);
    }
  }

  /** Describes a topic, waiting while the broker has not yet caught up with its creation. */
  private static TopicDescription describe(Admin admin, String topic, Duration timeout)
      throws ExecutionException, TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return admin.describeTopics(Set.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  private static void readAll(String bootstrapServers, String topic, Duration timeout,
      Consumer<SchemaRegistration> replay) {
    TopicPartition partition = new TopicPartition(topic, 0);
    Map<String, Object> settings = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (consumer.position(partition) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "schema topic " + topic + " not read to its end (" + end + ") within " + timeout + ", at "
                  + consumer.position(partition));
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          parse(record).ifPresent(replay);
        }
      }
    }
  }

  private static Optional<SchemaRegistration> parse(ConsumerRecord<byte[], byte[]> record) {
    if (record.key() == null || record.value() == null) {
      return Optional.empty();
    }
    try {
      JsonNode key = JSON.readTree(record.key());
      if (!"SCHEMA".equals(key.path("keytype").asText())) {
        return Optional.empty();
      }
      JsonNode value = JSON.readTree(record.value());
      if (value.path("deleted").asBoolean(false)) {
        return Optional.empty();
      }
      return Optional.of(new SchemaRegistration(
          value.path("subject").asText(), value.path("version").asInt(), value.path("id").asInt(),
          value.path("schema").asText()));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "unreadable record in schema topic " + record.topic() + " at offset " + record.offset() + ": " + e, e);
    }
  }
}
