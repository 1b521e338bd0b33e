package io.cpner.stream;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics the processor itself owns (the accepted-prefix log, the mentions topic) when they are missing. */
public final class KafkaTopics {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private KafkaTopics() {}

  /**
   * Creates {@code topic} unless it exists; {@code clientSettings} are the streams clients' (security).
   *
   * @param what what the topic is, for the log and errors
   * @throws IllegalStateException when Kafka cannot be reached or refuses
   */
  public static void ensure(String bootstrapServers, Map<String, Object> clientSettings, NewTopic topic, String what) {
    Properties props = new Properties();
    props.putAll(clientSettings);
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(props)) {
      if (admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).contains(topic.name())) {
        return;
      }
      admin.createTopics(List.of(topic)).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      LOG.info("created {} {} ({} partitions, {})", what, topic.name(), topic.numPartitions(), topic.configs());
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create " + what + " " + topic.name() + ": " + e.getCause(), e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot reach Kafka to check " + what + " " + topic.name() + " within " + TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking " + what + " " + topic.name(), e);
    }
  }
}
