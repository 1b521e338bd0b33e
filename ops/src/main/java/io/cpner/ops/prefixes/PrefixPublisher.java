package io.cpner.ops.prefixes;

import io.cpner.avro.PrefixUpdate;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixSigningKey;
import io.cpner.registry.AvroSerde;
import io.cpner.registry.SchemaRegistryClient;
import io.cpner.stream.control.PrefixSignatures;
import io.cpner.stream.control.PrefixUpdates;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends prefixes to the control topic, keyed by domain, signed with the given key (or unsigned when
 * there is none), and waits for each to be acknowledged.
 */
public final class PrefixPublisher implements AutoCloseable {
  private final KafkaProducer<String, PrefixUpdate> producer;
  private final String topic;
  private final Optional<PrefixSigningKey> signingKey;

  public PrefixPublisher(String bootstrapServers, Map<String, Object> clientOverrides, SchemaRegistryClient registry, String topic,
      Optional<PrefixSigningKey> signingKey) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
    props.putAll(clientOverrides);
    this.producer = new KafkaProducer<>(props, new StringSerializer(),
        AvroSerde.forClass(PrefixUpdate.class, registry, false).serializer());
    this.topic = topic;
    this.signingKey = signingKey;
  }

  /** Publishes (signed, if there is a key) and returns where the update landed. */
  public RecordMetadata publish(DomainPrefix prefix) throws ExecutionException, InterruptedException {
    PrefixUpdate update = PrefixUpdates.toUpdate(prefix);
    if (signingKey.isPresent()) {
      update = PrefixSignatures.sign(update, signingKey.get());
    }
    return producer.send(new ProducerRecord<>(topic, prefix.domain(), update)).get();
  }

  /** How updates are sent: "signed by 'id'" or "unsigned". */
  public String signing() {
    return signingKey.map(k -> "signed by '" + k.keyId() + "'").orElse("unsigned");
  }

  @Override
  public void close() {
    producer.close();
  }
}
