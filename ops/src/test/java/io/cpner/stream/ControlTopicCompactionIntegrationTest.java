package io.cpner.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.SharedPlm;
import io.cpner.TestPrefixes;
import io.cpner.avro.PrefixUpdate;
import io.cpner.model.Plm;
import io.cpner.prefix.DomainPrefix;
import io.cpner.registry.AvroSerde;
import io.cpner.stream.control.PrefixSignatures;
import io.cpner.stream.control.PrefixUpdates;
import io.cpner.testkit.EmbeddedSchemaRegistry;
import io.cpner.testkit.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Whoever can write to the control topic without the signing key cannot uninstall or downgrade a
 * prefix, even once compaction has kept only their records: a signed replay of an old version, a
 * tombstone, a record under another domain's key, a flipped byte and an unsigned publish, then real
 * compaction on the broker, then a restart: every domain runs its newest validly signed version,
 * restored from the accepted-prefix log that only the processor writes.
 */
class ControlTopicCompactionIntegrationTest {
  private static final Map<String, Long> NEWEST_SIGNED =
      Map.of("politics", 2L, "ai", 1L, "science", 1L, "music", 1L, "conll2003", 1L);

  @Test
  void shouldRunEachDomainsNewestSignedVersionAfterWritesWithoutTheKeyCompactionAndARestart() throws Exception {
    Plm plm = SharedPlm.get();
    try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
        EmbeddedSchemaRegistry.Settings.of(SharedKafka.get().bootstrapServers()).withTopic("_schemas-compaction"))) {
      ProcessorConfig config = StreamTestKit.configWithTopics("control-compaction", registry.url(), 1, Map.of());
      String control = config.topics().control();
      compactEagerly(control);
      AvroSerde<PrefixUpdate> updates = AvroSerde.forClass(PrefixUpdate.class, StreamTestKit.client(registry.url()), false);
      Map<String, byte[]> signed = new HashMap<>();
      for (String domain : List.of("politics", "ai", "science", "music", "conll2003")) {
        signed.put(domain + "@1", signedBytes(updates, control, TestPrefixes.capitalisedWords(plm, domain)));
      }
      signed.put("politics@2", signedBytes(updates, control, TestPrefixes.capitalisedWords(plm, "politics").withVersion(2)));

      try (KafkaProducer<String, byte[]> producer = producer()) {
        // given every domain's signed prefix, politics at v1 then v2, installed by a running processor
        for (String key : List.of("politics@1", "politics@2", "ai@1", "science@1", "music@1", "conll2003@1")) {
          producer.send(new ProducerRecord<>(control, key.substring(0, key.indexOf('@')), signed.get(key))).get();
        }
        try (NerProcessor first = NerProcessor.start(config, plm)) {
          StreamTestKit.awaitPrefixes(first, NEWEST_SIGNED);
        }

        // when someone without the signing key writes: each record becomes the newest value of its key
        byte[] flipped = signed.get("music@1").clone();
        flipped[flipped.length - 10] ^= 1;
        producer.send(new ProducerRecord<>(control, "politics", signed.get("politics@1"))).get(); // a signed replay of v1
        producer.send(new ProducerRecord<>(control, "ai", null)).get(); // a tombstone
        producer.send(new ProducerRecord<>(control, "science", signed.get("music@1"))).get(); // another domain's update
        producer.send(new ProducerRecord<>(control, "music", flipped)).get(); // one byte flipped
        producer.send(new ProducerRecord<>(control, "conll2003", updates.serializer().serialize(control,
            PrefixUpdates.toUpdate(TestPrefixes.capitalisedWords(plm, "conll2003").withVersion(5))))).get(); // unsigned
        // and compaction runs (a later record rolls the segment they are in, so the cleaner may take it)
        Thread.sleep(300);
        producer.send(new ProducerRecord<>(control, "roll", "x".getBytes(StandardCharsets.UTF_8))).get();
        awaitCompaction(control);
      }

      // then a restarted processor runs each domain's newest validly signed version
      try (NerProcessor restarted = NerProcessor.start(config, plm)) {
        StreamTestKit.awaitPrefixes(restarted, NEWEST_SIGNED);
      }
    }
  }

  private static byte[] signedBytes(AvroSerde<PrefixUpdate> updates, String topic, DomainPrefix prefix) {
    return updates.serializer().serialize(topic, PrefixSignatures.sign(PrefixUpdates.toUpdate(prefix), StreamTestKit.SIGNING_KEY));
  }

  /** Segments roll after 100 ms and everything rolled is cleaned at the cleaner's next pass. */
  private static void compactEagerly(String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    List<AlterConfigOp> ops = Map.of("segment.ms", "100", "min.cleanable.dirty.ratio", "0.001", "min.compaction.lag.ms", "0",
        "delete.retention.ms", "100").entrySet().stream()
        .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET)).toList();
    SharedKafka.get().admin().incrementalAlterConfigs(Map.of(resource, ops)).all().get();
  }

  /** Waits until the topic holds at most one record per key: the good updates are gone. */
  private static void awaitCompaction(String topic) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 120_000;
    while (true) {
      Map<String, Integer> perKey = recordsPerKey(topic);
      if (perKey.values().stream().allMatch(n -> n == 1)) {
        return;
      }
      assertTrue(System.currentTimeMillis() < deadline, "the control topic was not compacted: " + perKey);
      Thread.sleep(1_000);
    }
  }

  private static Map<String, Integer> recordsPerKey(String topic) {
    Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "compaction-check-" + System.nanoTime(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    Map<String, Integer> perKey = new TreeMap<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long until = System.currentTimeMillis() + 3_000;
      while (System.currentTimeMillis() < until) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> perKey.merge(r.key(), 1, Integer::sum));
      }
    }
    return perKey;
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer());
  }
}
