package io.cpner.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process, single-node KRaft Kafka (one combined broker + controller) for the demo and
 * integration tests, built on Kafka's own {@link KafkaClusterTestKit}.
 *
 * <p>Internal topics are sized for one broker (replication 1, min ISR 1) so that consumer groups,
 * transactions and exactly-once v2 work; they have few partitions and no initial rebalance delay,
 * to start fast. Data lives in a temporary directory that {@link #close()} deletes. Nothing is
 * downloaded.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final long ADMIN_TIMEOUT_SECONDS = 30;

  /** Broker settings that make a one-node cluster behave for groups, transactions and EOS. */
  private static final Map<String, String> SINGLE_NODE_SETTINGS = Map.ofEntries(
      Map.entry("offsets.topic.replication.factor", "1"),
      Map.entry("offsets.topic.num.partitions", "5"),
      Map.entry("transaction.state.log.replication.factor", "1"),
      Map.entry("transaction.state.log.min.isr", "1"),
      Map.entry("transaction.state.log.num.partitions", "5"),
      Map.entry("share.coordinator.state.topic.replication.factor", "1"),
      Map.entry("share.coordinator.state.topic.min.isr", "1"),
      Map.entry("min.insync.replicas", "1"),
      Map.entry("default.replication.factor", "1"),
      Map.entry("num.partitions", "1"),
      Map.entry("group.initial.rebalance.delay.ms", "0"));

  private final Path dataDir;
  private final KafkaClusterTestKit cluster;
  private final Admin admin;

  private EmbeddedKafka(Path dataDir, KafkaClusterTestKit cluster, Admin admin) {
    this.dataDir = dataDir;
    this.cluster = cluster;
    this.admin = admin;
  }

  /** Formats and starts a fresh one-node cluster and waits until its broker is ready. */
  public static EmbeddedKafka start() {
    return start(Map.of());
  }

  /** As {@link #start()}, with extra broker settings that override the single-node defaults. */
  public static EmbeddedKafka start(Map<String, String> brokerOverrides) {
    long started = System.nanoTime();
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory("cpner-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for the embedded Kafka", e);
    }
    KafkaClusterTestKit cluster = null;
    try {
      TestKitNodes nodes = new TestKitNodes.Builder()
          .setCombined(true)
          .setNumBrokerNodes(1)
          .setNumControllerNodes(1)
          .setBaseDirectory(dataDir)
          .build();
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
      SINGLE_NODE_SETTINGS.forEach(builder::setConfigProp);
      brokerOverrides.forEach(builder::setConfigProp);
      cluster = builder.build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      Admin admin = cluster.admin();
      LOG.info("Embedded Kafka ready at {} in {} ms", cluster.bootstrapServers(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return new EmbeddedKafka(dataDir, cluster, admin);
    } catch (Exception e) {
      IllegalStateException failure = new IllegalStateException("embedded Kafka failed to start: " + e, e);
      if (cluster != null) {
        try {
          cluster.close();
        } catch (Exception closing) {
          failure.addSuppressed(closing);
        }
      }
      deleteRecursively(dataDir, failure);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw failure;
    }
  }

  /** The {@code bootstrap.servers} of the broker, e.g. {@code localhost:40123}. */
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /**
   * Creates {@code name} with {@code partitions} partitions (replication 1), log-compacted when
   * {@code compacted}, and waits until the broker has it. An existing topic is an error.
   */
  public void createTopic(String name, int partitions, boolean compacted) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, found " + partitions);
    }
    NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE));
    try {
      admin.createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("topic " + name + " not created within " + ADMIN_TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    }
  }

  /** An admin client of this cluster, owned by it: do not close it. */
  public Admin admin() {
    return admin;
  }

  /**
   * Stops the broker, keeping its logs; the controller stays up. Clients see the broker go away until
   * {@link #startBroker()}. For fault tests.
   */
  public void stopBroker() {
    BrokerServer broker = broker();
    broker.shutdown();
    broker.awaitShutdown();
  }

  /** Starts the broker stopped by {@link #stopBroker()} again, on the same port, and waits until it is ready. */
  public void startBroker() {
    broker().startup();
    try {
      cluster.waitForReadyBrokers();
    } catch (ExecutionException e) {
      throw new IllegalStateException("broker did not become ready after a restart: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while restarting the broker", e);
    }
  }

  private BrokerServer broker() {
    return cluster.brokers().values().iterator().next();
  }

  /** The temporary directory holding the logs and metadata; gone after {@link #close()}. */
  public Path dataDirectory() {
    return dataDir;
  }

  /** Stops the broker and controller and deletes the data directory. */
  @Override
  public void close() {
    IllegalStateException failure = null;
    try {
      admin.close();
      cluster.close();
    } catch (Exception e) {
      failure = new IllegalStateException("embedded Kafka did not shut down cleanly: " + e, e);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
    failure = deleteRecursively(dataDir, failure);
    if (failure != null) {
      throw failure;
    }
  }

  private static IllegalStateException deleteRecursively(Path dir, IllegalStateException failure) {
    if (!Files.exists(dir)) {
      return failure;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      IllegalStateException deleting = new IllegalStateException("cannot delete " + dir + ": " + e, e);
      if (failure == null) {
        return deleting;
      }
      failure.addSuppressed(deleting);
    }
    return failure;
  }
}
