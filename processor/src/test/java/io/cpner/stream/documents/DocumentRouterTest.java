package io.cpner.stream.documents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cpner.avro.BufferedDocument;
import io.cpner.avro.DeadLetter;
import io.cpner.avro.DeadLetterReason;
import io.cpner.avro.Document;
import io.cpner.prefix.PrefixRegistry;
import io.cpner.registry.AvroSerde;
import io.cpner.registry.InMemorySchemaRegistry;
import io.cpner.stream.observability.NerMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The router alone: decode, validate, resolve the prefix, then to the batching stage or the dead letters. */
class DocumentRouterTest {
  private final AvroSerde<Document> documents = AvroSerde.forClass(Document.class, new InMemorySchemaRegistry(), false);
  private final PrefixRegistry prefixes = new PrefixRegistry();
  private MockProcessorContext<Object, Object> context;

  @BeforeEach
  void open() {
    prefixes.install(StageFixtures.prefix("news", 1));
    context = new MockProcessorContext<>();
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

  private void route(AdmissionPolicy admission, byte[] value) {
    DocumentRouter router = new DocumentRouter(documents.deserializer(), prefixes, new StageFixtures.RuleTagger(), admission,
        "documents", NerMetrics.inMemory(), context::currentSystemTimeMs, "batch", "dead");
    router.init(context);
    router.process(new Record<>("key".getBytes(StandardCharsets.UTF_8), value, 4_000L));
  }

  private byte[] wire(Document doc) {
    return documents.serializer().serialize("documents", doc);
  }

  private static Document doc(String id, String domain, String text) {
    return Document.newBuilder().setId(id).setDomain(domain).setText(text).build();
  }
}
