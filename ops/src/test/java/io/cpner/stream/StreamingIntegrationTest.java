package io.cpner.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.SharedPlm;
import io.cpner.TestPrefixes;
import io.cpner.avro.Document;
import io.cpner.avro.NerResult;
import io.cpner.avro.PrefixUpdate;
import io.cpner.model.Plm;
import io.cpner.ops.embedded.EmbeddedSchemaRegistry;
import io.cpner.ops.embedded.SharedKafka;
import io.cpner.prefix.DomainPrefix;
import io.cpner.registry.AvroSerde;
import io.cpner.registry.SchemaRegistryClient;
import java.nio.file.Files;
import java.time.Duration;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The processor on a real in-process KRaft broker with the schema registry: 1,000 documents across
 * domains, a prefix swap in the middle, exactly-once v2, read back with a read_committed consumer.
 */
class StreamingIntegrationTest {
  private static final int DOCUMENTS = 1000;
  private static final List<String> TEXTS = List.of(
      "Angela Merkel met Emmanuel Macron in Berlin on Monday.",
      "The Beatles released Abbey Road in 1969.",
      "Marie Curie discovered polonium in Paris.",
      "Google DeepMind trained AlphaGo with reinforcement learning.",
      "George Orwell wrote Animal Farm.",
      "Shares of Siemens rose in Frankfurt after the forecast.");
  private static final List<String> DOMAINS = List.of("alpha", "beta", "rule");

  private static Plm plm;
  private static EmbeddedSchemaRegistry registry;
  private static SchemaRegistryClient client;

  @BeforeAll
  static void start() {
    plm = SharedPlm.get();
    registry = EmbeddedSchemaRegistry.start(EmbeddedSchemaRegistry.Settings.of(SharedKafka.get().bootstrapServers())
        .withTopic("_schemas-streaming-it"));
    client = new SchemaRegistryClient(io.cpner.registry.RegistryConfig.of(registry.url()));
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  @Test
  void shouldTagEveryDocumentExactlyOnceAcrossAPrefixSwapAndRestoreThePrefixesAfterARestart() throws Exception {
    // given topics, three domains' prefixes on the control topic, and the processor running
    ProcessorConfig config = config("it1");
    var kafka = SharedKafka.get();
    kafka.createTopic(config.inputTopic(), 3, false);
    kafka.createTopic(config.outputTopic(), 3, false);
    kafka.createTopic(config.deadLetterTopic(), 1, false);
    kafka.createTopic(config.controlTopic(), 1, true);
    publish(config, TestPrefixes.random(plm, "alpha", 4, 1), TestPrefixes.random(plm, "beta", 8, 2),
        TestPrefixes.capitalisedWords(plm).withVersion(1));
    Map<String, Long> inputTimestamps = new HashMap<>();
    try (NerProcessor processor = NerProcessor.start(config, plm);
        KafkaProducer<String, Document> producer = producer()) {
      awaitPrefixes(processor, Map.of("alpha", 1L, "beta", 1L, "rule", 1L));

      // when half the documents are sent, alpha's prefix is swapped, and the other half is sent
      send(producer, config, 0, DOCUMENTS / 2, inputTimestamps);
      DomainPrefix alpha2 = TestPrefixes.random(plm, "alpha", 4, 3).withVersion(2);
      publish(config, alpha2);
      awaitPrefixes(processor, Map.of("alpha", 2L, "beta", 1L, "rule", 1L));
      send(producer, config, DOCUMENTS / 2, DOCUMENTS, inputTimestamps);

      // then every input has exactly one committed result, keyed by id, with the input's timestamp
      List<ConsumerRecord<String, byte[]>> records = readCommitted(config.outputTopic(), DOCUMENTS);
      AvroSerde<NerResult> results = AvroSerde.forClass(NerResult.class, client, false);
      Map<String, NerResult> byId = new HashMap<>();
      for (ConsumerRecord<String, byte[]> r : records) {
        NerResult result = results.deserializer().deserialize(r.topic(), r.value());
        assertEquals(r.key(), result.getDocId());
        assertEquals(inputTimestamps.get(r.key()), r.timestamp(), "result keeps the input timestamp");
        assertTrue(byId.put(result.getDocId(), result) == null, "duplicate result for " + result.getDocId());
      }
      assertEquals(DOCUMENTS, byId.size(), "one result per input");
      assertEquals(0, readCommitted(config.deadLetterTopic(), 0).size(), "no dead letters");
      // and documents sent after the swap was installed carry alpha's new version
      for (int i = DOCUMENTS / 2; i < DOCUMENTS; i++) {
        NerResult r = byId.get("doc-" + i);
        if (r.getDomain().equals("alpha")) {
          assertEquals(2L, r.getPrefixVersion(), "doc-" + i);
        } else {
          assertEquals(1L, r.getPrefixVersion(), "doc-" + i);
        }
      }
        // and the capitalised-words prefix found exactly the capitalised words (doc-2: "Marie Curie discovered polonium in Paris.")
      NerResult rule = byId.get("doc-2");
      assertEquals(List.of("Marie", "Curie", "Paris"),
          rule.getEntities().stream().map(e -> e.getText()).toList());
    }

    // when the processor restarts, every prefix comes back from the control topic
    try (NerProcessor restarted = NerProcessor.start(config, plm)) {
      awaitPrefixes(restarted, Map.of("alpha", 2L, "beta", 1L, "rule", 1L));
    }
  }

  static ProcessorConfig config(String run) throws Exception {
    Map<String, String> m = new HashMap<>();
    m.put(ProcessorConfig.BOOTSTRAP_SERVERS, SharedKafka.get().bootstrapServers());
    m.put(ProcessorConfig.REGISTRY_URL, registry.url());
    m.put(ProcessorConfig.APPLICATION_ID, "cpner-" + run);
    m.put(ProcessorConfig.INPUT_TOPIC, "documents-" + run);
    m.put(ProcessorConfig.OUTPUT_TOPIC, "entities-" + run);
    m.put(ProcessorConfig.DEAD_LETTER_TOPIC, "dlq-" + run);
    m.put(ProcessorConfig.CONTROL_TOPIC, "prefix-updates-" + run);
    m.put(ProcessorConfig.STATE_DIR, Files.createTempDirectory("cpner-" + run).toString());
    m.put(ProcessorConfig.BATCH_MAX_DOCUMENTS, "32");
    m.put(ProcessorConfig.BATCH_MAX_DELAY_MS, "20");
    return ProcessorConfig.parse(m);
  }

  static void publish(ProcessorConfig config, DomainPrefix... prefixes) throws Exception {
    try (KafkaProducer<String, PrefixUpdate> producer = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers()), new StringSerializer(),
        AvroSerde.forClass(PrefixUpdate.class, client, false).serializer())) {
      for (DomainPrefix p : prefixes) {
        producer.send(new ProducerRecord<>(config.controlTopic(), p.domain(), PrefixUpdates.toUpdate(p))).get();
      }
    }
  }

  private static KafkaProducer<String, Document> producer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers(),
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(),
        AvroSerde.forClass(Document.class, client, false).serializer());
  }

  private static void send(KafkaProducer<String, Document> producer, ProcessorConfig config, int from, int to,
      Map<String, Long> timestamps) throws Exception {
    long base = System.currentTimeMillis() - 60_000;
    for (int i = from; i < to; i++) {
      String id = "doc-" + i;
      Document doc = new Document(id, DOMAINS.get(i % DOMAINS.size()), TEXTS.get(i % TEXTS.size()), Map.of());
      timestamps.put(id, base + i);
      producer.send(new ProducerRecord<>(config.inputTopic(), null, base + i, id, doc));
    }
    producer.flush();
  }

  private static void awaitPrefixes(NerProcessor processor, Map<String, Long> versions) throws InterruptedException {
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
    List<ConsumerRecord<String, byte[]>> out = new java.util.ArrayList<>();
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
