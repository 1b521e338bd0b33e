package io.cpner.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.avro.DeadLetter;
import io.cpner.avro.Document;
import io.cpner.avro.EntitySpan;
import io.cpner.avro.NerResult;
import io.cpner.avro.PrefixUpdate;
import io.cpner.inference.DocumentTagger;
import io.cpner.inference.Entity;
import io.cpner.inference.NerEngine;
import io.cpner.model.Plm;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixRegistry;
import io.cpner.registry.InMemorySchemaRegistry;
import io.cpner.stream.control.PrefixUpdateStatus;
import io.cpner.stream.control.PrefixUpdates;
import io.cpner.stream.documents.DeadLetters;
import io.cpner.stream.observability.NerMetrics;
import io.cpner.stream.observability.RecentResults;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The whole topology of {@link NerTopology#build} in a {@link TopologyTestDriver}, with the
 * application's real Kafka Streams settings, its Avro serdes in the schema-registry wire format (over
 * an in-memory registry) and the real model: typed
 * input topics (documents as raw wire bytes, prefix updates), typed output topics, and helpers that
 * compare results exactly.
 */
final class TopologyHarness implements AutoCloseable {
  static final String INPUT = "documents";
  static final String OUTPUT = "entities";
  static final String DEAD_LETTERS = "documents-dlq";
  static final String CONTROL = "prefix-updates";
  static final String STATUS = "prefix-updates-status";
  /** The instance name status records carry. */
  static final String INSTANCE = "test-instance";
  /** The driver's wall clock at start: what {@code bufferedAtMs} is until time is advanced. */
  static final Instant START = Instant.parse("2026-12-01T09:00:00Z");

  /** An entity without its score, compared exactly. */
  record Span(String text, String type, int start, int end) {}

  final ProcessorConfig config;
  final TopicSerdes serdes;
  final PrefixRegistry prefixes = new PrefixRegistry();
  final PrefixUpdateStatus status = new PrefixUpdateStatus();
  final NerMetrics metrics = NerMetrics.inMemory();
  final io.cpner.stream.trends.TrendBoard trends = new io.cpner.stream.trends.TrendBoard(10);
  /** The topics the processor asked to create, in order. */
  final List<String> createdTopics = new java.util.concurrent.CopyOnWriteArrayList<>();
  final CapturedStatus statusRecords;
  /** The keys ({@code domain@version}) of the updates recorded as accepted, in order. */
  final List<String> acceptedKeys = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final io.cpner.stream.control.AcceptedPrefixSink accepted =
      (domain, version, value) -> acceptedKeys.add(io.cpner.stream.control.AcceptedPrefixLog.key(domain, version));
  final TopologyTestDriver driver;
  /** The driver's mock wall clock, which the processor's timings read too. */
  private long wallClockMs = START.toEpochMilli();
  final TestInputTopic<byte[], byte[]> documents;
  final TestInputTopic<String, PrefixUpdate> control;
  final TestOutputTopic<String, NerResult> results;
  final TestOutputTopic<byte[], DeadLetter> deadLetters;

  /**
   * Builds the topology with the given settings over the defaults of the tests (topic names above,
   * a private state directory, unsigned prefix updates allowed).
   */
  TopologyHarness(Map<String, ?> settings, TopicSerdes serdes, Plm plm, DocumentTagger tagger, Path stateDir) {
    Map<String, Object> all = new HashMap<>();
    all.put(ProcessorSettings.BOOTSTRAP_SERVERS, "unused:9092");
    all.put(ProcessorSettings.REGISTRY_URL, "http://unused:8081"); // the serdes use an in-memory registry
    all.put(ProcessorSettings.STATE_DIR, stateDir.toString());
    all.put(ProcessorSettings.INPUT_TOPIC, INPUT);
    all.put(ProcessorSettings.OUTPUT_TOPIC, OUTPUT);
    all.put(ProcessorSettings.DEAD_LETTER_TOPIC, DEAD_LETTERS);
    all.put(ProcessorSettings.CONTROL_TOPIC, CONTROL);
    all.put(ProcessorSettings.STATUS_TOPIC, STATUS);
    all.put(ProcessorSettings.ALLOW_UNSIGNED, true);
    all.putAll(settings);
    this.config = ProcessorConfig.parse(all);
    this.serdes = serdes;
    this.statusRecords = new CapturedStatus(serdes.prefixStatus(), STATUS);
    NerTopology.Runtime runtime = new NerTopology.Runtime(tagger, plm.identity(), prefixes, status, statusRecords, accepted, INSTANCE, metrics,
        new RecentResults(50), trends, createdTopics::add, () -> wallClockMs);
    metrics.watch(prefixes, status);
    this.driver = new TopologyTestDriver(NerTopology.build(config, serdes, runtime), NerStreamsApp.streamsProperties(config, serdes, new DeadLetters(metrics)), START);
    this.documents = driver.createInputTopic(INPUT, new ByteArraySerializer(), new ByteArraySerializer());
    this.control = driver.createInputTopic(CONTROL, new StringSerializer(), serdes.prefixUpdate().serializer());
    this.results = driver.createOutputTopic(OUTPUT, new StringDeserializer(), serdes.result().deserializer());
    this.deadLetters = driver.createOutputTopic(DEAD_LETTERS, new ByteArrayDeserializer(), serdes.deadLetter().deserializer());
  }

  /** The application's serdes over a registry of their own, in memory. */
  static TopicSerdes serdes() {
    return TopicSerdes.fromRegistry(new InMemorySchemaRegistry());
  }

  static Document document(String id, String domain, String text) {
    return Document.newBuilder().setId(id).setDomain(domain).setText(text).build();
  }

  /** A prefix's control-topic record, renamed to {@code domain} at {@code version} (neither is part of the tensors). */
  static PrefixUpdate update(DomainPrefix prefix, String domain, long version) {
    PrefixUpdate update = PrefixUpdates.toUpdate(prefix);
    update.setDomain(domain);
    update.setVersion(version);
    return update;
  }

  /** Publishes an update on the control topic keyed by its domain. */
  void publish(PrefixUpdate update) {
    control.pipeInput(update.getDomain(), update);
  }

  /** The Avro wire bytes the application's document serde writes for {@code doc}. */
  byte[] wireBytes(Document doc) {
    return serdes.document().serializer().serialize(INPUT, doc);
  }

  /** Pipes a document keyed by its id; returns the value bytes sent. */
  byte[] pipe(Document doc, long timestampMs) {
    return pipeRaw(doc.getId().getBytes(StandardCharsets.UTF_8), wireBytes(doc), timestampMs);
  }

  byte[] pipeRaw(byte[] key, byte[] value, long timestampMs) {
    documents.pipeInput(key, value, Instant.ofEpochMilli(timestampMs));
    return value;
  }

  /** The next result; fails (rather than throws) when there is none. */
  TestRecord<String, NerResult> nextResult() {
    assertFalse(results.isEmpty(), "expected another record on " + OUTPUT);
    return results.readRecord();
  }

  /** The next dead letter; fails (rather than throws) when there is none. */
  TestRecord<byte[], DeadLetter> nextDeadLetter() {
    assertFalse(deadLetters.isEmpty(), "expected another record on " + DEAD_LETTERS);
    return deadLetters.readRecord();
  }

  void advanceWallClock(long ms) {
    wallClockMs += ms;
    driver.advanceWallClockTime(Duration.ofMillis(ms));
  }

  /** Spans of the entities the engine finds in {@code text} alone, with {@code prefix}. */
  static List<Span> spansAlone(NerEngine engine, String text, DomainPrefix prefix) {
    return engine.tag(List.of(new NerEngine.Request(text, prefix))).get(0).stream()
        .map(e -> new Span(e.text(), e.type(), e.start(), e.end())).toList();
  }

  static List<Span> spans(NerResult result) {
    return result.getEntities().stream().map(e -> new Span(e.getText(), e.getType(), e.getStart(), e.getEnd())).toList();
  }

  /**
   * Asserts a result record exactly: key, timestamp, every field, spans exactly and scores to float
   * precision against {@code expected} (what the engine gives the text alone), and the timings that
   * do not depend on the machine.
   */
  static void assertResult(TestRecord<String, NerResult> record, Document doc, long timestampMs, String prefixDomain,
      long prefixVersion, String modelId, List<Entity> expected, int batchSize, long bufferedAtMs, long emittedAtMs) {
    NerResult r = record.value();
    assertEquals(doc.getId(), record.key(), "key");
    assertEquals(timestampMs, record.timestamp(), "record timestamp");
    assertEquals(List.of(doc.getId(), doc.getDomain(), prefixDomain, prefixVersion, modelId),
        List.of(r.getDocId(), r.getDomain(), r.getPrefixDomain(), r.getPrefixVersion(), r.getModel()),
        "docId, domain, prefixDomain, prefixVersion, model");
    assertEquals(expected.stream().map(e -> new Span(e.text(), e.type(), e.start(), e.end())).toList(), spans(r),
        "entities of " + doc.getId());
    for (int i = 0; i < expected.size(); i++) {
      EntitySpan actual = r.getEntities().get(i);
      assertEquals(expected.get(i).score(), actual.getScore(), 1e-4, "score of " + actual.getText());
    }
    assertEquals(List.of(timestampMs, bufferedAtMs, emittedAtMs, (long) batchSize),
        List.of(r.getTimings().getInputTimestampMs(), r.getTimings().getBufferedAtMs(), r.getTimings().getEmittedAtMs(),
            (long) r.getTimings().getBatchSize()),
        "timings: input, buffered, emitted, batch size");
    assertTrue(r.getTimings().getForwardMs() >= 0f, "forwardMs " + r.getTimings().getForwardMs());
  }

  @Override
  public void close() {
    driver.close();
  }
}
