package io.cpner.stream;

import static io.cpner.stream.TopologyHarness.INPUT;
import static io.cpner.stream.TopologyHarness.assertResult;
import static io.cpner.stream.TopologyHarness.document;
import static io.cpner.stream.TopologyHarness.update;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.avro.DeadLetter;
import io.cpner.avro.DeadLetterReason;
import io.cpner.avro.Document;
import io.cpner.avro.NerResult;
import io.cpner.inference.DocumentTagger;
import io.cpner.inference.Entity;
import io.cpner.inference.NerEngine;
import io.cpner.prefix.PrefixMetadata;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Bad input never stops the topology: every kind of bad record goes to the dead-letter topic with its
 * reason, source coordinates and original bytes, the records after it are still tagged, and a document
 * whose tagging fails is dead-lettered alone while the rest of its batch gets results.
 */
class NerTopologyDeadLetterTest extends TopologyTestBase {
  private static final int MAX_CHARS = 40;

  /** The real engine, except that a batch holding a text with {@code marker} fails; records each batch's size. */
  @Test
  void shouldDeadLetterTheInputOfAnUnexpectedProcessingErrorAndKeepGoing() {
    // given a tagger that fails where the topology does not expect it (counting a document's tokens)
    DocumentTagger crashing = new DocumentTagger() {
      @Override
      public List<List<Entity>> tag(List<NerEngine.Request> requests) {
        return engine.tag(requests);
      }

      @Override
      public int countTokens(String text) {
        if (text.contains("CRASH")) {
          throw new IllegalStateException("unexpected failure on CRASH");
        }
        return engine.countTokens(text);
      }

      @Override
      public String modelId() {
        return engine.modelId();
      }
    };
    try (TopologyHarness t = new TopologyHarness(Map.of(ProcessorSettings.BATCH_MAX_DOCUMENTS, 1), serdes, plm, crashing,
        stateDir)) {
      t.publish(update(capitalised, "news", 1));
      Document crash = document("crash", "news", "This CRASH is unexpected.");
      Document fine = document("fine", "news", "Alice met Bob.");
      // when
      byte[] crashBytes = t.pipe(crash, T0 + 1);
      t.pipe(fine, T0 + 2);
      // then the exception handler dead-letters the input with its original bytes, and the next document flows
      DeadLetter letter = t.nextDeadLetter().value();
      assertEquals(DeadLetterReason.PROCESSING_ERROR, letter.getReason());
      assertTrue(letter.getDetail().startsWith("processing failed in route: java.lang.IllegalStateException: unexpected failure on CRASH"),
          letter.getDetail());
      assertEquals(TopologyHarness.INPUT, letter.getSourceTopic());
      assertEquals(0L, letter.getSourceOffset());
      assertEquals(java.nio.ByteBuffer.wrap(crashBytes), letter.getValue());
      assertTrue(t.deadLetters.isEmpty());
      assertEquals("fine", t.nextResult().key());
      assertTrue(t.results.isEmpty());
      // and the metrics count it like every other dead letter
      assertEquals(1.0, t.metrics.registry().get("cpner.dead.letters").tag("reason", "PROCESSING_ERROR").counter().count());
    }
  }

  private static final class FailingOnMarker implements DocumentTagger {
    private final String marker;
    final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());

    FailingOnMarker(String marker) {
      this.marker = marker;
    }

    @Override
    public List<List<Entity>> tag(List<NerEngine.Request> requests) {
      batchSizes.add(requests.size());
      if (requests.stream().anyMatch(r -> r.text().contains(marker))) {
        throw new IllegalStateException("cannot tag a text containing " + marker);
      }
      return engine.tag(requests);
    }

    @Override
    public int countTokens(String text) {
      return engine.countTokens(text);
    }

    @Override
    public String modelId() {
      return engine.modelId();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static DeadLetter deadLetter(DeadLetterReason reason, String detail, long offset, byte[] key, byte[] value,
      long timestampMs) {
    return DeadLetter.newBuilder().setReason(reason).setDetail(detail).setSourceTopic(INPUT).setSourcePartition(0)
        .setSourceOffset(offset).setKey(key == null ? null : ByteBuffer.wrap(key))
        .setValue(value == null ? null : ByteBuffer.wrap(value)).setTimestampMs(timestampMs).build();
  }

  private static void assertDeadLetter(DeadLetter expected, TestRecord<byte[], DeadLetter> actual) {
    assertArrayEquals(expected.getKey() == null ? null : expected.getKey().array(), actual.key(), "dead letter key");
    assertEquals(expected.getTimestampMs(), actual.timestamp(), "dead letter record timestamp");
    assertEquals(expected, actual.value());
  }

  @Test
  void shouldRouteEveryKindOfBadRecordToDeadLettersAndKeepTaggingValidOnes() {
    try (TopologyHarness t = new TopologyHarness(Map.of(ProcessorSettings.BATCH_MAX_DOCUMENTS, 1,
        ProcessorSettings.DOCUMENT_MAX_CHARS, MAX_CHARS), serdes, plm, engine, stateDir)) {
      // given the news prefix, and one bad record of each kind, then a valid document (offsets 0..8)
      t.publish(update(capitalised, "news", 1));
      byte[] garbage = utf8("this is not a Document");
      byte[] missingId = t.wireBytes(document("", "news", "Alice is here."));
      byte[] missingDomain = t.wireBytes(document("d3", "", "Alice is here."));
      byte[] invalidDomain = t.wireBytes(document("d4", "News!", "Alice is here."));
      byte[] emptyText = t.wireBytes(document("d5", "news", " \t "));
      byte[] tooLong = t.wireBytes(document("d6", "news", "A".repeat(MAX_CHARS + 1)));
      byte[] unknownDomain = t.wireBytes(document("d7", "sports", "Messi scored."));
      Document valid = document("d8", "news", "Alice met Bob in Paris.");

      // when they arrive
      t.pipeRaw(utf8("d0"), garbage, T0);
      t.pipeRaw(utf8("d1"), null, T0 + 1);
      t.pipeRaw(utf8("no-id"), missingId, T0 + 2);
      t.pipeRaw(utf8("d3"), missingDomain, T0 + 3);
      t.pipeRaw(utf8("d4"), invalidDomain, T0 + 4);
      t.pipeRaw(utf8("d5"), emptyText, T0 + 5);
      t.pipeRaw(utf8("d6"), tooLong, T0 + 6);
      t.pipeRaw(utf8("d7"), unknownDomain, T0 + 7);
      t.pipe(valid, T0 + 8);

      // then each bad record is a dead letter with its reason, offset, key and bytes as received
      List<TestRecord<byte[], DeadLetter>> letters = t.deadLetters.readRecordsToList();
      assertEquals(8, letters.size());
      DeadLetter undecodable = letters.get(0).value();
      assertTrue(undecodable.getDetail().startsWith("cannot read a document: "), undecodable.getDetail());
      assertDeadLetter(deadLetter(DeadLetterReason.UNDECODABLE, undecodable.getDetail(), 0, utf8("d0"), garbage, T0),
          letters.get(0));
      assertDeadLetter(deadLetter(DeadLetterReason.NULL_VALUE, "record has no value", 1, utf8("d1"), null, T0 + 1),
          letters.get(1));
      assertDeadLetter(deadLetter(DeadLetterReason.MISSING_ID, "document id is empty", 2, utf8("no-id"), missingId, T0 + 2),
          letters.get(2));
      assertDeadLetter(deadLetter(DeadLetterReason.MISSING_DOMAIN, "document 'd3' has no domain", 3, utf8("d3"),
          missingDomain, T0 + 3), letters.get(3));
      assertDeadLetter(deadLetter(DeadLetterReason.INVALID_DOMAIN, "domain 'News!' does not match "
          + PrefixMetadata.DOMAIN_NAME.pattern(), 4, utf8("d4"), invalidDomain, T0 + 4), letters.get(4));
      assertDeadLetter(deadLetter(DeadLetterReason.EMPTY_TEXT, "document 'd5' has no text", 5, utf8("d5"), emptyText, T0 + 5),
          letters.get(5));
      assertDeadLetter(deadLetter(DeadLetterReason.TEXT_TOO_LONG, "text of 41 chars exceeds the limit of 40", 6, utf8("d6"),
          tooLong, T0 + 6), letters.get(6));
      assertDeadLetter(deadLetter(DeadLetterReason.UNKNOWN_DOMAIN, "no prefix is installed for domain 'sports'", 7,
          utf8("d7"), unknownDomain, T0 + 7), letters.get(7));
      assertTrue(t.deadLetters.isEmpty(), "no more dead letters");

      // and the valid document after them all is still tagged
      List<TestRecord<String, NerResult>> results = t.results.readRecordsToList();
      assertEquals(1, results.size());
      assertResult(results.get(0), valid, T0 + 8, "news", 1, plm.id(),
          engine.tag(List.of(new NerEngine.Request(valid.getText(), capitalised))).get(0), 1, T0, T0);

      // and every input is accounted for: 9 inputs = 1 result + 8 dead letters
      assertEquals(9, results.size() + letters.size());
    }
  }

  @Test
  void shouldDeadLetterUnknownDomainWhenTheFallbackHasNoPrefixEither() {
    try (TopologyHarness t = new TopologyHarness(Map.of(ProcessorSettings.UNKNOWN_DOMAIN_POLICY, "FALLBACK",
        ProcessorSettings.FALLBACK_DOMAIN, "general"), serdes, plm, engine, stateDir)) {
      // given only a news prefix; the fallback 'general' has none
      t.publish(update(capitalised, "news", 1));

      // when a document of another domain arrives
      byte[] bytes = t.pipe(document("x1", "sports", "Messi scored."), T0 + 3);

      // then
      assertDeadLetter(deadLetter(DeadLetterReason.UNKNOWN_DOMAIN,
          "no prefix is installed for domain 'sports' nor for the fallback 'general'", 0, utf8("x1"), bytes, T0 + 3),
          t.nextDeadLetter());
      assertTrue(t.deadLetters.isEmpty());
      t.advanceWallClock(60_000);
      assertTrue(t.results.isEmpty(), "nothing was buffered");
    }
  }

  @Test
  void shouldDeadLetterADocumentWhoseTaggingFailsAndTagTheRestOfItsBatch() {
    FailingOnMarker tagger = new FailingOnMarker("POISON");
    try (TopologyHarness t = new TopologyHarness(Map.of(ProcessorSettings.BATCH_MAX_DOCUMENTS, 3), serdes, plm, tagger,
        stateDir)) {
      // given a batch whose middle document cannot be tagged
      t.publish(update(capitalised, "news", 4));
      Document before = document("ok-1", "news", "Alice met Bob.");
      Document poison = document("bad", "news", "This POISON breaks tagging.");
      Document after = document("ok-2", "news", "Carol met Dave.");

      // when the batch fills
      t.pipe(before, T0 + 1);
      t.pipe(poison, T0 + 2);
      t.pipe(after, T0 + 3);

      // then the batch failed once and was retried document by document
      assertEquals(List.of(3, 1, 1, 1), tagger.batchSizes);
      // and the others have their results (each from a forward pass of its own)
      assertResult(t.nextResult(), before, T0 + 1, "news", 4, plm.id(),
          engine.tag(List.of(new NerEngine.Request(before.getText(), capitalised))).get(0), 1, T0, T0);
      assertResult(t.nextResult(), after, T0 + 3, "news", 4, plm.id(),
          engine.tag(List.of(new NerEngine.Request(after.getText(), capitalised))).get(0), 1, T0, T0);
      assertTrue(t.results.isEmpty());
      // and the poison document is a PROCESSING_ERROR dead letter at its offset (the batching stage
      // does not keep the input's value bytes, so the letter carries only the id as key)
      assertDeadLetter(deadLetter(DeadLetterReason.PROCESSING_ERROR,
          "tagging failed: java.lang.IllegalStateException: cannot tag a text containing POISON", 1, utf8("bad"), null,
          T0 + 2), t.nextDeadLetter());
      assertTrue(t.deadLetters.isEmpty());
    }
  }
}
