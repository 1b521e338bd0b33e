package io.cpner.stream.documents;

import static io.cpner.stream.documents.StageFixtures.buffered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.avro.BufferedDocument;
import io.cpner.avro.DeadLetter;
import io.cpner.avro.DeadLetterReason;
import io.cpner.avro.NerResult;
import io.cpner.inference.DocumentTagger;
import io.cpner.inference.Entity;
import io.cpner.inference.NerEngine;
import io.cpner.prefix.PrefixRegistry;
import io.cpner.stream.observability.NerMetrics;
import io.cpner.stream.observability.RecentResults;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The batching stage alone: when batches run, what they forward where, and what a failure costs. */
class BatchingInferenceProcessorTest {
  private final PrefixRegistry prefixes = new PrefixRegistry();
  private final StageFixtures.RuleTagger tagger = new StageFixtures.RuleTagger();
  private final NerMetrics metrics = NerMetrics.inMemory();
  private MockProcessorContext<Object, Object> context;
  private BatchingInferenceProcessor stage;

  @BeforeEach
  void open() {
    prefixes.install(StageFixtures.prefix("news", 3));
    context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(1_010);
    KeyValueStore<String, BufferedDocument> store = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(BatchingInferenceProcessor.STORE), Serdes.String(),
        new InternalAvroSerde<>(BufferedDocument.class)).withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    stage = new BatchingInferenceProcessor(tagger, prefixes, new BatchPolicy(3, 1_000, 50), "documents", null, metrics,
        new RecentResults(10), () -> context.currentSystemTimeMs(), "results", "dead-letters", null);
    stage.init(context);
  }

  @Test
  void shouldRunAFullBatchAtOnceAndForwardOneResultPerDocument() {
    process(buffered("a", "news", "Alice met Bob", 3, 0, 0, 1_000));
    process(buffered("b", "news", "Carol left", 2, 0, 1, 1_001));
    assertTrue(context.forwarded().isEmpty(), "two of three documents: the batch waits");
    process(buffered("c", "news", "nobody here", 2, 0, 2, 1_002));
    assertEquals(List.of(3), tagger.callSizes, "one call for the full batch");
    List<CapturedForward<?, ?>> out = context.forwarded();
    assertEquals(List.of("results", "results", "results"), out.stream().map(f -> f.childName().orElseThrow()).toList());
    NerResult first = (NerResult) out.get(0).record().value();
    assertEquals("a", first.getDocId());
    assertEquals(3L, first.getPrefixVersion());
    assertEquals(List.of("Alice", "Bob"), first.getEntities().stream().map(e -> e.getText()).toList());
    assertEquals(3, first.getTimings().getBatchSize());
  }

  @Test
  void shouldStampResultsAndLatencyWithTheWallClockAfterTheForwardPassNotStreamsCachedClock() {
    // given a forward pass that takes 4,350 ms of wall-clock time while Streams' cached clock stands still
    AtomicLong wallClock = new AtomicLong(1_010);
    DocumentTagger slow = new DocumentTagger() {
      @Override
      public List<List<Entity>> tag(List<NerEngine.Request> requests) {
        wallClock.addAndGet(4_350);
        return tagger.tag(requests);
      }

      @Override
      public int countTokens(String text) {
        return tagger.countTokens(text);
      }

      @Override
      public String modelId() {
        return tagger.modelId();
      }
    };
    stage = new BatchingInferenceProcessor(slow, prefixes, new BatchPolicy(1, 1_000, 50), "documents", null, metrics,
        new RecentResults(10), wallClock::get, "results", "dead-letters", null);
    stage.init(context);
    // when a document is tagged
    process(buffered("a", "news", "Alice met Bob", 3, 0, 0, 1_000));
    // then its result says it was emitted after the pass, and the latency metric counts the pass
    NerResult result = (NerResult) context.forwarded().get(0).record().value();
    assertEquals(5_360L, result.getTimings().getEmittedAtMs());
    assertEquals(1_010L, context.currentSystemTimeMs(), "Streams' clock did not move");
    assertEquals(4_360.0, metrics.registry().get("cpner.result.latency").timer().max(TimeUnit.MILLISECONDS), 5.0,
        "input timestamp 1,000 to emitted 5,360");
  }

  @Test
  void shouldRunWhatWaitsOnceTheOldestHasWaitedTheMaximumDelay() {
    process(buffered("a", "news", "Alice", 1, 0, 0, 1_000));
    punctuate(1_049);
    assertTrue(context.forwarded().isEmpty());
    punctuate(1_050);
    assertEquals(1, context.forwarded().size());
    assertTrue(context.committed(), "a batch cut by the delay commits at once");
  }

  @Test
  void shouldDeadLetterADocumentWhosePrefixIsGoneAndOnlyThePoisonOfAFailedBatch() {
    process(buffered("gone", "sports", "Zed", 1, 0, 0, 1_000)); // no sports prefix by batch time
    process(buffered("bad", "news", "a POISON pill", 3, 0, 1, 1_001));
    process(buffered("ok", "news", "Alice", 1, 0, 2, 1_002));
    List<CapturedForward<?, ?>> out = context.forwarded();
    assertEquals(List.of("dead-letters", "dead-letters", "results"), out.stream().map(f -> f.childName().orElseThrow()).toList());
    assertEquals(DeadLetterReason.UNKNOWN_DOMAIN, ((DeadLetter) out.get(0).record().value()).getReason());
    DeadLetter poison = (DeadLetter) out.get(1).record().value();
    assertEquals(DeadLetterReason.PROCESSING_ERROR, poison.getReason());
    assertEquals(1L, poison.getSourceOffset());
    assertEquals(List.of(2, 1, 1), tagger.callSizes, "the failed batch is retried document by document");
    assertEquals(1.0, metrics.registry().get("cpner.dead.letters").tag("reason", "PROCESSING_ERROR").counter().count());
  }

  @Test
  void shouldTagALongDocumentInPartsThatShareBatchesWithShortOnesAndEmitItWholeWhenTheLastPartIsDone() {
    // given a document of 1,800 pieces (parts of at most 480) and two short ones arriving after it
    String longText = "Alice met Bob. ".repeat(600).trim();
    process(buffered("long", "news", longText, 1_800, 0, 0, 1_000));
    assertTrue(tagger.callSizes.isEmpty(), "a long document alone counts as one part: no full batch");
    process(buffered("a", "news", "Carol left", 2, 0, 1, 1_001));
    process(buffered("b", "news", "Dan stayed", 2, 0, 2, 1_002));

    // then the full batch holds the long document's first part and both short ones, which come out at once
    assertEquals(List.of(3), tagger.callSizes);
    assertEquals(List.of("a", "b"), resultIds());

    // and, with only parts left, each punctuation runs one part, so new records are read in between
    punctuate(1_050);
    assertEquals(List.of(3, 1), tagger.callSizes);
    assertEquals(List.of("a", "b"), resultIds(), "not done yet");
    punctuate(1_060);
    punctuate(1_070);
    assertEquals(List.of(3, 1, 1, 1), tagger.callSizes, "1,800 pieces: 4 parts of at most 480");

    // then its one result has every part's entities, at their offsets in the whole text
    NerResult result = (NerResult) context.forwarded().get(2).record().value();
    assertEquals("long", result.getDocId());
    List<Entity> whole = tagger.tag(List.of(new NerEngine.Request(longText, prefixes.get("news").orElseThrow()))).get(0);
    assertEquals(1_200, whole.size());
    assertEquals(whole.stream().map(e -> e.text() + "@" + e.start() + "-" + e.end()).toList(),
        result.getEntities().stream().map(e -> e.getText() + "@" + e.getStart() + "-" + e.getEnd()).toList());
    assertEquals(0, context.forwarded().stream().filter(f -> f.childName().orElseThrow().equals("dead-letters")).count());
  }

  private List<String> resultIds() {
    return context.forwarded().stream().map(f -> ((NerResult) f.record().value()).getDocId()).toList();
  }

  private void process(BufferedDocument doc) {
    stage.process(new Record<>(doc.getId(), doc, doc.getInputTimestampMs()));
  }

  private void punctuate(long now) {
    context.setCurrentSystemTimeMs(now);
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(now);
  }
}
