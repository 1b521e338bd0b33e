package io.cpner.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.avro.Document;
import io.cpner.avro.NerResult;
import io.cpner.testkit.EmbeddedSchemaRegistry;
import io.cpner.testkit.SharedKafka;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private static EmbeddedSchemaRegistry registry;
  private static SchemaRegistryClient client;

  @BeforeAll
  static void startRegistry() {
    registry = EmbeddedSchemaRegistry.start(
        EmbeddedSchemaRegistry.Settings.of(SharedKafka.get().bootstrapServers()).withTopic("_schemas-serde"));
    client = new SchemaRegistryClient(RegistryConfig.of(registry.url()));
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void shouldRoundTripDocumentThroughRegistry() {
    // given
    AvroSerde<Document> serde = AvroSerde.forClass(Document.class, client, false);
    Document document = TestRecords.document("doc-1");

    // when
    byte[] bytes = serde.serializer().serialize("documents", document);
    Document read = serde.deserializer().deserialize("documents", bytes);

    // then
    assertEquals(document, read);
    assertEquals(Map.of("source", "wire", "lang", "en"), read.getMetadata());
  }

  @Test
  void shouldRoundTripNerResultThroughRegistry() {
    // given
    AvroSerde<NerResult> serde = AvroSerde.forClass(NerResult.class, client, false);
    NerResult result = TestRecords.nerResult("doc-1");

    // when
    NerResult read = serde.deserializer().deserialize("results", serde.serializer().serialize("results", result));

    // then
    assertEquals(result, read);
    assertEquals(0.875f, read.getEntities().get(0).getScore());
    assertEquals(12.5f, read.getTimings().getForwardMs());
  }

  @Test
  void shouldWriteMagicByteThenBigEndianIdThenAvroBinary() throws Exception {
    // given
    Document document = TestRecords.document("doc-wire");
    ByteArrayOutputStream avro = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(avro, null);
    new SpecificDatumWriter<Document>(Document.getClassSchema()).write(document, encoder);
    encoder.flush();

    // when
    byte[] bytes = AvroSerde.forClass(Document.class, client, false).serializer().serialize("wire-docs", document);

    // then
    int id = client.lookup("wire-docs-value", Document.getClassSchema());
    byte[] expected = ByteBuffer.allocate(5 + avro.size()).put((byte) 0).putInt(id).put(avro.toByteArray()).array();
    assertArrayEquals(expected, bytes);
  }

  @Test
  void shouldUseOneIdForOneSchemaAcrossTopicsAndKeys() {
    // given
    AvroSerde<Document> values = AvroSerde.forClass(Document.class, client, false);
    AvroSerde<Document> keys = AvroSerde.forClass(Document.class, client, true);
    Document document = TestRecords.document("doc-ids");

    // when
    int first = idOf(values.serializer().serialize("ids-a", document));
    int again = idOf(values.serializer().serialize("ids-a", TestRecords.document("doc-other")));
    int otherTopic = idOf(values.serializer().serialize("ids-b", document));
    int asKey = idOf(keys.serializer().serialize("ids-a", document));

    // then
    assertEquals(first, again);
    assertEquals(first, otherTopic);
    assertEquals(first, asKey);
    assertEquals(first, client.lookup("ids-b-value", Document.getClassSchema()));
    assertEquals(first, client.lookup("ids-a-key", Document.getClassSchema()));
    assertNotEquals(first, idOf(AvroSerde.forClass(NerResult.class, client, false).serializer()
        .serialize("ids-a", TestRecords.nerResult("doc-ids"))));
  }

  @Test
  void shouldFailClearlyWhenSchemaIsNotRegisteredAndAutoRegisterIsOff() {
    // given
    SchemaRegistryClient lookupOnly = new SchemaRegistryClient(RegistryConfig.of(registry.url()).withAutoRegister(false));
    AvroSerde<Document> serde = AvroSerde.forClass(Document.class, lookupOnly, false);

    // when
    SerializationException e = assertThrows(SerializationException.class,
        () -> serde.serializer().serialize("unregistered", TestRecords.document("doc-x")));

    // then
    assertTrue(e.getMessage().startsWith("Schema io.cpner.avro.Document is not registered under subject "
        + "unregistered-value and auto.register.schemas is false: register it first"), e.getMessage());
    SchemaRegistryException cause = (SchemaRegistryException) e.getCause();
    assertEquals(404, cause.httpStatus());
    assertEquals(SchemaRegistryException.SUBJECT_NOT_FOUND, cause.errorCode());
  }

  @Test
  void shouldUseRegisteredIdWhenAutoRegisterIsOff() {
    // given: the schema was registered beforehand
    int registered = client.register("preregistered-value", Document.getClassSchema());
    SchemaRegistryClient lookupOnly = new SchemaRegistryClient(RegistryConfig.of(registry.url()).withAutoRegister(false));

    // when
    byte[] bytes = AvroSerde.forClass(Document.class, lookupOnly, false).serializer()
        .serialize("preregistered", TestRecords.document("doc-y"));

    // then
    assertEquals(registered, idOf(bytes));
  }

  @Test
  void shouldRejectUnreadableBytesSayingWhatWasExpectedAndFound() {
    // given
    AvroSerde<Document> serde = AvroSerde.forClass(Document.class, client, false);
    byte[] good = serde.serializer().serialize("poison", TestRecords.document("doc-p"));
    byte[] wrongMagic = good.clone();
    wrongMagic[0] = 7;
    byte[] unknownId = ByteBuffer.allocate(good.length).put(good).putInt(1, 999_999).array();
    byte[] truncated = Arrays.copyOf(good, good.length - 10);
    byte[] trailing = Arrays.copyOf(good, good.length + 3);

    // then
    assertMessage("Record on topic poison has wrong magic byte 7: expected 0 (Confluent wire format)",
        () -> serde.deserializer().deserialize("poison", wrongMagic));
    assertMessage("Record on topic poison is too short for the Confluent wire format: expected at least 5 bytes "
        + "(magic byte 0 + 4-byte schema id), found 2", () -> serde.deserializer().deserialize("poison", new byte[] {0, 0}));
    assertMessageStartsWith("Unknown schema id 999999 in record on topic poison: the registry has no such schema",
        () -> serde.deserializer().deserialize("poison", unknownId));
    assertMessageStartsWith("Avro decode error on topic poison: " + (truncated.length - 5)
            + " payload bytes are not a io.cpner.avro.Document written with schema id " + idOf(good),
        () -> serde.deserializer().deserialize("poison", truncated));
    assertMessageStartsWith("Avro decode error on topic poison: bytes left over after a io.cpner.avro.Document",
        () -> serde.deserializer().deserialize("poison", trailing));
  }

  @Test
  void shouldMapNullToNullBothWays() {
    // given
    AvroSerde<Document> serde = AvroSerde.forClass(Document.class, client, false);

    // then
    assertNull(serde.serializer().serialize("tombstones", null));
    assertNull(serde.deserializer().deserialize("tombstones", null));
  }

  @Test
  void shouldResolveOlderWriterSchemaIntoGeneratedClass() throws Exception {
    // given: a Document written before the metadata field existed
    Schema older = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Document\",\"namespace\":\"io.cpner.avro\","
        + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"domain\",\"type\":\"string\"},"
        + "{\"name\":\"text\",\"type\":\"string\"}]}");
    GenericRecord record = new GenericData.Record(older);
    record.put("id", "doc-old");
    record.put("domain", "music");
    record.put("text", "Bob Dylan");
    byte[] bytes = frame(client.register("legacy-docs-value", older), older, record);

    // when
    Document read = AvroSerde.forClass(Document.class, client, false).deserializer().deserialize("legacy-docs", bytes);

    // then: the reader's default fills the missing field
    assertEquals(new Document("doc-old", "music", "Bob Dylan", Map.of()), read);
  }

  @Test
  void shouldRejectWriterSchemaThatCannotBeReadAsGeneratedClass() throws Exception {
    // given: a Document whose text is a number
    Schema incompatible = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Document\",\"namespace\":\"io.cpner.avro\","
        + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"domain\",\"type\":\"string\"},"
        + "{\"name\":\"text\",\"type\":\"int\"}]}");
    GenericRecord record = new GenericData.Record(incompatible);
    record.put("id", "doc-bad");
    record.put("domain", "music");
    record.put("text", 42);
    int id = client.register("bad-docs-value", incompatible);
    byte[] bytes = frame(id, incompatible, record);

    // then
    assertMessageStartsWith("Record on topic bad-docs was written with schema id " + id
            + " (io.cpner.avro.Document) that cannot be read as io.cpner.avro.Document: ",
        () -> AvroSerde.forClass(Document.class, client, false).deserializer().deserialize("bad-docs", bytes));
  }

  private static byte[] frame(int id, Schema schema, GenericRecord record) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(ConfluentWireFormat.header(id));
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static int idOf(byte[] bytes) {
    assertEquals(0, bytes[0]);
    return ByteBuffer.wrap(bytes, 1, 4).getInt();
  }

  private static void assertMessage(String expected, Runnable read) {
    assertEquals(expected, assertThrows(SerializationException.class, read::run).getMessage());
  }

  private static void assertMessageStartsWith(String expected, Runnable read) {
    String message = assertThrows(SerializationException.class, read::run).getMessage();
    assertTrue(message.startsWith(expected), message);
  }
}
