package io.cpner.stream.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpner.avro.EntitySpan;
import io.cpner.registry.ConfluentWireFormat;
import io.cpner.registry.InMemorySchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

/** The input record with its entities added: JSON keys, or Avro fields appended to the writer's schema. */
class EnrichedOutputTest {
  private static final Schema ARTICLE = SchemaBuilder.record("Article").namespace("com.example").doc("A news article.").fields()
      .requiredString("id").requiredString("text").optionalString("section").endRecord();
  private static final List<EntitySpan> ENTITIES = List.of(new EntitySpan("Angela Merkel", "person", 0, 13, 0.98f),
      new EntitySpan("Paris", "location", 22, 27, 0.91f));
  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final EnrichedOutput output = new EnrichedOutput(new OutputSpec(OutputSpec.Mode.ENRICHED, "entities", "prefixVersion"),
      registry);

  @Test
  void shouldAppendTheEntitiesAndVersionToTheWritersSchemaWithDefaults() {
    Schema derived = output.derive(ARTICLE);
    assertEquals("com.example.Article", derived.getFullName());
    assertEquals(List.of("id", "text", "section", "entities", "prefixVersion"), derived.getFields().stream().map(Schema.Field::name).toList());
    assertEquals(List.of(), derived.getField("entities").defaultVal());
    assertEquals(0L, derived.getField("prefixVersion").defaultVal());
    Schema clash = SchemaBuilder.record("Tagged").fields().requiredString("text").requiredString("entities").endRecord();
    assertEquals("Tagged already has a field 'entities': name the added fields otherwise (output.entities.field, output.version.field)",
        assertThrows(EnrichedOutput.ConflictException.class, () -> output.derive(clash)).getMessage());
  }

  @Test
  void shouldWriteTheInputsPayloadThenTheTwoFieldsUnderTheOutputSchemasId() throws Exception {
    int writerId = registry.register("articles-value", ARTICLE);
    GenericRecord article = new GenericData.Record(ARTICLE);
    article.put("id", "a-1");
    article.put("text", "Angela Merkel flew to Paris.");
    article.put("section", null);
    byte[] input = AvroBytes.wire(writerId, article);

    int outputId = output.outputSchemaId("articles", input, "articles-enriched");
    assertEquals(outputId, output.outputSchemaId("articles", input, "articles-enriched"), "one id per writer schema");
    Schema registered = registry.schemaById(outputId);
    assertEquals(output.derive(ARTICLE), registered);
    byte[] enriched = output.avro(input, outputId, ENTITIES, 3L);
    assertEquals(outputId, ConfluentWireFormat.schemaId(enriched, "articles-enriched"));

    GenericRecord read = read(enriched, registered, registered);
    assertEquals("a-1", read.get("id").toString());
    assertEquals(3L, read.get("prefixVersion"));
    assertEquals("[{\"text\": \"Angela Merkel\", \"type\": \"person\", \"start\": 0, \"end\": 13, \"score\": 0.98}, "
        + "{\"text\": \"Paris\", \"type\": \"location\", \"start\": 22, \"end\": 27, \"score\": 0.91}]", read.get("entities").toString());
    // a consumer that knows only the input schema reads the output as its own record
    assertEquals(article.toString(), read(enriched, registered, ARTICLE).toString());
  }

  @Test
  void shouldSetTheTwoKeysOnAJsonEventAndKeepTheRest() throws Exception {
    byte[] enriched = output.json("{\"id\": 7, \"body\": {\"text\": \"Angela Merkel flew to Paris.\"}, \"entities\": \"old\"}"
        .getBytes(StandardCharsets.UTF_8), ENTITIES.subList(1, 2), 3L);
    assertEquals(new ObjectMapper().readTree("{\"id\": 7, \"body\": {\"text\": \"Angela Merkel flew to Paris.\"}, \"entities\": "
        + "[{\"text\": \"Paris\", \"type\": \"location\", \"start\": 22, \"end\": 27, \"score\": 0.91}], \"prefixVersion\": 3}"),
        new ObjectMapper().readTree(enriched));
  }

  private static GenericRecord read(byte[] wire, Schema writer, Schema reader) throws Exception {
    return new GenericDatumReader<GenericRecord>(writer, reader).read(null, DecoderFactory.get().binaryDecoder(wire,
        ConfluentWireFormat.HEADER_SIZE, wire.length - ConfluentWireFormat.HEADER_SIZE, null));
  }
}
