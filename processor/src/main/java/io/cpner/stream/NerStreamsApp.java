package io.cpner.stream;

import io.cpner.stream.documents.DeadLetterExceptionHandler;
import io.cpner.stream.documents.DeadLetters;
import io.cpner.stream.observability.StreamThreadFailures;
import io.cpner.stream.trends.TrendFeed;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running processor: the topology in a {@link KafkaStreams} instance configured from a
 * {@link ProcessorConfig}. Used by {@code cpner run}, the demo and the integration tests.
 */
public final class NerStreamsApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NerStreamsApp.class);

  private final KafkaStreams streams;
  private final StreamThreadFailures threadFailures = new StreamThreadFailures(System::currentTimeMillis);

  /**
   * The topology on Kafka; the topics of the trends feed are created first if missing.
   *
   * @param inputPartitions the input's partitions ({@link #inputPartitions}; 0 when unknown), which
   *     the mentions topic gets too, so that the feed scales with the input
   */
  public NerStreamsApp(ProcessorConfig config, TopicSerdes serdes, NerTopology.Runtime runtime, int inputPartitions) {
    if (!config.trendsWindow().isZero()) {
      KafkaTopics.ensure(config.bootstrapServers(), config.streamsOverrides(), new NewTopic(TrendFeed.mentionsTopic(config.applicationId()),
          Optional.of(Math.max(1, inputPartitions)), Optional.empty()), "the mentions topic of the trends feed");
      KafkaTopics.ensure(config.bootstrapServers(), config.streamsOverrides(), new NewTopic(config.topics().trends(),
          Optional.empty(), Optional.empty()), "the trends topic");
    }
    this.streams = new KafkaStreams(NerTopology.build(config, serdes, runtime),
        streamsProperties(config, serdes, new DeadLetters(runtime.metrics())));
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("stream thread failed; replacing it", e);
      threadFailures.replaced(e);
      runtime.metrics().streamThreadReplaced();
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
  }

  /** The stream threads that died and were replaced, for the health endpoints. */
  public StreamThreadFailures threadFailures() {
    return threadFailures;
  }

  /**
   * The Kafka Streams settings derived from the processor's configuration, then its {@code streams.*}
   * overrides; the dead-letter exception handler counts and builds with {@code deadLetters} and
   * writes with {@code serdes}.
   */
  public static Properties streamsProperties(ProcessorConfig config, TopicSerdes serdes, DeadLetters deadLetters) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.guarantee().streamsValue());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
    // wake the poll loop as often as the max-delay punctuator checks
    p.put(StreamsConfig.POLL_MS_CONFIG, config.batching().checkIntervalMs());
    // the input is read as bytes and decoded by the topology, which dead-letters what it cannot decode
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        org.apache.kafka.streams.errors.LogAndContinueExceptionHandler.class);
    // an error the topology did not expect dead-letters the input and processing goes on
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
    p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
    // and on the global thread too, where it logs and skips: an unexpected error in the control topic's
    // applier then costs that record, not the whole application
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    // the partition assignor reads the streams settings back from the main consumer's, and warns
    // about this one at every start unless it is there too
    p.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
    p.put(DeadLetterExceptionHandler.DEAD_LETTER_TOPIC, config.topics().deadLetter());
    p.put(DeadLetterExceptionHandler.DEAD_LETTER_SERIALIZER, serdes.deadLetter().serializer());
    p.put(DeadLetterExceptionHandler.DEAD_LETTERS, deadLetters);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 500);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    // Under exactly-once a transaction's first write to a partition whose previous transaction is
    // still being completed is refused (CONCURRENT_TRANSACTIONS) and retried after this backoff; the
    // client default (100 ms) would add that much to the latency of results after every commit.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 10);
    // An instance that vanished without leaving the group (SIGKILL, a lost host) holds its
    // partitions until its session times out: 10 s instead of the client's 45 s (the broker's
    // floor is 6 s). A clean stop leaves the group at once (close()).
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
    p.putAll(config.streamsOverrides());
    return p;
  }

  /**
   * The most partitions of any input topic (Kafka Streams makes that many tasks), or 0 when they
   * cannot be read within a few seconds (a topic does not exist yet, the broker is unreachable) or
   * the topics are a pattern: then the configuration stays as it is.
   */
  public static int inputPartitions(ProcessorConfig config) {
    Properties p = new Properties();
    p.putAll(config.streamsOverrides()); // security settings the streams clients use
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    List<String> inputs = config.topics().inputs();
    if (config.topics().inputPattern().isPresent()) {
      return 0;
    }
    try (Admin admin = Admin.create(p)) {
      return admin.describeTopics(inputs).allTopicNames().get(5, TimeUnit.SECONDS).values().stream()
          .mapToInt(t -> t.partitions().size()).max().orElse(0);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.warn("could not read the partitions of {} ({}); stream threads as configured", inputs, e.toString());
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  public void start() {
    streams.start();
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public KafkaStreams streams() {
    return streams;
  }

  /**
   * Stops processing and leaves the consumer group, so that a restarted or surviving instance gets
   * the partitions at once instead of after the session timeout; the buffer's contents stay in the
   * changelog (uncommitted work is replayed).
   */
  @Override
  public void close() {
    streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(Duration.ofSeconds(30)));
  }
}
