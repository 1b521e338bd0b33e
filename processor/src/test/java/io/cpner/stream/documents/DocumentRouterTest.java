package io.cpner.stream.documents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cpner.avro.BufferedDocument;
import io.cpner.avro.DeadLetter;
import io.cpner.avro.DeadLetterReason;
import io.cpner.avro.Document;
import io.cpner.avro.ParkedRecord;
import io.cpner.prefix.PrefixRegistry;
import io.cpner.registry.AvroSerde;
import io.cpner.registry.InMemorySchemaRegistry;
import io.cpner.registry.SchemaRegistry;
import io.cpner.registry.SchemaRegistryException;
import io.cpner.stream.observability.NerMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The router alone: decode, validate, resolve the prefix, then to the batching stage or the dead letters. */
class DocumentRouterTest {
  private static final InMemorySchemaRegistry DOCUMENT_SCHEMAS = new InMemorySchemaRegistry();
  private final AvroSerde<Document> documents = AvroSerde.forClass(Document.class, DOCUMENT_SCHEMAS, false);
  private final PrefixRegistry prefixes = new PrefixRegistry();
  private MockProcessorContext<Object, Object> context;

  @BeforeEach
  void open() {
    prefixes.install(StageFixtures.prefix("news", 1));
    context = new MockProcessorContext<>();
    KeyValueStore<ParkedKey, ParkedRecord> parked = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(DocumentRouter.PARKED_STORE), ParkedKey.serde(), new InternalAvroSerde<>(ParkedRecord.class))
        .withLoggingDisabled().build();
    parked.init(context.getStateStoreContext(), parked);
    context.addStateStore(parked);
    context.setCurrentSystemTimeMs(5_000);
    context.setRecordMetadata("documents", 2, 41);
  }

  @Test
  void shouldBufferAValidDocumentWithItsCostAndWhereItCameFrom() {
    route(new AdmissionPolicy(1_000, UnknownDomainPolicy.DEAD_LETTER, ""), wire(doc("d-1", "news", "Alice met Bob today")));
    CapturedForward<?, ?> out = context.forwarded().get(0);
    assertEquals("batch", out.childName().orElseThrow());
    BufferedDocument buffered = (BufferedDocument) out.record().value();
    assertEquals("news", buffered.getPrefixDomain());
    assertEquals(4, buffered.getTokens());
    assertEquals(2, buffered.getSourcePartition());
    assertEquals(41L, buffered.getSourceOffset());
    assertEquals(5_000L, buffered.getBufferedAtMs());
  }

  @Test
  void shouldReadADomainTagWhateverItsCase() {
    route(new AdmissionPolicy(1_000, UnknownDomainPolicy.DEAD_LETTER, ""), wire(doc("d-4", "News", "Alice met Bob")));
    BufferedDocument buffered = (BufferedDocument) context.forwarded().get(0).record().value();
    assertEquals(List.of("news", "news"), List.of(buffered.getDomain(), buffered.getPrefixDomain()));
  }

  @Test
  void shouldDeadLetterUndecodableBytesWithTheBytesAndTheirOffset() {
    byte[] junk = "not avro".getBytes(StandardCharsets.UTF_8);
    route(new AdmissionPolicy(1_000, UnknownDomainPolicy.DEAD_LETTER, ""), junk);
    CapturedForward<?, ?> out = context.forwarded().get(0);
    assertEquals("dead", out.childName().orElseThrow());
    DeadLetter letter = (DeadLetter) out.record().value();
    assertEquals(DeadLetterReason.UNDECODABLE, letter.getReason());
    assertEquals(41L, letter.getSourceOffset());
    assertArrayEquals(junk, letter.getValue().array());
  }

  @Test
  void shouldSendAnUnknownDomainToTheFallbackOrToTheDeadLetters() {
    byte[] sports = wire(doc("d-2", "sports", "Zed scored"));
    route(new AdmissionPolicy(1_000, UnknownDomainPolicy.FALLBACK, "news"), sports);
    assertEquals("news", ((BufferedDocument) context.forwarded().get(0).record().value()).getPrefixDomain());
    context.resetForwards();
    route(new AdmissionPolicy(1_000, UnknownDomainPolicy.DEAD_LETTER, ""), sports);
    assertEquals(DeadLetterReason.UNKNOWN_DOMAIN, ((DeadLetter) context.forwarded().get(0).record().value()).getReason());
  }

  @Test
  void shouldDeadLetterATextLongerThanAdmitted() {
    route(new AdmissionPolicy(10, UnknownDomainPolicy.DEAD_LETTER, ""), wire(doc("d-3", "news", "far more than ten characters")));
    assertEquals(DeadLetterReason.TEXT_TOO_LONG, ((DeadLetter) context.forwarded().get(0).record().value()).getReason());
  }

  @Test
  void shouldParkADocumentTheRegistryCannotDescribeYetAndRouteItWhenTheRegistryAnswers() {
    // given a document whose writer schema this router's registry does not answer for
    byte[] value = wire(doc("d-5", "news", "Alice met Bob"));
    AtomicBoolean registryUp = new AtomicBoolean(false);
    NerMetrics metrics = NerMetrics.inMemory();
    DocumentRouter router = router(AvroSerde.forClass(Document.class, flaky(registryUp), false), metrics,
        new AdmissionPolicy(1_000, UnknownDomainPolicy.DEAD_LETTER, ""));

    // when it arrives while the registry is down: parked, nothing goes out, and a document with a known schema still flows
    process(router, value);
    assertEquals(List.of(), context.forwarded());
    assertEquals(1, parkedStore().approximateNumEntries());
    assertEquals(1.0, metrics.registry().get("cpner.registry.waits").counter().count());
    assertEquals(0.0, metrics.registry().get("cpner.documents.in").counter().count(), "a parked record is counted when read");

    // then it stays parked until its backoff is over and the registry answers
    punctuateAt(5_100);
    assertEquals(List.of(), context.forwarded(), "read again only after 200 ms");
    punctuateAt(5_300);
    assertEquals(List.of(), context.forwarded(), "the registry is still down");
    assertEquals(2.0, metrics.registry().get("cpner.registry.waits").counter().count());
    registryUp.set(true);
    punctuateAt(5_600);
    assertEquals(List.of(), context.forwarded(), "the second wait is 400 ms");
    punctuateAt(5_800);
    CapturedForward<?, ?> out = context.forwarded().get(0);
    assertEquals("batch", out.childName().orElseThrow());
    BufferedDocument buffered = (BufferedDocument) out.record().value();
    assertEquals(List.of("d-5", 2, 41L), List.of(buffered.getId(), buffered.getSourcePartition(), buffered.getSourceOffset()));
    assertEquals(4_000L, out.record().timestamp(), "the input's timestamp");
    assertEquals(0, parkedStore().approximateNumEntries());
    assertEquals(1.0, metrics.registry().get("cpner.documents.in").counter().count());
  }

  @Test
  void shouldDeadLetterAParkedRecordWhoseSchemaTheRegistryThenSaysDoesNotExist() {
    AtomicBoolean registryUp = new AtomicBoolean(false);
    DocumentRouter router = router(AvroSerde.forClass(Document.class, flaky(registryUp), false), NerMetrics.inMemory(),
        new AdmissionPolicy(1_000, UnknownDomainPolicy.DEAD_LETTER, ""));
    byte[] unknownId = wire(doc("d-6", "news", "Alice met Bob"));
    unknownId[4] = 99; // schema id 99: never issued
    process(router, unknownId);
    registryUp.set(true);
    punctuateAt(5_300);
    DeadLetter letter = (DeadLetter) context.forwarded().get(0).record().value();
    assertEquals(DeadLetterReason.UNDECODABLE, letter.getReason());
    assertEquals(41L, letter.getSourceOffset());
    assertArrayEquals(unknownId, letter.getValue().array());
  }

  /** A registry that serves {@link #DOCUMENT_SCHEMAS} while {@code up}, and no answer otherwise. */
  private static SchemaRegistry flaky(AtomicBoolean up) {
    return new SchemaRegistry() {
      @Override
      public int schemaId(String subject, Schema schema) {
        return DOCUMENT_SCHEMAS.schemaId(subject, schema);
      }

      @Override
      public Schema schemaById(int id) {
        if (!up.get()) {
          throw new SchemaRegistryException("connection refused", SchemaRegistryException.NO_RESPONSE,
              SchemaRegistryException.NO_ERROR_CODE, null);
        }
        return DOCUMENT_SCHEMAS.schemaById(id);
      }

      @Override
      public boolean autoRegister() {
        return true;
      }
    };
  }

  private void punctuateAt(long nowMs) {
    context.setCurrentSystemTimeMs(nowMs);
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(nowMs);
  }

  private KeyValueStore<ParkedKey, ParkedRecord> parkedStore() {
    return context.getStateStore(DocumentRouter.PARKED_STORE);
  }

  private void route(AdmissionPolicy admission, byte[] value) {
    process(router(documents, NerMetrics.inMemory(), admission), value);
  }

  private DocumentRouter router(AvroSerde<Document> serde, NerMetrics metrics, AdmissionPolicy admission) {
    DocumentRouter router = new DocumentRouter(DocumentReader.of(InputSpec.DOCUMENTS, serde.deserializer(), null), prefixes, new StageFixtures.RuleTagger(), admission,
        "documents", new OutputTopics("results", null, null, topic -> { }), null, metrics, context::currentSystemTimeMs, "batch", "dead");
    router.init(context);
    return router;
  }

  private static void process(DocumentRouter router, byte[] value) {
    router.process(new Record<>("key".getBytes(StandardCharsets.UTF_8), value, 4_000L));
  }

  private byte[] wire(Document doc) {
    return documents.serializer().serialize("documents", doc);
  }

  private static Document doc(String id, String domain, String text) {
    return Document.newBuilder().setId(id).setDomain(domain).setText(text).build();
  }
}
