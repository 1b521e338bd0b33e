package io.cpner.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.SharedPlm;
import io.cpner.TestPrefixes;
import io.cpner.avro.Document;
import io.cpner.avro.NerResult;
import io.cpner.avro.PrefixUpdateStatusRecord;
import io.cpner.model.Plm;
import io.cpner.prefix.DomainPrefix;
import io.cpner.registry.AvroSerde;
import io.cpner.registry.RegistryConfig;
import io.cpner.registry.SchemaRegistryClient;
import io.cpner.testkit.EmbeddedSchemaRegistry;
import io.cpner.testkit.SharedKafka;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
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
    ProcessorConfig config = StreamTestKit.configWithTopics("it1", registry.url(), 3, Map.of(ProcessorSettings.BATCH_MAX_DOCUMENTS, "32"));
    publish(config, TestPrefixes.random(plm, "alpha", 4, 1), TestPrefixes.random(plm, "beta", 8, 2),
        TestPrefixes.capitalisedWords(plm));
    Map<String, Long> inputTimestamps = new HashMap<>();
    try (NerProcessor processor = NerProcessor.start(config, plm);
        KafkaProducer<String, Document> producer = producer()) {
      StreamTestKit.awaitPrefixes(processor, Map.of("alpha", 1L, "beta", 1L, "rule", 1L));
      // and, before any document was written, the input schema is registered for clients that only look it up
      SchemaRegistryClient lookupOnly = new SchemaRegistryClient(RegistryConfig.of(registry.url()).withAutoRegister(false));
      assertTrue(lookupOnly.schemaId(config.topics().input() + "-value", Document.getClassSchema()) > 0);

      // when half the documents are sent, alpha's prefix is swapped, and the other half is sent
      send(producer, config, 0, DOCUMENTS / 2, inputTimestamps);
      DomainPrefix alpha2 = TestPrefixes.random(plm, "alpha", 4, 3).withVersion(2);
      publish(config, alpha2);
      StreamTestKit.awaitPrefixes(processor, Map.of("alpha", 2L, "beta", 1L, "rule", 1L));
      send(producer, config, DOCUMENTS / 2, DOCUMENTS, inputTimestamps);

      // then every input has exactly one committed result, keyed by id, with the input's timestamp
      List<ConsumerRecord<String, byte[]>> records = StreamTestKit.readCommitted(config.topics().output(), DOCUMENTS);
      AvroSerde<NerResult> results = AvroSerde.forClass(NerResult.class, client, false);
      Map<String, NerResult> byId = new HashMap<>();
      for (ConsumerRecord<String, byte[]> r : records) {
        NerResult result = results.deserializer().deserialize(r.topic(), r.value());
        assertEquals(r.key(), result.getDocId());
        assertEquals(inputTimestamps.get(r.key()), r.timestamp(), "result keeps the input timestamp");
        assertTrue(byId.put(result.getDocId(), result) == null, "duplicate result for " + result.getDocId());
      }
      assertEquals(DOCUMENTS, byId.size(), "one result per input");
      assertEquals(0, StreamTestKit.readCommitted(config.topics().deadLetter(), 0).size(), "no dead letters");
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
      // and the HTTP endpoints report it: Prometheus metrics, readiness with the installed prefixes
      var http = java.net.http.HttpClient.newHttpClient();
      String base = "http://localhost:" + processor.httpPort();
      var metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().contains("cpner_documents_in_total " + (double) DOCUMENTS), "documents in: " + metrics.body());
      assertTrue(metrics.body().contains("cpner_prefix_version{domain=\"alpha\"} 2.0"), "prefix version gauge");
      assertTrue(metrics.body().contains("kafka_stream_"), "Kafka Streams client metrics are bound");
      var ready = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/ready")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ready.statusCode());
      assertTrue(ready.body().contains("\"status\":\"UP\"") && ready.body().contains("\"alpha\":2"), ready.body());
    }

    // and the status topic has one signed, accepted report per update, with where the update came from
    AvroSerde<PrefixUpdateStatusRecord> statusSerde = AvroSerde.forClass(PrefixUpdateStatusRecord.class, client, false);
    List<String> reports = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : StreamTestKit.readCommitted(config.topics().status(), 4)) {
      PrefixUpdateStatusRecord status = statusSerde.deserializer().deserialize(r.topic(), r.value());
      assertEquals(r.key(), status.getDomain());
      reports.add(status.getDomain() + " v" + status.getVersion() + " " + status.getAccepted() + " " + status.getReason() + " "
          + status.getKeyId() + " " + status.getSourceTopic() + "@" + status.getSourceOffset() + " " + status.getApplicationId());
    }
    String source = config.topics().control() + "@";
    assertEquals(List.of("alpha v1 true null test-publisher " + source + "0 cpner-it1",
        "beta v1 true null test-publisher " + source + "1 cpner-it1", "rule v1 true null test-publisher " + source + "2 cpner-it1",
        "alpha v2 true null test-publisher " + source + "3 cpner-it1"), reports);

    // when the processor restarts, every prefix comes back from the control topic
    try (NerProcessor restarted = NerProcessor.start(config, plm)) {
      StreamTestKit.awaitPrefixes(restarted, Map.of("alpha", 2L, "beta", 1L, "rule", 1L));
    }
  }





  private static void publish(ProcessorConfig config, DomainPrefix... prefixes) throws Exception {
    StreamTestKit.publish(registry.url(), config, prefixes);
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
      producer.send(new ProducerRecord<>(config.topics().input(), null, base + i, id, doc));
    }
    producer.flush();
  }

  @Test
  void shouldRunOneStreamThreadPerInputPartitionWhenThePartitionsAreFewerThanTheCores() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    Assumptions.assumeTrue(cores >= 2, "needs 2 cores or more, found " + cores);
    // given an input topic of one partition and num.stream.threads left at one per core
    ProcessorConfig config = StreamTestKit.configWithTopics("it-threads", registry.url(), 1, Map.of());
    assertEquals(cores, config.streamThreads());
    // when the processor starts
    try (NerProcessor processor = NerProcessor.start(config, plm)) {
      // then it runs one stream thread (the others would idle), whose passes use every core
      assertEquals(1, processor.streams().metadataForLocalThreads().size());
    }
  }
}
