package io.cpner.stream.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cpner.avro.Document;
import io.cpner.registry.AvroRecordDeserializer;
import io.cpner.registry.InMemorySchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Where id, text and domain come from in JSON, Avro and text records, and what cannot be read. */
class DocumentReaderTest {
  private static final Headers HEADERS = new RecordHeaders().add("x-domain", bytes("Politics"));

  @Test
  void shouldReadAJsonEventsFieldsByDottedPathsAndItsDomainFromAHeader() {
    DocumentReader reader = DocumentReader.of(new InputSpec(InputSpec.Format.JSON, "meta.id", "body.text",
        new InputSpec.FromHeader("x-domain")), null, null);
    Document doc = reader.read("events", HEADERS, bytes("k-1"),
        bytes("{\"meta\": {\"id\": 42}, \"body\": {\"text\": \"Angela Merkel met Macron.\"}, \"other\": [1, 2]}"));
    assertEquals(List.of("42", "Politics", "Angela Merkel met Macron."), List.of(doc.getId(), doc.getDomain(), doc.getText()));
  }

  @Test
  void shouldTakeTheIdFromTheKeyAndTheDomainFromAFieldOrAFixedName() {
    byte[] event = bytes("{\"text\": \"Alice met Bob.\", \"topic\": \"news\"}");
    Document fromField = DocumentReader.of(new InputSpec(InputSpec.Format.JSON, "", "text", new InputSpec.FromField("topic")), null, null)
        .read("events", HEADERS, bytes("k-7"), event);
    assertEquals(List.of("k-7", "news"), List.of(fromField.getId(), fromField.getDomain()));
    Document fixed = DocumentReader.of(new InputSpec(InputSpec.Format.JSON, "", "text", new InputSpec.Fixed("music")), null, null)
        .read("events", HEADERS, null, event);
    assertEquals(List.of("", "music"), List.of(fixed.getId(), fixed.getDomain()), "no key: an empty id (MISSING_ID)");
  }

  @Test
  void shouldReadAbsentOrNullFieldsAsEmptyForTheValidatorToName() {
    Document doc = DocumentReader.of(new InputSpec(InputSpec.Format.JSON, "id", "text", new InputSpec.FromField("domain")), null, null)
        .read("events", HEADERS, null, bytes("{\"id\": \"d\", \"text\": null}"));
    assertEquals(List.of("d", "", ""), List.of(doc.getId(), doc.getDomain(), doc.getText()));
  }

  @Test
  void shouldRefuseWhatIsNotAJsonObjectOrNotUtf8OrAnObjectWhereTextBelongs() {
    DocumentReader json = DocumentReader.of(new InputSpec(InputSpec.Format.JSON, "", "text", new InputSpec.Fixed("news")), null, null);
    assertEquals("not JSON: Unexpected character ('n' (code 110)): was expecting double-quote to start field name",
        assertThrows(IllegalArgumentException.class, () -> json.read("events", HEADERS, null, bytes("{not json}"))).getMessage());
    assertEquals("a JSON event must be an object, found ARRAY",
        assertThrows(IllegalArgumentException.class, () -> json.read("events", HEADERS, null, bytes("[1]"))).getMessage());
    assertEquals("field text is object, not a value",
        assertThrows(IllegalArgumentException.class, () -> json.read("events", HEADERS, null, bytes("{\"text\": {}}"))).getMessage());
    assertThrows(IllegalArgumentException.class, () -> json.read("events", HEADERS, null, new byte[] {'{', (byte) 0xff, '}'}));
  }

  @Test
  void shouldReadATextValueWithItsKeyAsIdAndRefuseBytesThatAreNotUtf8() {
    DocumentReader text = DocumentReader.of(new InputSpec(InputSpec.Format.TEXT, "", "text", new InputSpec.FromHeader("x-domain")),
        null, null);
    Document doc = text.read("lines", HEADERS, bytes("line-1"), bytes("Zürich and Kraków."));
    assertEquals(List.of("line-1", "Politics", "Zürich and Kraków."), List.of(doc.getId(), doc.getDomain(), doc.getText()));
    assertEquals("the text is not UTF-8 (java.nio.charset.MalformedInputException: Input length = 1)",
        assertThrows(IllegalArgumentException.class, () -> text.read("lines", HEADERS, bytes("k"), new byte[] {(byte) 0xc3})).getMessage());
  }

  @Test
  void shouldParseWhereTheDomainComesFromAndRefuseTheRest() {
    assertEquals(new InputSpec.FromField("a.b"), InputSpec.domainSource("field:a.b"));
    assertEquals(new InputSpec.FromHeader("x-domain"), InputSpec.domainSource("header:x-domain"));
    assertEquals(new InputSpec.Fixed("news"), InputSpec.domainSource("fixed:news"));
    assertEquals(new InputSpec.FromTopic(Map.of("news-pol", "politics", "papers", "science")),
        InputSpec.domainSource("topic:news-pol=politics, papers=science"));
    assertEquals("expected field:<path>, header:<name>, fixed:<domain> or topic:<topic>=<domain>,..., found 'topic'",
        assertThrows(IllegalArgumentException.class, () -> InputSpec.domainSource("topic")).getMessage());
    assertEquals("expected topic:<topic>=<domain>,..., found the entry 'papers'",
        assertThrows(IllegalArgumentException.class, () -> InputSpec.domainSource("topic:a=b,papers")).getMessage());
    assertEquals("topic a is mapped twice",
        assertThrows(IllegalArgumentException.class, () -> InputSpec.domainSource("topic:a=b,a=c")).getMessage());
    assertEquals("text input has no fields: its domain comes from a header or the topic, or is fixed", assertThrows(IllegalArgumentException.class,
        () -> new InputSpec(InputSpec.Format.TEXT, "", "text", new InputSpec.FromField("domain"))).getMessage());
  }

  @Test
  void shouldTakeTheDomainFromTheTopicTheRecordCameFrom() {
    DocumentReader text = DocumentReader.of(new InputSpec(InputSpec.Format.TEXT, "", "text",
        new InputSpec.FromTopic(Map.of("news-pol", "politics"))), null, null);
    assertEquals("politics", text.read("news-pol", HEADERS, bytes("k"), bytes("Merkel")).getDomain());
    assertEquals("", text.read("elsewhere", HEADERS, bytes("k"), bytes("Merkel")).getDomain(), "unmapped: MISSING_DOMAIN");
  }

  @Test
  void shouldReadAUsersAvroRecordByDottedPathsThroughItsWriterSchema() throws Exception {
    Schema schema = SchemaBuilder.record("Article").namespace("com.example").fields()
        .requiredLong("id")
        .name("body").type().record("Body").fields().requiredString("headline").optionalString("text").endRecord().noDefault()
        .optionalString("section")
        .name("tags").type().array().items().stringType().noDefault()
        .endRecord();
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    int id = registry.register("articles-value", schema);
    GenericRecord body = new GenericData.Record(schema.getField("body").schema());
    body.put("headline", "Elections");
    body.put("text", "Angela Merkel met Emmanuel Macron in Paris.");
    GenericRecord article = new GenericData.Record(schema);
    article.put("id", 7L);
    article.put("body", body);
    article.put("section", "Politics");
    article.put("tags", List.of("eu"));
    byte[] value = AvroBytes.wire(id, article);
    DocumentReader avro = DocumentReader.of(new InputSpec(InputSpec.Format.AVRO, "id", "body.text", new InputSpec.FromField("section")),
        null, AvroRecordDeserializer.generic(registry));
    Document doc = avro.read("articles", HEADERS, bytes("k"), value);
    assertEquals(List.of("7", "Politics", "Angela Merkel met Emmanuel Macron in Paris."), List.of(doc.getId(), doc.getDomain(), doc.getText()));

    DocumentReader noSuchField = DocumentReader.of(new InputSpec(InputSpec.Format.AVRO, "id", "body.summary",
        new InputSpec.FromField("section")), null, AvroRecordDeserializer.generic(registry));
    assertEquals("", noSuchField.read("articles", HEADERS, null, value).getText(), "not in the schema: EMPTY_TEXT");
    DocumentReader recordAsText = DocumentReader.of(new InputSpec(InputSpec.Format.AVRO, "id", "body",
        new InputSpec.FromField("section")), null, AvroRecordDeserializer.generic(registry));
    assertEquals("field body is a record, not a value",
        assertThrows(IllegalArgumentException.class, () -> recordAsText.read("articles", HEADERS, null, value)).getMessage());
    DocumentReader arrayAsText = DocumentReader.of(new InputSpec(InputSpec.Format.AVRO, "id", "tags",
        new InputSpec.FromField("section")), null, AvroRecordDeserializer.generic(registry));
    assertEquals("field tags is an array, not a value",
        assertThrows(IllegalArgumentException.class, () -> arrayAsText.read("articles", HEADERS, null, value)).getMessage());
    assertThrows(SerializationException.class, () -> avro.read("articles", HEADERS, null, bytes("{\"not\": \"avro\"}")));
  }


  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
