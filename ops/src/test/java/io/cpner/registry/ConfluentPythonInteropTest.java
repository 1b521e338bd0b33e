package io.cpner.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpner.avro.Document;
import io.cpner.avro.NerResult;
import io.cpner.testkit.EmbeddedSchemaRegistry;
import io.cpner.testkit.SharedKafka;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our registry and serde against Confluent's own Python client (confluent-kafka with its
 * schema-registry AvroSerializer / AvroDeserializer), through a real broker, in both directions.
 * Skipped where /usr/bin/python3 cannot import that client.
 */
class ConfluentPythonInteropTest {

  private static final Path SCHEMAS = Path.of("../schemas");
  private static final String USER = "interop";
  private static final String PASSWORD = "s3cret";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static EmbeddedSchemaRegistry registry;
  private static SchemaRegistryClient client;

  @TempDir
  Path temp;

  /** Why the Python client cannot run here, or null when it can. */
  private static String pythonMissing;

  @BeforeAll
  static void start() throws Exception {
    pythonMissing = ConfluentPython.whyMissing();
    if (pythonMissing != null) {
      return;
    }
    registry = EmbeddedSchemaRegistry.start(EmbeddedSchemaRegistry.Settings.of(SharedKafka.get().bootstrapServers())
        .withTopic("_schemas-python-interop").withBasicAuth(USER, PASSWORD));
    client = new SchemaRegistryClient(RegistryConfig.of(registry.url()).withBasicAuth(USER, PASSWORD));
  }

  @BeforeEach
  void requirePythonClient() {
    assumeTrue(pythonMissing == null, () -> "Confluent Python interop skipped: " + pythonMissing);
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void shouldReadWhatConfluentPythonSerializerWrote() throws Exception {
    // given
    SharedKafka.get().createTopic("py-documents", 1, false);
    Path records = temp.resolve("documents.json");
    Files.writeString(records, """
        [{"id": "py-1", "domain": "politics", "text": "Angela Merkel met Emmanuel Macron — naïve café talk.",
          "metadata": {"source": "python"}},
         {"id": "py-2", "domain": "music", "text": "Bob Dylan", "metadata": {}}]""");

    // when: Python registers Document.avsc and produces two documents
    JsonNode produced = python("produce", "--topic", "py-documents", "--schema",
        SCHEMAS.resolve("Document.avsc").toString(), "--records", records.toString());
    List<ConsumerRecord<byte[], byte[]>> onTopic = readAll("py-documents", 2);

    // then: our deserializer reads them
    AvroSerde<Document> serde = AvroSerde.forClass(Document.class, client, false);
    List<Document> documents = onTopic.stream().map(r -> serde.deserializer().deserialize("py-documents", r.value())).toList();
    assertEquals(List.of(
        new Document("py-1", "politics", "Angela Merkel met Emmanuel Macron — naïve café talk.", Map.of("source", "python")),
        new Document("py-2", "music", "Bob Dylan", Map.of())), documents);

    // and: the bytes, ids and registry answers agree on both sides
    int schemaId = produced.get("schema_id").asInt();
    assertArrayEquals(HexFormat.of().parseHex(produced.get("values_hex").get(0).asText()), onTopic.get(0).value());
    assertEquals(schemaId, ConfluentWireFormat.schemaId(onTopic.get(1).value(), "py-documents"));
    Schema avsc = new Schema.Parser().parse(SCHEMAS.resolve("Document.avsc").toFile());
    assertEquals(avsc, client.schemaById(schemaId));
    assertEquals(JSON.readTree(avsc.toString()), produced.get("fetched_schema"));
    assertEquals(JSON.readTree("{\"subject\":\"py-documents-value\",\"version\":1,\"id\":" + schemaId + "}"),
        produced.get("lookup"));
    assertEquals(produced.get("lookup"), produced.get("latest"));
    assertTrue(produced.get("subjects").toString().contains("\"py-documents-value\""), produced.toString());
    assertEquals("NONE", produced.get("compatibility").asText());
  }

  @Test
  void shouldWriteWhatConfluentPythonDeserializerReads() throws Exception {
    // given: our serde writes two documents and a result
    SharedKafka.get().createTopic("java-documents", 1, false);
    SharedKafka.get().createTopic("java-results", 1, false);
    AvroSerde<Document> documents = AvroSerde.forClass(Document.class, client, false);
    AvroSerde<NerResult> results = AvroSerde.forClass(NerResult.class, client, false);
    produce("java-documents", documents.serializer(), TestRecords.document("java-1"), TestRecords.document("java-2"));
    produce("java-results", results.serializer(), TestRecords.nerResult("java-1"));
    int documentId = client.lookup("java-documents-value", Document.getClassSchema());
    int resultId = client.lookup("java-results-value", NerResult.getClassSchema());

    // when: Python reads them, documents with the writer schema, results into NerResult.avsc
    JsonNode readDocuments = python("consume", "--topic", "java-documents", "--count", "2");
    JsonNode readResults = python("consume", "--topic", "java-results", "--count", "1",
        "--schema", SCHEMAS.resolve("NerResult.avsc").toString());

    // then
    assertEquals(JSON.readTree("{\"records\":["
        + "{\"schema_id\":" + documentId + ",\"value\":" + documentJson("java-1") + "},"
        + "{\"schema_id\":" + documentId + ",\"value\":" + documentJson("java-2") + "}]}"), readDocuments);
    assertEquals(JSON.readTree("{\"records\":[{\"schema_id\":" + resultId + ",\"value\":"
        + avroJson(TestRecords.nerResult("java-1")) + "}]}"), readResults);
    assertEquals(0.875, readResults.at("/records/0/value/entities/0/score").asDouble());
  }

  /** A record as Avro's JSON encoding writes it: plain JSON for schemas without unions, as these are. */
  private static String avroJson(SpecificRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonEncoder encoder = EncoderFactory.get().jsonEncoder(record.getSchema(), out);
    new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
    encoder.flush();
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String documentJson(String id) {
    return "{\"id\":\"" + id + "\",\"domain\":\"politics\","
        + "\"text\":\"Angela Merkel met Emmanuel Macron in Paris — naïve café talk.\","
        + "\"metadata\":{\"source\":\"wire\",\"lang\":\"en\"}}";
  }

  /** Runs the interop script against our registry and the shared broker; its stdout as JSON. */
  private JsonNode python(String... command) throws IOException, InterruptedException {
    return ConfluentPython.run(temp, registry.url(), USER, PASSWORD, command);
  }


  @SafeVarargs
  private static <T> void produce(String topic, Serializer<T> serializer, T... values) throws Exception {
    try (KafkaProducer<String, T> producer = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers()),
        new StringSerializer(), serializer)) {
      for (T value : values) {
        producer.send(new ProducerRecord<>(topic, 0, null, value)).get();
      }
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int count) {
    TopicPartition partition = new TopicPartition(topic, 0);
    Deserializer<byte[]> bytes = new ByteArrayDeserializer();
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers()), bytes, bytes)) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
    }
    assertEquals(count, records.size(), "records on " + topic);
    return records;
  }

}
