package io.cpner.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.SharedPlm;
import io.cpner.TestPrefixes;
import io.cpner.avro.DeadLetter;
import io.cpner.avro.DeadLetterReason;
import io.cpner.avro.Document;
import io.cpner.avro.NerResult;
import io.cpner.inference.DocumentTagger;
import io.cpner.inference.Entity;
import io.cpner.inference.NerEngine;
import io.cpner.model.Plm;
import io.cpner.prefix.PrefixRegistry;
import io.cpner.registry.AvroSerde;
import io.cpner.registry.ConfluentWireFormat;
import io.cpner.registry.RegistryConfig;
import io.cpner.registry.SchemaRegistryClient;
import io.cpner.stream.control.PrefixUpdateStatus;
import io.cpner.stream.documents.DeadLetters;
import io.cpner.stream.observability.NerMetrics;
import io.cpner.stream.observability.RecentResults;
import io.cpner.testkit.EmbeddedSchemaRegistry;
import io.cpner.testkit.SharedKafka;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input on a real broker, with the processor running in-process: every kind of bad record
 * ends in the dead-letter topic with its reason, its source topic, partition and offset and its
 * bytes; the application stays RUNNING on its first stream thread; valid documents after the bad
 * ones are tagged; bad records never reach the model; and, read with read_committed, inputs =
 * results + dead letters, each input exactly once.
 */
class BadInputIntegrationTest {
  private static final int MAX_CHARS = 1000;
  private static final int INPUT_PARTITIONS = 2;
  private static final int BURST = 10_000;
  private static final String DOMAIN = "news";

  private static Plm plm;
  private static EmbeddedSchemaRegistry registry;
  private static SchemaRegistryClient client;
  private static AvroSerde<Document> documents;
  private static AvroSerde<DeadLetter> deadLetters;
  private static AvroSerde<NerResult> results;
  private static int foreignSchemaId;
  private static int bombSchemaId;
  /** A string, bytes or collection length no record here has the bytes for: 2,000,000,000. */
  private static final long BOMB = 2_000_000_000L;

  /** One kind of bad record: the bytes it is sent as and the reason it must be dead-lettered for. */
  private record BadKind(String name, DeadLetterReason reason, byte[] value) {}

  /** A record as sent: where it landed and what must come of it (null reason: a result). */
  private record Sent(String key, byte[] value, DeadLetterReason expected, RecordMetadata at) {}

  /** A record on its way to the broker. */
  private record Pending(String key, byte[] value, DeadLetterReason expected, Future<RecordMetadata> at) {
    Sent acknowledged() throws Exception {
      return new Sent(key, value, expected, at.get());
    }
  }

  @BeforeAll
  static void start() {
    plm = SharedPlm.get();
    registry = EmbeddedSchemaRegistry.start(EmbeddedSchemaRegistry.Settings.of(SharedKafka.get().bootstrapServers())
        .withTopic("_schemas-bad-input"));
    client = new SchemaRegistryClient(RegistryConfig.of(registry.url()));
    documents = AvroSerde.forClass(Document.class, client, false);
    deadLetters = AvroSerde.forClass(DeadLetter.class, client, false);
    results = AvroSerde.forClass(NerResult.class, client, false);
    // an id the registry did issue, but for a schema that cannot be read as a Document
    foreignSchemaId = client.register("bad-input-foreign-value", NerResult.getClassSchema());
    // a writer schema a Document reader accepts (the extra fields are skipped), with bytes and an array
    bombSchemaId = client.register("bad-input-bomb-value", new org.apache.avro.Schema.Parser().parse("""
        {"type": "record", "name": "Document", "namespace": "io.cpner.avro", "fields": [
          {"name": "id", "type": "string"}, {"name": "domain", "type": "string"}, {"name": "text", "type": "string"},
          {"name": "metadata", "type": {"type": "map", "values": "string"}},
          {"name": "blob", "type": "bytes"}, {"name": "marks", "type": {"type": "array", "items": "null"}}]}"""));
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  @Test
  void shouldDeadLetterEveryKindOfBadRecordWithItsSourceAndKeepTaggingTheValidOnes() throws Exception {
    // given the processor running with the news prefix, and one record of every bad kind
    ProcessorConfig config = StreamTestKit.configWithTopics("bad-kinds", registry.url(), INPUT_PARTITIONS,
        Map.of(ProcessorSettings.DOCUMENT_MAX_CHARS, String.valueOf(MAX_CHARS)));
    CountingTagger tagger = new CountingTagger(new NerEngine(plm));
    List<BadKind> kinds = badKinds();
    try (NerStreamsApp app = startProcessor(config, tagger);
        KafkaProducer<byte[], byte[]> producer = producer()) {
      // when every bad kind arrives, then valid documents, one of them exactly as long as allowed
      List<Sent> sent = new ArrayList<>();
      for (BadKind kind : kinds) {
        sent.add(send(producer, config, "bad-" + kind.name(), kind.value(), kind.reason()).acknowledged());
      }
      List<Sent> valid = new ArrayList<>(sendValid(producer, config, 10));
      valid.add(send(producer, config, "ok-upper-case-domain", wire(new Document("ok-upper-case-domain", "NEWS",
          "Alice met Bob.", Map.of())), null).acknowledged());
      String longest = "Alice met Bob. ".repeat(MAX_CHARS).substring(0, MAX_CHARS);
      valid.add(send(producer, config, "ok-longest", wire(new Document("ok-longest", DOMAIN, longest, Map.of())), null)
          .acknowledged());

      // then each bad record is one dead letter with its reason, source coordinates, key and bytes
      Map<String, DeadLetter> letters = readDeadLetters(config, kinds.size());
      for (Sent s : sent) {
        assertDeadLetter(s, letters.get(s.key()), config);
      }
      // and each valid document is one result
      int resultCount = assertOneResultEach(config, valid);
      // and the application kept running on its original stream threads; no bad record reached the model
      assertStillRunning(app, config);
      assertEquals(valid.size(), tagger.counted.get(), "documents whose tokens were counted: only the valid ones");
      assertEquals(valid.size(), tagger.tagged.get(), "documents tagged: only the valid ones");
      // and inputs = results + dead letters (records read with read_committed, none twice)
      assertEquals(sent.size() + valid.size(), resultCount + letters.size());
    }
  }

  @Test
  void shouldDeadLetterABurstOfTenThousandBadRecordsWithoutTheModelAndThenTagValidDocuments() throws Exception {
    // given the processor running
    ProcessorConfig config = StreamTestKit.configWithTopics("bad-burst", registry.url(), INPUT_PARTITIONS,
        Map.of(ProcessorSettings.DOCUMENT_MAX_CHARS, String.valueOf(MAX_CHARS)));
    CountingTagger tagger = new CountingTagger(new NerEngine(plm));
    List<BadKind> kinds = badKinds();
    try (NerStreamsApp app = startProcessor(config, tagger);
        KafkaProducer<byte[], byte[]> producer = producer()) {
      // when 10,000 bad records of every kind arrive, then valid documents
      long started = System.nanoTime();
      List<Pending> pending = new ArrayList<>();
      for (int i = 0; i < BURST; i++) {
        BadKind kind = kinds.get(i % kinds.size());
        pending.add(send(producer, config, "burst-" + i, kind.value(), kind.reason()));
      }
      List<Sent> sent = new ArrayList<>();
      for (Pending p : pending) {
        sent.add(p.acknowledged());
      }
      List<Sent> valid = sendValid(producer, config, 20);

      // then every bad record is a dead letter with its reason and source, in seconds
      Map<String, DeadLetter> letters = readDeadLetters(config, BURST);
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("%,d bad records dead-lettered (read back with read_committed) in %.1f s: %,.0f records/s%n", BURST,
          seconds, BURST / seconds);
      for (Sent s : sent) {
        assertDeadLetter(s, letters.get(s.key()), config);
      }
      // and the valid documents after the burst are tagged, one result each
      int resultCount = assertOneResultEach(config, valid);
      // and the application kept running; the model saw only the valid documents
      assertStillRunning(app, config);
      assertEquals(valid.size(), tagger.tagged.get());
      assertEquals(valid.size(), tagger.counted.get());
      // and inputs = results + dead letters
      assertEquals(BURST + valid.size(), resultCount + letters.size());
    }
  }

  @Test
  void shouldDeadLetterRecordsTooLargeToCarryCutToTheirFirstBytesWithTheirSizeAndKeepTagging() throws Exception {
    // given the processor running, on an input topic that accepts records of up to 2 MB
    ProcessorConfig config = StreamTestKit.configWithTopics("bad-oversized", registry.url(), INPUT_PARTITIONS,
        Map.of(ProcessorSettings.DOCUMENT_MAX_CHARS, String.valueOf(MAX_CHARS)));
    SharedKafka.get().admin().incrementalAlterConfigs(Map.of(
        new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
            config.topics().input()),
        List.of(new org.apache.kafka.clients.admin.AlterConfigOp(new org.apache.kafka.clients.admin.ConfigEntry(
            "max.message.bytes", "2000000"), org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get();
    CountingTagger tagger = new CountingTagger(new NerEngine(plm));
    try (NerStreamsApp app = startProcessor(config, tagger);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers(),
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2_000_000), new ByteArraySerializer(), new ByteArraySerializer())) {
      // when a 1.5 MB document and 1.5 MB of bytes that are not a document arrive, then valid documents
      byte[] document = wire(new Document("oversized-document", DOMAIN, "Alice met Bob. ".repeat(100_000), Map.of()));
      byte[] junk = new byte[1_500_000];
      Arrays.fill(junk, (byte) 'x');
      List<Sent> sent = List.of(send(producer, config, "oversized-document", document, DeadLetterReason.TEXT_TOO_LONG).acknowledged(),
          send(producer, config, "oversized-junk", junk, DeadLetterReason.UNDECODABLE).acknowledged());
      List<Sent> valid = sendValid(producer, config, 10);

      // then each is one dead letter with its reason and source, carrying its first 256 KiB and its full size
      Map<String, DeadLetter> letters = readDeadLetters(config, sent.size());
      for (Sent s : sent) {
        DeadLetter letter = letters.get(s.key());
        assertEquals(s.expected(), letter.getReason(), s.key());
        assertEquals(List.of(s.at().partition(), s.at().offset()), List.of(letter.getSourcePartition(), letter.getSourceOffset()));
        assertEquals(s.value().length, letter.getValueSize(), s.key() + ": the full size");
        assertArrayEquals(Arrays.copyOf(s.value(), DeadLetters.MAX_CARRIED_VALUE_BYTES), bytes(letter.getValue()), s.key());
      }
      // and the valid documents after them are tagged, on the original stream threads
      assertOneResultEach(config, valid);
      assertStillRunning(app, config);
    }
  }

  /** Every kind of bad record: undecodable bytes, bad schema ids, null, missing fields, bad text, bad domains. */
  private static List<BadKind> badKinds() {
    byte[] valid = wire(new Document("x", DOMAIN, "Alice met Bob.", Map.of()));
    List<BadKind> kinds = new ArrayList<>();
    kinds.add(new BadKind("not-avro", DeadLetterReason.UNDECODABLE, utf8("{\"id\": \"json\", \"text\": \"not the wire format\"}")));
    kinds.add(new BadKind("too-short", DeadLetterReason.UNDECODABLE, new byte[] {0, 0}));
    kinds.add(new BadKind("empty-bytes", DeadLetterReason.UNDECODABLE, new byte[0]));
    kinds.add(new BadKind("unknown-schema-id", DeadLetterReason.UNDECODABLE, withSchemaId(valid, 987_654)));
    kinds.add(new BadKind("foreign-schema-id", DeadLetterReason.UNDECODABLE, withSchemaId(valid, foreignSchemaId)));
    kinds.add(new BadKind("truncated", DeadLetterReason.UNDECODABLE, Arrays.copyOf(valid, valid.length - 4)));
    kinds.add(new BadKind("trailing-bytes", DeadLetterReason.UNDECODABLE, concat(valid, new byte[] {1, 2, 3})));
    kinds.add(new BadKind("null-value", DeadLetterReason.NULL_VALUE, null));
    kinds.add(new BadKind("empty-id", DeadLetterReason.MISSING_ID, wire(new Document("", DOMAIN, "Alice met Bob.", Map.of()))));
    kinds.add(new BadKind("blank-id", DeadLetterReason.MISSING_ID, wire(new Document(" \t", DOMAIN, "Alice met Bob.", Map.of()))));
    kinds.add(new BadKind("empty-domain", DeadLetterReason.MISSING_DOMAIN, wire(new Document("d", "", "Alice met Bob.", Map.of()))));
    kinds.add(new BadKind("empty-text", DeadLetterReason.EMPTY_TEXT, wire(new Document("d", DOMAIN, "", Map.of()))));
    kinds.add(new BadKind("blank-text", DeadLetterReason.EMPTY_TEXT, wire(new Document("d", DOMAIN, " \n\t ", Map.of()))));
    kinds.add(new BadKind("text-too-long", DeadLetterReason.TEXT_TOO_LONG,
        wire(new Document("d", DOMAIN, "A".repeat(MAX_CHARS + 1), Map.of()))));
    for (String domain : List.of("news!", "../etc/passwd", "two words", "-leading", "x".repeat(65), "nouvelles-é",
        "日本", "news\u0000")) {
      kinds.add(new BadKind("invalid-domain-" + kinds.size(), DeadLetterReason.INVALID_DOMAIN,
          wire(new Document("d", domain, "Alice met Bob.", Map.of()))));
    }
    lengthBombs().forEach((name, value) -> kinds.add(new BadKind(name, DeadLetterReason.UNDECODABLE, value)));
    kinds.add(new BadKind("unknown-domain", DeadLetterReason.UNKNOWN_DOMAIN, wire(new Document("d", "sports", "Messi scored.", Map.of()))));
    return kinds;
  }

  /**
   * Records of a few bytes whose length prefixes claim 2,000,000,000 bytes or items: a string
   * (13 bytes in all), the text, a map's entry count, a map key, bytes and an array of nulls (the
   * last two through a writer schema with extra fields). Avro alone would allocate each claim.
   */
  private static Map<String, byte[]> lengthBombs() {
    byte[] header = Arrays.copyOf(wire(new Document("x", DOMAIN, "x", Map.of())), ConfluentWireFormat.HEADER_SIZE);
    byte[] fields = concat(concat(avroString("x"), avroString(DOMAIN)), avroString("Alice met Bob."));
    Map<String, byte[]> bombs = new java.util.LinkedHashMap<>();
    bombs.put("bomb-id-string", concat(concat(header, varint(BOMB)), utf8("abc")));
    bombs.put("bomb-text-string", concat(concat(header, concat(avroString("x"), avroString(DOMAIN))), concat(varint(BOMB), utf8("ab"))));
    bombs.put("bomb-map-entries", concat(concat(header, fields), concat(varint(BOMB), avroString("k"))));
    bombs.put("bomb-map-key", concat(concat(header, fields), concat(varint(1), varint(BOMB))));
    byte[] bombHeader = ConfluentWireFormat.header(bombSchemaId);
    byte[] emptyMap = varint(0);
    bombs.put("bomb-bytes", concat(concat(bombHeader, concat(fields, emptyMap)), concat(varint(BOMB), utf8("ab"))));
    bombs.put("bomb-null-array", concat(concat(bombHeader, concat(fields, emptyMap)), concat(varint(0), concat(varint(BOMB), varint(0)))));
    return bombs;
  }

  /** An Avro long or int as Avro writes it: zig-zag, then 7 bits a byte. */
  private static byte[] varint(long value) {
    long zigzag = (value << 1) ^ (value >> 63);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    while ((zigzag & ~0x7fL) != 0) {
      out.write((int) ((zigzag & 0x7f) | 0x80));
      zigzag >>>= 7;
    }
    out.write((int) zigzag);
    return out.toByteArray();
  }

  private static byte[] avroString(String s) {
    return concat(varint(utf8(s).length), utf8(s));
  }

  private static NerStreamsApp startProcessor(ProcessorConfig config, DocumentTagger tagger) throws Exception {
    StreamTestKit.publish(registry.url(), config, TestPrefixes.capitalisedWords(plm, DOMAIN));
    PrefixRegistry prefixes = new PrefixRegistry();
    NerStreamsApp app = new NerStreamsApp(config, TopicSerdes.fromRegistry(client),
        new NerTopology.Runtime(tagger, plm.identity(), prefixes, new PrefixUpdateStatus(), status -> { }, "bad-input-test",
            NerMetrics.inMemory(), new RecentResults(10)), NerStreamsApp.inputPartitions(config));
    app.start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (!(app.state() == KafkaStreams.State.RUNNING && prefixes.installedVersion(DOMAIN) == 1)) {
      assertTrue(System.currentTimeMillis() < deadline, "processor not RUNNING with the news prefix: " + app.state());
      Thread.sleep(20);
    }
    return app;
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers(),
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 5),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static Pending send(KafkaProducer<byte[], byte[]> producer, ProcessorConfig config, String key, byte[] value,
      DeadLetterReason expected) {
    return new Pending(key, value, expected, producer.send(new ProducerRecord<>(config.topics().input(), utf8(key), value)));
  }

  private static List<Sent> sendValid(KafkaProducer<byte[], byte[]> producer, ProcessorConfig config, int count) throws Exception {
    List<Sent> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = "ok-" + i;
      sent.add(send(producer, config, id, wire(new Document(id, DOMAIN, "Alice met Bob in Paris, take " + i + ".", Map.of())),
          null).acknowledged());
    }
    return sent;
  }

  /** The dead letters of the run by key (the input's key), after checking there is exactly one per key. */
  private static Map<String, DeadLetter> readDeadLetters(ProcessorConfig config, int count) {
    Map<String, DeadLetter> byKey = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : StreamTestKit.readCommitted(config.topics().deadLetter(), count)) {
      DeadLetter letter = deadLetters.deserializer().deserialize(r.topic(), r.value());
      assertTrue(byKey.put(r.key(), letter) == null, "two dead letters for " + r.key());
    }
    assertEquals(count, byKey.size(), "one dead letter per bad record");
    return byKey;
  }

  private static void assertDeadLetter(Sent sent, DeadLetter letter, ProcessorConfig config) {
    assertNotNull(letter, "no dead letter for " + sent.key());
    assertEquals(sent.expected(), letter.getReason(), sent.key() + ": " + letter.getDetail());
    assertTrue(!letter.getDetail().isBlank(), sent.key() + " has a detail");
    if (sent.key().startsWith("bomb-")) {
      assertTrue(letter.getDetail().contains("2000000000"), sent.key() + " refused before Avro allocates the claim: " + letter.getDetail());
    }
    assertEquals(config.topics().input(), letter.getSourceTopic(), sent.key());
    assertEquals(sent.at().partition(), letter.getSourcePartition(), sent.key());
    assertEquals(sent.at().offset(), letter.getSourceOffset(), sent.key());
    assertEquals(ByteBuffer.wrap(utf8(sent.key())), letter.getKey(), sent.key());
    if (sent.value() == null) {
      assertEquals(null, letter.getValue(), sent.key());
    } else {
      assertArrayEquals(sent.value(), bytes(letter.getValue()), sent.key() + ": the bytes as received");
    }
  }

  /** Checks that each valid document has exactly one result; returns the results read. */
  private static int assertOneResultEach(ProcessorConfig config, List<Sent> valid) {
    Map<String, NerResult> byId = new HashMap<>();
    List<ConsumerRecord<String, byte[]>> records = StreamTestKit.readCommitted(config.topics().output(), valid.size());
    for (ConsumerRecord<String, byte[]> r : records) {
      NerResult result = results.deserializer().deserialize(r.topic(), r.value());
      assertTrue(byId.put(r.key(), result) == null, "two results for " + r.key());
    }
    assertEquals(valid.stream().map(Sent::key).sorted().toList(), byId.keySet().stream().sorted().toList());
    assertEquals(List.of("Alice", "Bob", "Paris"), byId.get("ok-0").getEntities().stream().map(e -> e.getText()).toList());
    return records.size();
  }

  /** Running, on the stream threads it started with: none died and was replaced (a replacement gets a new number). */
  private static void assertStillRunning(NerStreamsApp app, ProcessorConfig config) {
    assertEquals(KafkaStreams.State.RUNNING, app.state());
    List<String> threads = app.streams().metadataForLocalThreads().stream().map(ThreadMetadata::threadName)
        .map(name -> name.substring(name.lastIndexOf("-StreamThread-") + 1)).sorted().toList();
    List<String> original = IntStream.rangeClosed(1, config.streamThreads())
        .mapToObj(i -> "StreamThread-" + i).sorted().toList();
    assertEquals(original, threads, "stream threads never replaced");
  }

  /** The engine, counting the documents whose tokens it counted and those it tagged. */
  private static final class CountingTagger implements DocumentTagger {
    private final DocumentTagger engine;
    final AtomicInteger counted = new AtomicInteger();
    final AtomicInteger tagged = new AtomicInteger();

    CountingTagger(DocumentTagger engine) {
      this.engine = engine;
    }

    @Override
    public List<List<Entity>> tag(List<NerEngine.Request> requests) {
      tagged.addAndGet(requests.size());
      return engine.tag(requests);
    }

    @Override
    public int countTokens(String text) {
      counted.incrementAndGet();
      return engine.countTokens(text);
    }

    @Override
    public String modelId() {
      return engine.modelId();
    }
  }

  private static byte[] wire(Document doc) {
    return documents.serializer().serialize("bad-input-documents", doc);
  }

  private static byte[] withSchemaId(byte[] framed, int schemaId) {
    byte[] out = framed.clone();
    System.arraycopy(ConfluentWireFormat.header(schemaId), 0, out, 0, ConfluentWireFormat.HEADER_SIZE);
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
