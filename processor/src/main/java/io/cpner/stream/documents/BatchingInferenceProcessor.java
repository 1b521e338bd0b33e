package io.cpner.stream.documents;

import static io.cpner.stream.documents.StateRecords.bytes;

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
import io.cpner.stream.trends.EntityMentions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>A document of more than {@link #PART_TOKENS} pieces is tagged in parts, cut between sentences
 * ({@link DocumentParts}): each batch takes the next part of the oldest long document and then
 * whole documents, oldest first; once only parts are left, a punctuation runs one part and then
 * leaves the thread to new records for as long. So a long document adds at most one part's forward
 * pass to any batch, and documents behind it wait for about one part, not for all of it.
 * Its result (entities in text order, offsets in the whole text) goes out when its last part is done.
 */
public final class BatchingInferenceProcessor implements Processor<String, BufferedDocument, Object, Object> {
  public static final String STORE = "batch-buffer";
  /** The most pieces of one part of a long document (one window of the models shipped). */
  public static final int PART_TOKENS = 480;
  private static final Logger LOG = LoggerFactory.getLogger(BatchingInferenceProcessor.class);

  private final DocumentTagger tagger;
  private final PrefixRegistry prefixes;
  private final BatchPolicy batching;
  private final int partTokens;
  private final String inputTopic;
  private final NerMetrics metrics;
  private final DeadLetters deadLetters;
  private final RecentResults recent;
  private final String resultsNode;
  private final String deadLetterNode;
  /** Where each result's entity mentions go for the trends feed; null: nowhere. */
  private final String mentionsNode;
  private final LongSupplier wallClockMs;
  /** Null unless output.mode=ENRICHED. */
  private final EnrichedOutput enriched;
  /** Long documents with parts done or handed out, by buffer key. */
  private final Map<String, LongDocument> longDocuments = new HashMap<>();
  private ProcessorContext<Object, Object> context;
  private BatchBuffer buffer;
  /** When a punctuation may run the next part of a long document, if only parts wait (wall clock, ms). */
  private long partsResumeAtMs;

  /** One request of a batch: a whole document ({@code part} -1) or one part of a long one. */
  private record Work(BufferedDocument doc, DomainPrefix prefix, String text, LongDocument parted, int part) {}

  /** {@code enriched}: null for NerResult output, else what writes the enriched records. */
  public BatchingInferenceProcessor(DocumentTagger tagger, PrefixRegistry prefixes, BatchPolicy batching, String inputTopic,
      EnrichedOutput enriched, NerMetrics metrics, RecentResults recent, LongSupplier wallClockMs, String resultsNode,
      String deadLetterNode, String mentionsNode) {
    this.mentionsNode = mentionsNode;
    this.wallClockMs = wallClockMs;
    this.enriched = enriched;
    this.resultsNode = resultsNode;
    this.deadLetterNode = deadLetterNode;
    this.metrics = metrics;
    this.deadLetters = new DeadLetters(metrics);
    this.recent = recent;
    this.tagger = tagger;
    this.prefixes = prefixes;
    this.batching = batching;
    this.partTokens = Math.min(PART_TOKENS, batching.maxTokens());
    this.inputTopic = inputTopic;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    KeyValueStore<String, BufferedDocument> store = context.getStateStore(STORE);
    this.buffer = new BatchBuffer(store, partTokens);
    longDocuments.clear();
    if (buffer.size() > 0) {
      LOG.info("task {}: {} buffered documents restored", context.taskId(), buffer.size());
    }
    context.schedule(Duration.ofMillis(batching.checkIntervalMs()), PunctuationType.WALL_CLOCK_TIME, this::flushIfDue);
  }

  @Override
  public void process(Record<String, BufferedDocument> record) {
    buffer.put(record.value());
    while (batching.isFull(buffer.size(), buffer.tokens()) && buffer.hasWholeDocuments()) {
      runBatch();
    }
  }

  /**
   * Punctuator: once the oldest document has waited the maximum delay, runs batches until no whole
   * document waits (long documents advance by at least a part); when only parts of long documents
   * wait, it runs one part, and no other until as long again has passed, so that at most half the
   * thread's time goes to them while records keep arriving. A batch cut by the delay means the
   * stream runs below capacity, so when it forwarded something it also asks for a commit at once: under exactly-once, results
   * become visible only when their transaction commits, and waiting for the commit interval would
   * add up to that interval to every result's latency. Full batches (busy stream) ride the commit
   * interval, so commits never outnumber batches under load.
   */
  private void flushIfDue(long now) {
    if (buffer.size() == 0 || !batching.isDue(buffer.oldestBufferedAtMs(), now)) {
      return;
    }
    boolean forwarded = false;
    if (buffer.hasWholeDocuments()) {
      do {
        forwarded |= runBatch();
      } while (buffer.hasWholeDocuments());
    } else {
      // only parts of long documents wait: one part, then leave the thread as long again to the
      // records that arrive meanwhile (Kafka Streams reads and routes them only between punctuations)
      long started = wallClockMs.getAsLong();
      if (started < partsResumeAtMs) {
        return;
      }
      forwarded = runBatch();
      long ended = wallClockMs.getAsLong();
      partsResumeAtMs = ended + (ended - started);
    }
    if (forwarded) {
      context.commit();
    }
  }

  /** Runs one bounded batch and forwards what it finished; returns whether it forwarded anything. */
  private boolean runBatch() {
    int before = buffer.size();
    List<Work> batch = nextBatch();
    if (!batch.isEmpty()) {
      tagAndForward(batch);
    }
    return buffer.size() < before; // a document leaves the buffer with its result or dead letter
  }

  /**
   * The next batch: the oldest long document's next part (so none starves under load), then whole
   * documents in arrival order, within {@code batch.max.documents} requests and
   * {@code batch.max.tokens} pieces (at least one request). One part at most: on BERT-base a full
   * batch of parts takes seconds, and every document that arrives meanwhile would wait for it.
   * A document whose prefix is gone is dead-lettered here.
   */
  private List<Work> nextBatch() {
    List<Work> batch = new ArrayList<>();
    long pieces = 0;
    List<BufferedDocument> waiting = buffer.inArrivalOrder();
    Optional<LongDocument> oldestLong = waiting.stream().filter(buffer::isLong).map(this::longDocument)
        .flatMap(Optional::stream).filter(LongDocument::hasNext).findFirst();
    if (oldestLong.isPresent()) {
      LongDocument parted = oldestLong.get();
      int part = parted.handOut();
      batch.add(new Work(parted.document(), parted.prefix(), parted.partText(part), parted, part));
      pieces += partTokens; // what a part holds at most
    }
    for (BufferedDocument doc : waiting) {
      if (buffer.isLong(doc) || !buffer.contains(doc)) {
        continue;
      }
      if (batch.size() == batching.maxDocuments() || (!batch.isEmpty() && pieces + doc.getTokens() > batching.maxTokens())) {
        break;
      }
      Optional<DomainPrefix> prefix = prefixOrDeadLetter(doc);
      if (prefix.isPresent()) {
        batch.add(new Work(doc, prefix.get(), doc.getText(), null, -1));
        pieces += doc.getTokens();
      }
    }
    return batch;
  }

  /** The long document's state, cut into parts on first use; empty when its prefix is gone (dead-lettered). */
  private Optional<LongDocument> longDocument(BufferedDocument doc) {
    String key = BatchBuffer.key(doc);
    LongDocument known = longDocuments.get(key);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<DomainPrefix> prefix = prefixOrDeadLetter(doc);
    if (prefix.isEmpty()) {
      return Optional.empty();
    }
    LongDocument parted = new LongDocument(doc, DocumentParts.split(doc.getText(), partTokens, tagger::countTokens), prefix.get());
    longDocuments.put(key, parted);
    return Optional.of(parted);
  }

  private Optional<DomainPrefix> prefixOrDeadLetter(BufferedDocument doc) {
    Optional<DomainPrefix> prefix = prefixes.get(doc.getPrefixDomain());
    if (prefix.isEmpty()) {
      deadLetter(doc, DeadLetterReason.UNKNOWN_DOMAIN, "prefix of domain '" + doc.getPrefixDomain() + "' is no longer installed");
    }
    return prefix;
  }

  private void tagAndForward(List<Work> works) {
    List<NerEngine.Request> requests = works.stream().map(w -> new NerEngine.Request(w.text(), w.prefix())).toList();
    long start = System.nanoTime();
    List<List<Entity>> entities;
    try {
      entities = tagger.tag(requests);
    } catch (RuntimeException e) {
      if (works.size() == 1) {
        BufferedDocument doc = works.get(0).doc();
        LOG.error("tagging document '{}' failed", doc.getId(), e);
        if (buffer.contains(doc)) { // not yet dead-lettered for another of its parts
          deadLetter(doc, DeadLetterReason.PROCESSING_ERROR, "tagging failed: " + e);
        }
        return;
      }
      LOG.warn("batch of {} failed ({}); retrying its documents one by one", works.size(), e.toString());
      for (Work work : works) {
        tagAndForward(List.of(work));
      }
      return;
    }
    long nanos = System.nanoTime() - start;
    metrics.batch(works.size(), nanos);
    float forwardMs = nanos / 1e6f;
    long now = wallClockMs.getAsLong(); // after the forward pass, which Streams' cached clock has not seen
    for (int i = 0; i < works.size(); i++) {
      Work work = works.get(i);
      if (work.parted() == null) {
        forwardResult(work.doc(), work.prefix(), entities.get(i), works.size(), forwardMs, now);
      } else if (buffer.contains(work.doc())) {
        work.parted().tagged(work.part(), entities.get(i), forwardMs);
        if (work.parted().isDone()) {
          forwardResult(work.doc(), work.prefix(), work.parted().entities(), works.size(), work.parted().forwardMs(), now);
        }
      }
    }
  }

  private void forwardResult(BufferedDocument doc, DomainPrefix prefix, List<Entity> entities, int batchSize, float forwardMs,
      long now) {
    List<EntitySpan> spans = entities.stream().map(e -> new EntitySpan(e.text(), e.type(), e.start(), e.end(), (float) e.score())).toList();
    if (enriched == null) {
      NerResult result = NerResult.newBuilder()
          .setDocId(doc.getId())
          .setDomain(doc.getDomain())
          .setPrefixDomain(doc.getPrefixDomain())
          .setPrefixVersion(prefix.version())
          .setEntities(spans)
          .setModel(tagger.modelId())
          .setTimings(new Timings(doc.getInputTimestampMs(), doc.getBufferedAtMs(), now, batchSize, forwardMs))
          .build();
      context.forward(new Record<Object, Object>(doc.getId(), result, doc.getInputTimestampMs()), resultsNode);
    } else if (doc.getSourceValue() == null) { // buffered by an instance that wrote NerResults
      deadLetter(doc, DeadLetterReason.PROCESSING_ERROR, "buffered before output.mode=ENRICHED: its input record was not kept");
      return;
    } else {
      byte[] source = bytes(doc.getSourceValue());
      byte[] value = doc.getOutputSchemaId() != 0 ? enriched.avro(source, doc.getOutputSchemaId(), spans, prefix.version())
          : enriched.json(source, spans, prefix.version());
      context.forward(new Record<Object, Object>(doc.getSourceKey() == null ? null : bytes(doc.getSourceKey()),
          new EnrichedOutput.Encoded(doc.getPrefixDomain(), value), doc.getInputTimestampMs(), StateRecords.fromState(doc.getHeaders())),
          resultsNode);
    }
    if (mentionsNode != null) {
      EntityMentions.count(doc.getDomain(), spans).forEach((key, mentions) ->
          context.forward(new Record<Object, Object>(key, mentions, doc.getInputTimestampMs()), mentionsNode));
    }
    metrics.result(doc.getDomain(), now - doc.getInputTimestampMs());
    recent.add(new RecentResults.Item(doc.getId(), doc.getDomain(), prefix.version(), doc.getText(),
        entities.stream().map(e -> new RecentResults.Span(e.text(), e.type(), e.start(), e.end(), (float) e.score())).toList(), now));
    done(doc);
  }

  private void deadLetter(BufferedDocument doc, DeadLetterReason reason, String detail) {
    byte[] id = doc.getId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String topic = doc.getSourceTopic().isEmpty() ? inputTopic : doc.getSourceTopic();
    var letter = deadLetters.of(reason, detail, topic, doc.getSourcePartition(),
        doc.getSourceOffset(), id, null, doc.getInputTimestampMs());
    context.forward(new Record<Object, Object>(id, letter, doc.getInputTimestampMs()), deadLetterNode);
    done(doc);
  }

  /** The document has its result or dead letter: it leaves the buffer. */
  private void done(BufferedDocument doc) {
    buffer.remove(doc);
    longDocuments.remove(BatchBuffer.key(doc));
  }
}
