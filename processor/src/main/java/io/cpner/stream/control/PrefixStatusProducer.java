package io.cpner.stream.control;

import io.cpner.avro.PrefixUpdateStatusRecord;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends status records to the configured status topic ({@code topic.prefix.status}) with a producer
 * of its own, outside the Streams transaction: a status report is a log of what an instance did, not
 * part of the processing result. A failed send is logged with its record; it does not stop processing.
 */
public final class PrefixStatusProducer implements PrefixUpdateStatusSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PrefixStatusProducer.class);

  private final KafkaProducer<String, PrefixUpdateStatusRecord> producer;
  private final String topic;

  /**
   * @param clientSettings the streams clients' own settings (security), applied last
   */
  public PrefixStatusProducer(String bootstrapServers, String clientId, Map<String, Object> clientSettings, String topic,
      Serializer<PrefixUpdateStatusRecord> serializer) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // the caller is the global stream thread: never wait a minute for metadata
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    props.putAll(clientSettings);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), serializer);
    this.topic = topic;
  }

  @Override
  public void send(PrefixUpdateStatusRecord record) {
    try {
      producer.send(new ProducerRecord<>(topic, record.getDomain(), record), (metadata, error) -> {
        if (error != null) {
          LOG.error("could not send prefix update status to {}: {}", topic, record, error);
        }
      });
    } catch (RuntimeException e) {
      // a report that cannot be sent (registry down, no metadata in time) must not stop the global thread
      LOG.error("could not send prefix update status to {}: {}", topic, record, e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
