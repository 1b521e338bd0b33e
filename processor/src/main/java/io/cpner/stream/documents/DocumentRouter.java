package io.cpner.stream.documents;

import io.cpner.avro.BufferedDocument;
import io.cpner.avro.DeadLetter;
import io.cpner.avro.DeadLetterReason;
import io.cpner.avro.Document;
import io.cpner.inference.DocumentTagger;
import io.cpner.prefix.PrefixRegistry;
import io.cpner.stream.observability.NerMetrics;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First stage of the topology: decodes the raw input bytes, validates the document and resolves its
 * domain's prefix. A document that passes goes on to the batching stage keyed by its id; anything
 * else goes to the dead-letter topic with the reason, its source offset and its original bytes.
 */
public final class DocumentRouter implements Processor<byte[], byte[], Object, Object> {
  private static final Logger LOG = LoggerFactory.getLogger(DocumentRouter.class);

  private final Deserializer<Document> deserializer;
  private final DocumentValidator validator;
  private final PrefixRegistry prefixes;
  private final DocumentTagger tagger;
  private final AdmissionPolicy admission;
  private final String inputTopic;
  private final NerMetrics metrics;
  private final DeadLetters deadLetters;
  private final String batchingNode;
  private final String deadLetterNode;
  private final LongSupplier wallClockMs;
  private ProcessorContext<Object, Object> context;

  public DocumentRouter(Deserializer<Document> deserializer, PrefixRegistry prefixes, DocumentTagger tagger,
      AdmissionPolicy admission, String inputTopic, NerMetrics metrics, LongSupplier wallClockMs, String batchingNode,
      String deadLetterNode) {
    this.wallClockMs = wallClockMs;
    this.batchingNode = batchingNode;
    this.deadLetterNode = deadLetterNode;
    this.metrics = metrics;
    this.deadLetters = new DeadLetters(metrics);
    this.deserializer = deserializer;
    this.validator = new DocumentValidator(admission.documentMaxChars());
    this.prefixes = prefixes;
    this.tagger = tagger;
    this.admission = admission;
    this.inputTopic = inputTopic;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    metrics.documentIn();
    RecordMetadata source = context.recordMetadata().orElse(null);
    if (record.value() == null) {
      deadLetter(record, source, DeadLetterReason.NULL_VALUE, "record has no value");
      return;
    }
    Document doc;
    try {
      doc = deserializer.deserialize(source == null ? inputTopic : source.topic(), record.headers(), record.value());
    } catch (RuntimeException e) {
      deadLetter(record, source, DeadLetterReason.UNDECODABLE, "cannot decode a Document: " + e.getMessage());
      return;
    }
    Optional<DocumentValidator.Rejection> rejection = validator.check(doc);
    if (rejection.isPresent()) {
      deadLetter(record, source, rejection.get().reason(), rejection.get().detail());
      return;
    }
    doc.setDomain(doc.getDomain().toLowerCase(java.util.Locale.ROOT)); // Politics and POLITICS are politics
    Optional<String> prefixDomain = resolvePrefixDomain(doc.getDomain());
    if (prefixDomain.isEmpty()) {
      deadLetter(record, source, DeadLetterReason.UNKNOWN_DOMAIN, "no prefix is installed for domain '" + doc.getDomain()
          + "'" + (admission.unknownDomainPolicy() == UnknownDomainPolicy.FALLBACK ? " nor for the fallback '" + admission.fallbackDomain() + "'" : ""));
      return;
    }
    BufferedDocument buffered = BufferedDocument.newBuilder()
        .setId(doc.getId())
        .setDomain(doc.getDomain())
        .setPrefixDomain(prefixDomain.get())
        .setText(doc.getText())
        .setTokens(Math.max(1, tagger.countTokens(doc.getText())))
        .setSourcePartition(source == null ? -1 : source.partition())
        .setSourceOffset(source == null ? -1 : source.offset())
        .setInputTimestampMs(record.timestamp())
        .setBufferedAtMs(wallClockMs.getAsLong())
        .build();
    context.forward(new Record<Object, Object>(doc.getId(), buffered, record.timestamp()), batchingNode);
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

  private void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, DeadLetterReason reason, String detail) {
    DeadLetter letter = deadLetters.of(reason, detail, source == null ? "" : source.topic(), source == null ? -1 : source.partition(),
        source == null ? -1 : source.offset(), record.key(), record.value(), record.timestamp());
    context.forward(new Record<Object, Object>(record.key(), letter, record.timestamp()), deadLetterNode);
  }
}
