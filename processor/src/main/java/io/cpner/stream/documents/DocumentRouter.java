package io.cpner.stream.documents;

import static io.cpner.stream.documents.StateRecords.bytes;

import io.cpner.avro.BufferedDocument;
import io.cpner.avro.DeadLetter;
import io.cpner.avro.DeadLetterReason;
import io.cpner.avro.Document;
import io.cpner.avro.ParkedRecord;
import io.cpner.inference.DocumentTagger;
import io.cpner.prefix.PrefixRegistry;
import io.cpner.registry.RegistryUnavailableException;
import io.cpner.registry.RetryBackoff;
import io.cpner.stream.observability.NerMetrics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First stage of the topology: decodes the raw input bytes, validates the document and resolves its
 * domain's prefix. A document that passes goes on to the batching stage keyed by its id; anything
 * else goes to the dead-letter topic with the reason, its source offset and its original bytes.
 *
 * <p>A record whose writer schema the registry gave no answer about may well be valid, so it is
 * neither dead-lettered nor allowed to stall the partition: it is parked in {@link #PARKED_STORE}
 * (changelogged, so exactly-once holds across restarts) and read again, oldest first, with backoff
 * (200 ms doubling to 5 s) until the registry answers; records with known schemas keep flowing.
 * Parked bytes are bounded by {@link #PARKED_MAX_BYTES}: beyond it the router waits for the registry
 * in place, holding the partition.
 */
public final class DocumentRouter implements Processor<byte[], byte[], Object, Object> {
  /** The state store of records waiting for the schema registry, keyed by source offset and topic ({@link ParkedKey}). */
  public static final String PARKED_STORE = "awaiting-registry";
  /** The most input bytes parked at once per partition before the router waits in place. */
  public static final long PARKED_MAX_BYTES = 64L << 20;
  /** How often parked records are looked at (they are only read again when their backoff is over). */
  static final Duration PARKED_CHECK_INTERVAL = Duration.ofMillis(100);
  private static final Logger LOG = LoggerFactory.getLogger(DocumentRouter.class);

  private final DocumentReader reader;
  private final DocumentValidator validator;
  private final PrefixRegistry prefixes;
  private final DocumentTagger tagger;
  private final AdmissionPolicy admission;
  private final String inputTopic;
  private final NerMetrics metrics;
  private final DeadLetters deadLetters;
  private final OutputTopics outputs;
  private final String batchingNode;
  private final String deadLetterNode;
  private final LongSupplier wallClockMs;
  /** Null unless output.mode=ENRICHED. */
  private final Enrichment enrichment;
  private final RetryBackoff registryBackoff = RetryBackoff.forRegistry();
  private ProcessorContext<Object, Object> context;
  private KeyValueStore<ParkedKey, ParkedRecord> parked;
  private long parkedBytes;
  /** When parked records are read again (wall clock, ms). */
  private long retryParkedAtMs;

  /**
   * {@code output.mode=ENRICHED}: what the router keeps of each record for its enriched output, and
   * for Avro input the output schema's id under its output topic's subject.
   */
  public record Enrichment(EnrichedOutput output, boolean avroInput) {}

  /** What becomes of one input record: a document for the batching stage, or a dead letter. */
  private sealed interface Outcome permits Accepted, Rejected {}

  private record Accepted(BufferedDocument document) implements Outcome {}

  private record Rejected(DeadLetterReason reason, String detail) implements Outcome {}

  /** One input record as received: its bytes, timestamp and where it came from. */
  private record Input(byte[] key, byte[] value, Headers headers, long timestampMs, String topic, int partition, long offset) {
    String coordinates() {
      return topic + "-" + partition + "@" + offset;
    }
  }

  public DocumentRouter(DocumentReader reader, PrefixRegistry prefixes, DocumentTagger tagger,
      AdmissionPolicy admission, String inputTopic, OutputTopics outputs, Enrichment enrichment, NerMetrics metrics,
      LongSupplier wallClockMs, String batchingNode, String deadLetterNode) {
    this.wallClockMs = wallClockMs;
    this.outputs = outputs;
    this.enrichment = enrichment;
    this.batchingNode = batchingNode;
    this.deadLetterNode = deadLetterNode;
    this.metrics = metrics;
    this.deadLetters = new DeadLetters(metrics);
    this.reader = reader;
    this.validator = new DocumentValidator(admission.documentMaxChars());
    this.prefixes = prefixes;
    this.tagger = tagger;
    this.admission = admission;
    this.inputTopic = inputTopic;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.parked = context.getStateStore(PARKED_STORE);
    parkedBytes = 0;
    try (KeyValueIterator<ParkedKey, ParkedRecord> all = parked.all()) { // records parked before a restart
      all.forEachRemaining(kv -> parkedBytes += kv.value.getValue().remaining());
    }
    context.schedule(PARKED_CHECK_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> retryParked());
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata source = context.recordMetadata().orElse(null);
    Input input = new Input(record.key(), record.value(), record.headers(), record.timestamp(),
        source == null ? inputTopic : source.topic(),
        source == null ? -1 : source.partition(), source == null ? -1 : source.offset());
    Outcome outcome;
    try {
      outcome = decide(input);
    } catch (RegistryUnavailableException e) {
      if (parkedBytes + input.value().length <= PARKED_MAX_BYTES) {
        park(input, e);
        return;
      }
      outcome = decideWaitingInPlace(input, e);
    }
    apply(input, outcome);
  }

  /**
   * Decodes, validates, resolves the prefix and readies the output for one record, without
   * forwarding anything: a registry that gives no answer throws here, and the record can wait
   * (parked) and be decided again later.
   */
  private Outcome decide(Input input) {
    if (input.value() == null) {
      return new Rejected(DeadLetterReason.NULL_VALUE, "record has no value");
    }
    Document doc;
    try {
      doc = reader.read(input.topic(), input.headers(), input.key(), input.value());
    } catch (RegistryUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      return new Rejected(DeadLetterReason.UNDECODABLE, "cannot read a document: " + e.getMessage());
    }
    Optional<DocumentValidator.Rejection> rejection = validator.check(doc);
    if (rejection.isPresent()) {
      return new Rejected(rejection.get().reason(), rejection.get().detail());
    }
    doc.setDomain(doc.getDomain().toLowerCase(Locale.ROOT)); // Politics and POLITICS are politics
    Optional<String> prefixDomain = resolvePrefixDomain(doc.getDomain());
    if (prefixDomain.isEmpty()) {
      return new Rejected(DeadLetterReason.UNKNOWN_DOMAIN, "no prefix is installed for domain '" + doc.getDomain()
          + "'" + (admission.unknownDomainPolicy() == UnknownDomainPolicy.FALLBACK ? " nor for the fallback '" + admission.fallbackDomain() + "'" : ""));
    }
    int outputSchemaId = 0;
    try {
      String outputTopic = outputs.prepare(prefixDomain.get());
      if (enrichment != null && enrichment.avroInput()) {
        outputSchemaId = enrichment.output().outputSchemaId(input.topic(), input.value(), outputTopic);
      }
    } catch (EnrichedOutput.ConflictException e) {
      return new Rejected(DeadLetterReason.PROCESSING_ERROR, "cannot enrich: " + e.getMessage());
    } catch (OutputTopics.UnavailableException e) {
      return new Rejected(DeadLetterReason.PROCESSING_ERROR, e.getMessage());
    }
    BufferedDocument.Builder buffered = BufferedDocument.newBuilder()
        .setId(doc.getId())
        .setDomain(doc.getDomain())
        .setPrefixDomain(prefixDomain.get())
        .setText(doc.getText())
        .setTokens(Math.max(1, tagger.countTokens(doc.getText())))
        .setSourcePartition(input.partition())
        .setSourceOffset(input.offset())
        .setInputTimestampMs(input.timestampMs())
        .setBufferedAtMs(wallClockMs.getAsLong())
        .setSourceTopic(input.topic());
    if (enrichment != null) { // what the enriched output is made of
      buffered.setSourceKey(input.key() == null ? null : ByteBuffer.wrap(input.key()))
          .setSourceValue(ByteBuffer.wrap(input.value()))
          .setHeaders(StateRecords.toState(input.headers()))
          .setOutputSchemaId(outputSchemaId);
    }
    return new Accepted(buffered.build());
  }

  /** Sends a decided record on: to the batching stage, or the dead letters. */
  private void apply(Input input, Outcome outcome) {
    metrics.documentIn();
    if (outcome instanceof Accepted accepted) {
      BufferedDocument doc = accepted.document();
      context.forward(new Record<Object, Object>(doc.getId(), doc, input.timestampMs()), batchingNode);
    } else {
      Rejected rejected = (Rejected) outcome;
      deadLetter(input, rejected.reason(), rejected.detail());
    }
  }

  private void park(Input input, RegistryUnavailableException e) {
    long now = wallClockMs.getAsLong();
    parked.put(new ParkedKey(input.offset(), input.topic()), ParkedRecord.newBuilder()
        .setKey(input.key() == null ? null : ByteBuffer.wrap(input.key()))
        .setValue(ByteBuffer.wrap(input.value()))
        .setSourcePartition(input.partition())
        .setSourceOffset(input.offset())
        .setTimestampMs(input.timestampMs())
        .setParkedAtMs(now)
        .setSourceTopic(input.topic())
        .setHeaders(StateRecords.toState(input.headers()))
        .build());
    parkedBytes += input.value().length;
    if (retryParkedAtMs == 0) { // the first one: the registry was answering until now
      metrics.registryWait();
      retryParkedAtMs = now + registryBackoff.nextDelayMs();
      LOG.warn("the schema registry did not answer; parking {} and the records that need it until it does: {}",
          input.coordinates(), e.getMessage());
    }
  }

  /** Reads the parked records again, oldest first, once their backoff is over; stops at the first the registry does not answer for. */
  private void retryParked() {
    long now = wallClockMs.getAsLong();
    if (retryParkedAtMs == 0 || now < retryParkedAtMs) {
      return;
    }
    List<KeyValue<ParkedKey, ParkedRecord>> waiting = new ArrayList<>();
    try (KeyValueIterator<ParkedKey, ParkedRecord> all = parked.all()) {
      all.forEachRemaining(waiting::add);
    }
    int routed = 0;
    for (KeyValue<ParkedKey, ParkedRecord> kv : waiting) {
      Input input = input(kv.value);
      Outcome outcome;
      try {
        outcome = decide(input);
      } catch (RegistryUnavailableException e) {
        metrics.registryWait();
        long delayMs = registryBackoff.nextDelayMs();
        retryParkedAtMs = now + delayMs;
        LOG.warn("the schema registry still does not answer; {} records parked ({} bytes), next try in {} ms (attempt {}): {}",
            waiting.size() - routed, parkedBytes, delayMs, registryBackoff.failures(), e.getMessage());
        return;
      }
      parked.delete(kv.key);
      parkedBytes -= input.value().length;
      apply(input, outcome);
      routed++;
    }
    LOG.info("the schema registry answers again; {} parked records read", routed);
    registryBackoff.reset();
    retryParkedAtMs = 0;
  }

  /** Over the parking limit: waits for the registry here, holding the partition, until it answers. */
  private Outcome decideWaitingInPlace(Input input, RegistryUnavailableException first) {
    LOG.warn("{} bytes are parked already; {} waits for the schema registry in place: {}", parkedBytes, input.coordinates(),
        first.getMessage());
    metrics.registryWait();
    RetryBackoff inPlace = RetryBackoff.forRegistry();
    inPlace.pause();
    return inPlace.retry(() -> decide(input), e -> e instanceof RegistryUnavailableException, (e, waitedMs) -> metrics.registryWait());
  }

  private Input input(ParkedRecord r) {
    return new Input(r.getKey() == null ? null : bytes(r.getKey()), bytes(r.getValue()), StateRecords.fromState(r.getHeaders()),
        r.getTimestampMs(),
        r.getSourceTopic().isEmpty() ? inputTopic : r.getSourceTopic(), r.getSourcePartition(), r.getSourceOffset());
  }


  /** The domain whose prefix will tag the document: its own, else the fallback's, if installed. */
  private Optional<String> resolvePrefixDomain(String domain) {
    if (prefixes.get(domain).isPresent()) {
      return Optional.of(domain);
    }
    if (admission.unknownDomainPolicy() == UnknownDomainPolicy.FALLBACK && prefixes.get(admission.fallbackDomain()).isPresent()) {
      return Optional.of(admission.fallbackDomain());
    }
    return Optional.empty();
  }

  private void deadLetter(Input input, DeadLetterReason reason, String detail) {
    DeadLetter letter = deadLetters.of(reason, detail, input.topic(), input.partition(), input.offset(), input.key(),
        input.value(), input.timestampMs());
    context.forward(new Record<Object, Object>(input.key(), letter, input.timestampMs()), deadLetterNode);
  }
}
