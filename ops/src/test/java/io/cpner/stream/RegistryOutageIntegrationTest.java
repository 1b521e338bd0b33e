package io.cpner.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.SharedPlm;
import io.cpner.TestPrefixes;
import io.cpner.avro.Document;
import io.cpner.avro.NerResult;
import io.cpner.model.Plm;
import io.cpner.registry.AvroSerde;
import io.cpner.registry.ConfluentWireFormat;
import io.cpner.registry.SchemaRegistryClient;
import io.cpner.testkit.EmbeddedSchemaRegistry;
import io.cpner.testkit.SharedKafka;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;

/**
 * The schema registry goes away, on a real broker with the whole processor running: a processor
 * started while it is down waits for it before it starts; in an outage, documents whose writer
 * schema it has read before are tagged as usual, and those whose schema it has not are parked (read
 * again with backoff, never dead-lettered) and tagged once it is back: each exactly once, on the
 * stream threads the processor started with.
 */
class RegistryOutageIntegrationTest {
  private static final String DOMAIN = "news";
  /** The Document schema with one more field: a writer schema id the processor first meets in the outage. */
  private static final Schema DOCUMENT_V2 = new Schema.Parser().parse("""
      {"type": "record", "name": "Document", "namespace": "io.cpner.avro", "fields": [
        {"name": "id", "type": "string"}, {"name": "domain", "type": "string"}, {"name": "text", "type": "string"},
        {"name": "metadata", "type": {"type": "map", "values": "string"}, "default": {}},
        {"name": "source", "type": ["null", "string"], "default": null}]}""");
  private static final int BEFORE = 4;
  private static final int DURING_NEW_SCHEMA = 6;
  private static final int DURING_KNOWN_SCHEMA = 4;

  @Test
  void shouldWaitForTheRegistryToStartAndThroughAnOutageThenTagEveryDocumentOnce() throws Exception {
    Plm plm = SharedPlm.get();
    EmbeddedSchemaRegistry.Settings settings = EmbeddedSchemaRegistry.Settings.of(SharedKafka.get().bootstrapServers())
        .withTopic("_schemas-outage").withPort(freePort());
    String url = "http://127.0.0.1:" + settings.port();
    ProcessorConfig config = StreamTestKit.configWithTopics("registry-outage", url, 2, Map.of());

    // given a processor started while the registry is down: it waits
    CompletableFuture<NerProcessor> starting = CompletableFuture.supplyAsync(() -> NerProcessor.start(config, plm));
    Thread.sleep(3_000);
    assertFalse(starting.isDone(), "the processor waits for the registry before it starts");
    EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(settings);
    NerProcessor processor = starting.get(60, TimeUnit.SECONDS);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      // and running with the news prefix, its input schema cached by the documents it tagged
      StreamTestKit.publish(url, config, TestPrefixes.capitalisedWords(plm, DOMAIN));
      StreamTestKit.awaitPrefixes(processor, Map.of(DOMAIN, 1L));
      SchemaRegistryClient client = StreamTestKit.client(url);
      AvroSerde<Document> documents = AvroSerde.forClass(Document.class, client, false);
      int v2 = client.register(config.topics().input() + "-value", DOCUMENT_V2);
      List<String> threadsAtStart = threadNames(processor);
      for (int i = 0; i < BEFORE; i++) {
        send(producer, config, "before-" + i, documents.serializer().serialize(config.topics().input(), document("before-" + i)));
      }
      assertEquals(BEFORE, StreamTestKit.readCommitted(config.topics().output(), BEFORE).size());

      // when the registry goes down and documents arrive, some written with a schema the processor has not read yet
      registry.close();
      for (int i = 0; i < DURING_NEW_SCHEMA; i++) {
        send(producer, config, "new-schema-" + i, writtenWithV2(v2, "new-schema-" + i));
      }
      for (int i = 0; i < DURING_KNOWN_SCHEMA; i++) {
        String id = "known-schema-" + i;
        send(producer, config, id, documents.serializer().serialize(config.topics().input(), document(id)));
      }
      long deadline = System.currentTimeMillis() + 30_000;
      while (waits(processor) < 3) {
        assertTrue(System.currentTimeMillis() < deadline, "the processor never waited for the registry");
        Thread.sleep(100);
      }
      // then the documents with a known schema are tagged while it is down, and nothing is dead-lettered
      assertEquals(BEFORE + DURING_KNOWN_SCHEMA,
          StreamTestKit.readCommitted(config.topics().output(), BEFORE + DURING_KNOWN_SCHEMA).size(), "tagged in the outage");
      assertEquals(0, StreamTestKit.readCommitted(config.topics().deadLetter(), 0).size(), "no dead letter in the outage");

      // and once it is back, every document has exactly one result with its entities, and no dead letter
      registry = EmbeddedSchemaRegistry.start(settings);
      int total = BEFORE + DURING_NEW_SCHEMA + DURING_KNOWN_SCHEMA;
      AvroSerde<NerResult> results = AvroSerde.forClass(NerResult.class, client, false);
      Map<String, NerResult> byId = new HashMap<>();
      for (ConsumerRecord<String, byte[]> r : StreamTestKit.readCommitted(config.topics().output(), total)) {
        assertTrue(byId.put(r.key(), results.deserializer().deserialize(r.topic(), r.value())) == null, "two results for " + r.key());
      }
      assertEquals(total, byId.size(), "one result per document: " + byId.keySet());
      assertEquals(List.of("Alice", "Bob", "Paris"),
          byId.get("new-schema-0").getEntities().stream().map(e -> e.getText().toString()).toList());
      assertEquals(0, StreamTestKit.readCommitted(config.topics().deadLetter(), 0).size(), "no dead letter after it");
      assertEquals(KafkaStreams.State.RUNNING, processor.state());
      assertEquals(threadsAtStart, threadNames(processor), "no stream thread was replaced");
      System.out.printf("registry outage: %d documents parked and tagged after it, %d tagged during it, %.0f waits%n",
          DURING_NEW_SCHEMA, DURING_KNOWN_SCHEMA, waits(processor));
    } finally {
      processor.close();
      registry.close();
    }
  }

  private static Document document(String id) {
    return new Document(id, DOMAIN, "Alice met Bob in Paris.", Map.of());
  }

  /** A document as a producer with the newer schema writes it (Confluent wire format, schema id {@code v2}). */
  private static byte[] writtenWithV2(int v2, String id) throws IOException {
    GenericRecord record = new GenericData.Record(DOCUMENT_V2);
    record.put("id", id);
    record.put("domain", DOMAIN);
    record.put("text", "Alice met Bob in Paris.");
    record.put("metadata", Map.of());
    record.put("source", "wire");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(ConfluentWireFormat.header(v2));
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(DOCUMENT_V2).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static double waits(NerProcessor processor) {
    var counter = processor.metrics().registry().find("cpner.registry.waits").counter();
    return counter == null ? 0 : counter.count();
  }

  private static List<String> threadNames(NerProcessor processor) {
    return processor.streams().metadataForLocalThreads().stream().map(ThreadMetadata::threadName).sorted().toList();
  }

  private static void send(KafkaProducer<String, byte[]> producer, ProcessorConfig config, String id, byte[] value)
      throws Exception {
    producer.send(new ProducerRecord<>(config.topics().input(), id, value)).get();
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
