package io.cpner.stream.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cpner.avro.Document;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Where id, text and domain come from in JSON and text records, and what cannot be read. */
class DocumentReaderTest {
  private static final Headers HEADERS = new RecordHeaders().add("x-domain", bytes("Politics"));

  @Test
  void shouldReadAJsonEventsFieldsByDottedPathsAndItsDomainFromAHeader() {
    DocumentReader reader = DocumentReader.of(new InputSpec(InputSpec.Format.JSON, "meta.id", "body.text",
        new InputSpec.FromHeader("x-domain")), null);
    Document doc = reader.read("events", HEADERS, bytes("k-1"),
        bytes("{\"meta\": {\"id\": 42}, \"body\": {\"text\": \"Angela Merkel met Macron.\"}, \"other\": [1, 2]}"));
    assertEquals(List.of("42", "Politics", "Angela Merkel met Macron."), List.of(doc.getId(), doc.getDomain(), doc.getText()));
  }

  @Test
  void shouldTakeTheIdFromTheKeyAndTheDomainFromAFieldOrAFixedName() {
    byte[] event = bytes("{\"text\": \"Alice met Bob.\", \"topic\": \"news\"}");
    Document fromField = DocumentReader.of(new InputSpec(InputSpec.Format.JSON, "", "text", new InputSpec.FromField("topic")), null)
        .read("events", HEADERS, bytes("k-7"), event);
    assertEquals(List.of("k-7", "news"), List.of(fromField.getId(), fromField.getDomain()));
    Document fixed = DocumentReader.of(new InputSpec(InputSpec.Format.JSON, "", "text", new InputSpec.Fixed("music")), null)
        .read("events", HEADERS, null, event);
    assertEquals(List.of("", "music"), List.of(fixed.getId(), fixed.getDomain()), "no key: an empty id (MISSING_ID)");
  }

  @Test
  void shouldReadAbsentOrNullFieldsAsEmptyForTheValidatorToName() {
    Document doc = DocumentReader.of(new InputSpec(InputSpec.Format.JSON, "id", "text", new InputSpec.FromField("domain")), null)
        .read("events", HEADERS, null, bytes("{\"id\": \"d\", \"text\": null}"));
    assertEquals(List.of("d", "", ""), List.of(doc.getId(), doc.getDomain(), doc.getText()));
  }

  @Test
  void shouldRefuseWhatIsNotAJsonObjectOrNotUtf8OrAnObjectWhereTextBelongs() {
    DocumentReader json = DocumentReader.of(new InputSpec(InputSpec.Format.JSON, "", "text", new InputSpec.Fixed("news")), null);
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
        null);
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
    assertEquals("expected field:<path>, header:<name> or fixed:<domain>, found 'topic'",
        assertThrows(IllegalArgumentException.class, () -> InputSpec.domainSource("topic")).getMessage());
    assertEquals("text input has no fields: its domain comes from a header or is fixed", assertThrows(IllegalArgumentException.class,
        () -> new InputSpec(InputSpec.Format.TEXT, "", "text", new InputSpec.FromField("domain"))).getMessage());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
