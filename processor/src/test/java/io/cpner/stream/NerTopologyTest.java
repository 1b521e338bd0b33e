package io.cpner.stream;

import static io.cpner.stream.TopologyHarness.assertResult;
import static io.cpner.stream.TopologyHarness.document;
import static io.cpner.stream.TopologyHarness.spans;
import static io.cpner.stream.TopologyHarness.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.TestPrefixes;
import io.cpner.avro.Document;
import io.cpner.avro.NerResult;
import io.cpner.inference.Entity;
import io.cpner.inference.NerEngine;
import io.cpner.prefix.DomainPrefix;
import io.cpner.stream.TopologyHarness.Span;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The topology end to end in a {@link org.apache.kafka.streams.TopologyTestDriver} with the real
 * model and real schema-registry serdes: results of valid documents, the three flush rules of the
 * batching stage, mixed-domain batches and the fallback policy.
 */
class NerTopologyTest extends TopologyTestBase {

  private TopologyHarness harness(Map<String, ?> settings) {
    return new TopologyHarness(settings, serdes, plm, engine, stateDir);
  }

  private static List<Entity> alone(Document doc, DomainPrefix prefix) {
    return engine.tag(List.of(new NerEngine.Request(doc.getText(), prefix))).get(0);
  }

  @Test
  void shouldEmitOneResultPerValidDocumentKeyedByIdWithItsDomainPrefixAndInputTimestamp() {
    try (TopologyHarness t = harness(Map.of(ProcessorSettings.BATCH_MAX_DOCUMENTS, 1))) {
      // given the news prefix (every capitalised word is a 'thing') installed from the control topic
      t.publish(update(capitalised, "news", 3));
      Document doc = document("doc-1", "news", "Alice met Bob in Paris.");

      // when the document arrives
      t.pipe(doc, T0 - 5_000);

      // then exactly one result, keyed by the id, with the input's timestamp, the prefix and the entities
      TestRecord<String, NerResult> result = t.nextResult();
      assertEquals(List.of(new Span("Alice", "thing", 0, 5), new Span("Bob", "thing", 10, 13),
          new Span("Paris", "thing", 17, 22)), spans(result.value()));
      assertResult(result, doc, T0 - 5_000, "news", 3, plm.id(), alone(doc, capitalised), 1, T0, T0);
      assertTrue(t.results.isEmpty(), "no more results");
      assertTrue(t.deadLetters.isEmpty(), "no dead letters");
      assertEquals(1, t.status.appliedCount());
    }
  }

  @Test
  void shouldWriteEachDomainsResultsToItsOwnTopicCreatedBeforeItsFirstDocument() {
    try (TopologyHarness t = harness(Map.of(ProcessorSettings.BATCH_MAX_DOCUMENTS, 1, ProcessorSettings.OUTPUT_TOPIC, "entities.{domain}"))) {
      // given two domains' prefixes
      t.publish(update(capitalised, "news", 1));
      t.publish(update(capitalised, "sport", 2));
      // when a document of each arrives, and a second news one
      t.pipe(document("n-1", "news", "Alice met Bob."), T0);
      t.pipe(document("s-1", "SPORT", "Rome beat Oslo."), T0 + 1);
      t.pipe(document("n-2", "news", "Carol left."), T0 + 2);
      // then each topic holds its domain's results, and each was created once, before its first result
      var news = t.driver.createOutputTopic("entities.news", new org.apache.kafka.common.serialization.StringDeserializer(),
          serdes.result().deserializer());
      var sport = t.driver.createOutputTopic("entities.sport", new org.apache.kafka.common.serialization.StringDeserializer(),
          serdes.result().deserializer());
      assertEquals(List.of("n-1", "n-2"), news.readRecordsToList().stream().map(r -> r.key()).toList());
      assertEquals(List.of("s-1"), sport.readRecordsToList().stream().map(r -> r.key()).toList());
      assertEquals(List.of("entities.news", "entities.sport"), t.createdTopics);
      assertTrue(t.deadLetters.isEmpty(), "no dead letters");
    }
  }

  @Test
  void shouldRunBatchAsSoonAsItReachesMaxDocumentsWithoutWaitingForTime() {
    try (TopologyHarness t = harness(Map.of(ProcessorSettings.BATCH_MAX_DOCUMENTS, 3,
        ProcessorSettings.BATCH_MAX_DELAY_MS, 60_000L))) {
      // given
      t.publish(update(capitalised, "news", 1));
      List<Document> docs = List.of(document("a", "news", "Rome is old."), document("b", "news", "Oslo is cold."),
          document("c", "news", "Lima is far."));

      // when two documents arrive, nothing is tagged yet
      t.pipe(docs.get(0), T0 + 1);
      t.pipe(docs.get(1), T0 + 2);
      assertTrue(t.results.isEmpty(), "two of three documents must wait");

      // when the third arrives, the batch runs at once (the wall clock never moved)
      t.pipe(docs.get(2), T0 + 3);

      // then
      List<TestRecord<String, NerResult>> results = t.results.readRecordsToList();
      assertEquals(3, results.size());
      for (int i = 0; i < 3; i++) {
        assertResult(results.get(i), docs.get(i), T0 + 1 + i, "news", 1, plm.id(), alone(docs.get(i), capitalised), 3, T0, T0);
      }
      assertTrue(t.results.isEmpty());
      assertTrue(t.deadLetters.isEmpty());
    }
  }

  @Test
  void shouldRunTheDocumentsThatFitWhenTheBufferReachesMaxTokens() {
    try (TopologyHarness t = harness(Map.of(ProcessorSettings.BATCH_MAX_TOKENS, 16, ProcessorSettings.BATCH_MAX_DELAY_MS, 1_000L))) {
      // given two documents that together, but not alone, reach 16 word pieces
      t.publish(update(capitalised, "news", 1));
      Document first = document("first", "news", "Alice met Bob in Paris on a sunny day.");
      Document second = document("second", "news", "Carol and Dave flew to Rome in early May.");
      int a = engine.countTokens(first.getText());
      int b = engine.countTokens(second.getText());
      assertTrue(a < 16 && b < 16 && a + b >= 16, "pieces " + a + " + " + b);

      // when the first arrives it waits; when the second arrives the tokens limit is reached
      t.pipe(first, T0 + 10);
      assertTrue(t.results.isEmpty(), "one document under the tokens limit must wait");
      t.pipe(second, T0 + 20);

      // then the first runs alone (adding the second would exceed the limit), the second keeps waiting
      assertResult(t.nextResult(), first, T0 + 10, "news", 1, plm.id(), alone(first, capitalised), 1, T0, T0);
      assertTrue(t.results.isEmpty(), "the second document stays under the limit and waits");

      // and the second runs when it has waited the maximum delay
      t.advanceWallClock(1_000);
      assertResult(t.nextResult(), second, T0 + 20, "news", 1, plm.id(), alone(second, capitalised), 1, T0, T0 + 1_000);
      assertTrue(t.results.isEmpty());
      assertTrue(t.deadLetters.isEmpty());
    }
  }

  @Test
  void shouldHoldDocumentsUntilTheOldestHasWaitedMaxDelay() {
    try (TopologyHarness t = harness(Map.of(ProcessorSettings.BATCH_MAX_DELAY_MS, 1_000L))) {
      // given two documents, far below the size and tokens limits
      t.publish(update(capitalised, "news", 1));
      Document early = document("early", "news", "Berlin is big.");
      Document late = document("late", "news", "Vienna is nice.");
      t.pipe(early, T0);
      t.advanceWallClock(400);
      t.pipe(late, T0 + 400);

      // when the wall clock reaches one millisecond short of the oldest document's maximum delay
      t.advanceWallClock(599);

      // then nothing has run
      assertTrue(t.results.isEmpty(), "nothing before the maximum delay");

      // when the oldest has waited exactly the maximum delay
      t.advanceWallClock(1);

      // then everything waiting runs, in one batch, at that moment
      assertResult(t.nextResult(), early, T0, "news", 1, plm.id(), alone(early, capitalised), 2, T0, T0 + 1_000);
      assertResult(t.nextResult(), late, T0 + 400, "news", 1, plm.id(), alone(late, capitalised), 2, T0 + 400,
          T0 + 1_000);
      assertTrue(t.results.isEmpty());
      assertTrue(t.deadLetters.isEmpty());
    }
  }

  @Test
  void shouldTagEachRowOfAMixedDomainBatchWithItsOwnDomainsPrefix() {
    try (TopologyHarness t = harness(Map.of(ProcessorSettings.BATCH_MAX_DOCUMENTS, 4))) {
      // given two domains with different prefixes and versions: a rule head, and a random prefix of length 4
      DomainPrefix science = TestPrefixes.random(plm, "science", 4, 2);
      t.publish(update(capitalised, "news", 5));
      t.publish(update(science, "science", 9));
      List<Document> docs = List.of(
          document("n1", "news", "Angela Merkel met Emmanuel Macron in Berlin on Monday."),
          document("s1", "science", "Marie Curie discovered polonium and radium in Paris."),
          document("n2", "news", "The Beatles released Abbey Road in 1969."),
          document("s2", "science", "CRISPR-Cas9 was adapted for genome editing by Jennifer Doudna."));
      List<DomainPrefix> used = List.of(capitalised, science, capitalised, science);

      // when they arrive interleaved and fill one batch
      for (int i = 0; i < docs.size(); i++) {
        t.pipe(docs.get(i), T0 + i);
      }

      // then each result names its own domain's prefix and has the entities of tagging it alone
      List<TestRecord<String, NerResult>> results = t.results.readRecordsToList();
      assertEquals(4, results.size());
      int entities = 0;
      for (int i = 0; i < docs.size(); i++) {
        Document doc = docs.get(i);
        long version = doc.getDomain().equals("news") ? 5 : 9;
        List<Entity> expected = alone(doc, used.get(i));
        assertResult(results.get(i), doc, T0 + i, doc.getDomain(), version, plm.id(), expected, 4, T0, T0);
        entities += expected.size();
      }
      assertTrue(entities > 0, "the prefixes should find some entities");
      assertTrue(!alone(docs.get(1), science).equals(alone(docs.get(1), capitalised))
          || !alone(docs.get(3), science).equals(alone(docs.get(3), capitalised)),
          "the two prefixes must tag differently for the test to mean anything");
      assertTrue(t.results.isEmpty());
      assertTrue(t.deadLetters.isEmpty());
    }
  }

  @Test
  void shouldTagUnknownDomainWithTheFallbackPrefixUnderTheFallbackPolicy() {
    try (TopologyHarness t = harness(Map.of(ProcessorSettings.BATCH_MAX_DOCUMENTS, 1,
        ProcessorSettings.UNKNOWN_DOMAIN_POLICY, "FALLBACK", ProcessorSettings.FALLBACK_DOMAIN, "general"))) {
      // given only the fallback domain has a prefix
      t.publish(update(capitalised, "general", 2));
      Document doc = document("sport-1", "sports", "Messi scored twice against Madrid.");

      // when a document of a domain without a prefix arrives
      t.pipe(doc, T0 + 7);

      // then it is tagged with the fallback's prefix; the result keeps its own domain and names the fallback
      TestRecord<String, NerResult> result = t.nextResult();
      assertEquals("sports", result.value().getDomain());
      assertEquals("general", result.value().getPrefixDomain());
      assertEquals(List.of(new Span("Messi", "thing", 0, 5), new Span("Madrid", "thing", 27, 33)), spans(result.value()));
      assertResult(result, doc, T0 + 7, "general", 2, plm.id(), alone(doc, capitalised), 1, T0, T0);
      assertTrue(t.results.isEmpty());
      assertTrue(t.deadLetters.isEmpty());
    }
  }

  @Test
  void shouldCountDocumentsResultsDeadLettersBatchesAndPrefixVersions() {
    try (TopologyHarness t = harness(Map.of(ProcessorSettings.BATCH_MAX_DOCUMENTS, 2))) {
      // given news v3 installed
      t.publish(update(capitalised, "news", 3));
      // when two documents fill a batch and one record is undecodable
      t.pipe(document("m-1", "news", "Alice met Bob."), T0 + 1);
      t.pipe(document("m-2", "news", "Carol met Dave."), T0 + 2);
      t.pipeRaw("junk".getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[] {1, 2, 3}, T0 + 3);
      // then the metrics say so
      var registry = t.metrics.registry();
      assertEquals(3.0, registry.get("cpner.documents.in").counter().count());
      assertEquals(2.0, registry.get("cpner.results").tag("domain", "news").counter().count());
      assertEquals(1.0, registry.get("cpner.dead.letters").tag("reason", "UNDECODABLE").counter().count());
      assertEquals(1L, registry.get("cpner.batch.size").summary().count());
      assertEquals(2.0, registry.get("cpner.batch.size").summary().totalAmount());
      assertEquals(3.0, registry.get("cpner.prefix.version").tag("domain", "news").gauge().value());
      assertEquals(1.0, registry.get("cpner.prefix.updates.applied").functionCounter().count());
      assertEquals(2L, registry.get("cpner.result.latency").timer().count());
    }
  }
}
