package io.cpner.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cpner.avro.DeadLetter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter reason enum can grow: a consumer on today's schema reads a newer writer's reason as
 * OTHER (the enum's default), and a newer consumer reads today's records unchanged.
 */
class DeadLetterSchemaEvolutionTest {
  private static final Schema TODAY = DeadLetter.getClassSchema();
  /** Today's schema with one more reason, as a later release might write. */
  private static final Schema NEWER = new Schema.Parser().parse(TODAY.toString().replace("\"OTHER\"]", "\"OTHER\",\"RATE_LIMITED\"]"));

  /** The schema before a dead letter said how big a cut key or value was. */
  private static final Schema BEFORE_SIZES = previousWithoutSizes();

  @Test
  void shouldReadDeadLettersFromBeforeTheSizeFieldsAsWholeAndBeReadByTheirConsumers() throws IOException {
    assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(TODAY, BEFORE_SIZES).getType());
    assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(BEFORE_SIZES, TODAY).getType());
    GenericRecord read = roundTrip(record(BEFORE_SIZES, "TEXT_TOO_LONG"), BEFORE_SIZES, TODAY);
    assertEquals(null, read.get("valueSize"));
    GenericRecord cut = record(TODAY, "TEXT_TOO_LONG");
    cut.put("valueSize", 1_500_000);
    assertEquals("TEXT_TOO_LONG", roundTrip(cut, TODAY, BEFORE_SIZES).get("reason").toString());
  }

  private static Schema previousWithoutSizes() {
    Schema previous = Schema.createRecord(TODAY.getName(), TODAY.getDoc(), TODAY.getNamespace(), false,
        TODAY.getFields().stream().filter(f -> !f.name().endsWith("Size"))
            .map(f -> new Schema.Field(f, f.schema())).toList());
    assertEquals(TODAY.getFields().size() - 2, previous.getFields().size());
    return previous;
  }

  @Test
  void shouldReadANewerWritersUnknownReasonAsOther() throws IOException {
    assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(TODAY, NEWER).getType());
    GenericRecord written = record(NEWER, "RATE_LIMITED");
    GenericRecord read = roundTrip(written, NEWER, TODAY);
    assertEquals("OTHER", read.get("reason").toString());
    assertEquals("too many", read.get("detail").toString());
  }

  @Test
  void shouldReadTodaysRecordsWithANewerSchemaUnchanged() throws IOException {
    assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(NEWER, TODAY).getType());
    GenericRecord read = roundTrip(record(TODAY, "TEXT_TOO_LONG"), TODAY, NEWER);
    assertEquals("TEXT_TOO_LONG", read.get("reason").toString());
  }

  private static GenericRecord record(Schema schema, String reason) {
    GenericRecord r = new GenericData.Record(schema);
    r.put("reason", new GenericData.EnumSymbol(schema.getField("reason").schema(), reason));
    r.put("detail", "too many");
    r.put("sourceTopic", "documents");
    r.put("sourcePartition", 0);
    r.put("sourceOffset", 7L);
    r.put("timestampMs", 1L);
    return r;
  }

  private static GenericRecord roundTrip(GenericRecord record, Schema writer, Schema reader) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
    encoder.flush();
    return new GenericDatumReader<GenericRecord>(writer, reader)
        .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
  }
}
