package io.cpner.stream.documents;

import io.cpner.avro.BufferedDocument;
import io.cpner.avro.DeadLetterReason;
import io.cpner.avro.EntitySpan;
import io.cpner.avro.NerResult;
import io.cpner.avro.Timings;
import io.cpner.inference.DocumentTagger;
import io.cpner.inference.Entity;
import io.cpner.inference.NerEngine;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixRegistry;
import io.cpner.stream.observability.NerMetrics;
import io.cpner.stream.observability.RecentResults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batching inference stage. Documents wait in a state-store-backed buffer; a batch runs when
 * the buffer reaches the maximum documents or word pieces, or when its oldest document has waited
 * the maximum delay (wall-clock punctuator). One batch may mix domains: each document is tagged with
 * its domain's prefix as installed at that moment, and its result names that prefix version. Each
 * result is keyed by document id and keeps the input's timestamp. If a batch fails, its documents
 * are retried one by one, so one poison document goes to the dead-letter topic and the rest flow.
 */
public final class BatchingInferenceProcessor implements Processor<String, BufferedDocument, Object, Object> {
  public static final String STORE = "batch-buffer";
  private static final Logger LOG = LoggerFactory.getLogger(BatchingInferenceProcessor.class);

  private final DocumentTagger tagger;
  private final PrefixRegistry prefixes;
  private final BatchPolicy batching;
  private final String inputTopic;
  private final NerMetrics metrics;
  private final DeadLetters deadLetters;
  private final RecentResults recent;
  private final String resultsNode;
  private final String deadLetterNode;
  private final LongSupplier wallClockMs;
  private ProcessorContext<Object, Object> context;
  private BatchBuffer buffer;

  public BatchingInferenceProcessor(DocumentTagger tagger, PrefixRegistry prefixes, BatchPolicy batching, String inputTopic,
      NerMetrics metrics, RecentResults recent, LongSupplier wallClockMs, String resultsNode, String deadLetterNode) {
    this.wallClockMs = wallClockMs;
    this.resultsNode = resultsNode;
    this.deadLetterNode = deadLetterNode;
    this.metrics = metrics;
    this.deadLetters = new DeadLetters(metrics);
    this.recent = recent;
    this.tagger = tagger;
    this.prefixes = prefixes;
    this.batching = batching;
    this.inputTopic = inputTopic;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    KeyValueStore<String, BufferedDocument> store = context.getStateStore(STORE);
    this.buffer = new BatchBuffer(store);
    if (buffer.size() > 0) {
      LOG.info("task {}: {} buffered documents restored", context.taskId(), buffer.size());
    }
    context.schedule(Duration.ofMillis(batching.checkIntervalMs()), PunctuationType.WALL_CLOCK_TIME, this::flushIfDue);
  }

  @Override
  public void process(Record<String, BufferedDocument> record) {
    buffer.put(record.value());
    while (batching.isFull(buffer.size(), buffer.tokens())) {
      runBatch();
    }
  }

  /**
   * Punctuator: runs everything waiting once the oldest document has waited the maximum delay. A
   * batch cut by the delay means the stream runs below capacity, so it also asks for a commit at
   * once: under exactly-once, results become visible only when their transaction commits, and
   * waiting for the commit interval would add up to that interval to every result's latency. Full
   * batches (busy stream) ride the commit interval, so commits never outnumber batches under load.
   */
  private void flushIfDue(long now) {
    if (buffer.size() > 0 && batching.isDue(buffer.oldestBufferedAtMs(), now)) {
      while (buffer.size() > 0) {
        runBatch();
      }
      context.commit();
    }
  }

  /** Runs one bounded batch from the head of the buffer and forwards its results. */
  private void runBatch() {
    List<BufferedDocument> batch = buffer.peekBatch(batching.maxDocuments(), batching.maxTokens());
    List<BufferedDocument> runnable = new ArrayList<>();
    List<DomainPrefix> used = new ArrayList<>();
    for (BufferedDocument doc : batch) {
      Optional<DomainPrefix> prefix = prefixes.get(doc.getPrefixDomain());
      if (prefix.isPresent()) {
        runnable.add(doc);
        used.add(prefix.get());
      } else {
        deadLetter(doc, DeadLetterReason.UNKNOWN_DOMAIN, "prefix of domain '" + doc.getPrefixDomain() + "' is no longer installed");
      }
    }
    if (!runnable.isEmpty()) {
      tagAndForward(runnable, used);
    }
    buffer.remove(batch);
  }

  private void tagAndForward(List<BufferedDocument> docs, List<DomainPrefix> used) {
    List<NerEngine.Request> requests = new ArrayList<>(docs.size());
    for (int i = 0; i < docs.size(); i++) {
      requests.add(new NerEngine.Request(docs.get(i).getText(), used.get(i)));
    }
    long start = System.nanoTime();
    List<List<Entity>> entities;
    try {
      entities = tagger.tag(requests);
    } catch (RuntimeException e) {
      if (docs.size() == 1) {
        LOG.error("tagging document '{}' failed", docs.get(0).getId(), e);
        deadLetter(docs.get(0), DeadLetterReason.PROCESSING_ERROR, "tagging failed: " + e);
        return;
      }
      LOG.warn("batch of {} failed ({}); retrying its documents one by one", docs.size(), e.toString());
      for (int i = 0; i < docs.size(); i++) {
        tagAndForward(List.of(docs.get(i)), List.of(used.get(i)));
      }
      return;
    }
    long nanos = System.nanoTime() - start;
    metrics.batch(docs.size(), nanos);
    float forwardMs = nanos / 1e6f;
    long now = wallClockMs.getAsLong(); // after the forward pass, which Streams' cached clock has not seen
    for (int i = 0; i < docs.size(); i++) {
      BufferedDocument doc = docs.get(i);
      NerResult result = NerResult.newBuilder()
          .setDocId(doc.getId())
          .setDomain(doc.getDomain())
          .setPrefixDomain(doc.getPrefixDomain())
          .setPrefixVersion(used.get(i).version())
          .setEntities(entities.get(i).stream()
              .map(e -> new EntitySpan(e.text(), e.type(), e.start(), e.end(), (float) e.score())).toList())
          .setModel(tagger.modelId())
          .setTimings(new Timings(doc.getInputTimestampMs(), doc.getBufferedAtMs(), now, docs.size(), forwardMs))
          .build();
      context.forward(new Record<Object, Object>(doc.getId(), result, doc.getInputTimestampMs()), resultsNode);
      metrics.result(doc.getDomain(), now - doc.getInputTimestampMs());
      recent.add(new RecentResults.Item(doc.getId(), doc.getDomain(), used.get(i).version(), doc.getText(),
          entities.get(i).stream().map(e -> new RecentResults.Span(e.text(), e.type(), e.start(), e.end(), (float) e.score()))
              .toList(), now));
    }
  }

  private void deadLetter(BufferedDocument doc, DeadLetterReason reason, String detail) {
    byte[] id = doc.getId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    var letter = deadLetters.of(reason, detail, inputTopic, doc.getSourcePartition(),
        doc.getSourceOffset(), id, null, doc.getInputTimestampMs());
    context.forward(new Record<Object, Object>(id, letter, doc.getInputTimestampMs()), deadLetterNode);
  }
}
