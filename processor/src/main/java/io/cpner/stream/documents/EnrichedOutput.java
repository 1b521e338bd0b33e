package io.cpner.stream.documents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cpner.avro.EntitySpan;
import io.cpner.registry.ConfluentWireFormat;
import io.cpner.registry.RegistryUnavailableException;
import io.cpner.registry.SchemaRegistry;
import io.cpner.registry.SchemaRegistryException;
import io.cpner.registry.TopicNameStrategy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * {@code output.mode=ENRICHED}: the input record itself, with its entities and the version of the
 * prefix that tagged it added as two fields, as Kafka Connect's InsertField would add them.
 *
 * <p>JSON: two keys set on the event's object (replacing keys of those names). Avro: the writer's
 * record schema with two fields appended (defaults {@code []} and {@code 0}, so consumers of the
 * input schema read the output too), registered under the output topic's subject. Avro encodes a
 * record as its fields one after another, so the output's bytes are the input's payload followed by
 * the two new fields: the record is never decoded and re-encoded. The router resolves the output
 * schema's id (it may park a record while the registry does not answer); the batching stage then
 * writes without the registry.
 */
public final class EnrichedOutput {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Schema ENTITIES = Schema.createArray(EntitySpan.getClassSchema());
  private final OutputSpec spec;
  private final SchemaRegistry registry;
  private final DatumWriter<List<EntitySpan>> entitiesWriter = new SpecificDatumWriter<>(ENTITIES);
  /** Output schema id by (output subject, writer schema id). */
  private final Map<String, Integer> outputIds = new ConcurrentHashMap<>();

  /** An enriched record as the batching stage forwards it: its bytes, and the domain whose topic it goes to. */
  public record Encoded(String prefixDomain, byte[] value) {}

  /** An enriched record that cannot be written: its schema already has a field of a name the entities need. */
  public static final class ConflictException extends RuntimeException {
    ConflictException(String message) {
      super(message);
    }
  }

  public EnrichedOutput(OutputSpec spec, SchemaRegistry registry) {
    this.spec = spec;
    this.registry = registry;
  }

  /**
   * The schema of the enriched records of {@code writer}'s: its fields, then the entities (array of
   * {@code EntitySpan}, default empty) and the prefix version (long, default 0).
   *
   * @throws ConflictException when the record already has a field of either name
   */
  public Schema derive(Schema writer) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : writer.getFields()) {
      if (f.name().equals(spec.entitiesField()) || f.name().equals(spec.versionField())) {
        throw new ConflictException(writer.getFullName() + " already has a field '" + f.name()
            + "': name the added fields otherwise (output.entities.field, output.version.field)");
      }
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(new Schema.Field(spec.entitiesField(), ENTITIES, "Entities cpner-stream found in the text.", List.of()));
    fields.add(new Schema.Field(spec.versionField(), Schema.create(Schema.Type.LONG),
        "Version of the domain prefix that tagged the record.", 0L));
    Schema derived = Schema.createRecord(writer.getName(), writer.getDoc(), writer.getNamespace(), false, fields);
    writer.getObjectProps().forEach(derived::addProp);
    writer.getAliases().forEach(derived::addAlias);
    return derived;
  }

  /**
   * The registry id of the enriched schema of an Avro input value, registered (or, without
   * auto-registration, looked up) under {@code outputTopic}'s subject.
   *
   * @throws RegistryUnavailableException when the registry gives no answer (the record may wait)
   * @throws ConflictException when the schemas cannot be combined, or the registry refuses the result
   */
  public int outputSchemaId(String inputTopic, byte[] avroValue, String outputTopic) {
    int writerId = ConfluentWireFormat.schemaId(avroValue, inputTopic);
    String subject = TopicNameStrategy.subject(outputTopic, false);
    Integer known = outputIds.get(subject + "/" + writerId);
    if (known != null) {
      return known;
    }
    try {
      int id = registry.schemaId(subject, derive(registry.schemaById(writerId)));
      outputIds.put(subject + "/" + writerId, id);
      return id;
    } catch (SchemaRegistryException e) {
      if (e.isUnavailable()) {
        throw new RegistryUnavailableException("no answer about the output schema under " + subject + ": " + e.getMessage(), e);
      }
      throw new ConflictException("the registry refused the output schema of writer schema " + writerId + " under " + subject
          + ": " + e.getMessage());
    }
  }

  /** The enriched Avro value: the output schema's header, the input's payload, then the two fields. */
  public byte[] avro(byte[] avroValue, int outputSchemaId, List<EntitySpan> entities, long prefixVersion) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(avroValue.length + 16 + 48 * entities.size());
    try {
      out.write(ConfluentWireFormat.header(outputSchemaId));
      out.write(avroValue, ConfluentWireFormat.HEADER_SIZE, avroValue.length - ConfluentWireFormat.HEADER_SIZE);
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      entitiesWriter.write(entities, encoder);
      encoder.writeLong(prefixVersion);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The enriched JSON event: the input's object with the two keys set. */
  public byte[] json(byte[] jsonValue, List<EntitySpan> entities, long prefixVersion) {
    try {
      JsonNode event = JSON.readTree(jsonValue);
      ObjectNode object = (ObjectNode) event; // the router read it as an object
      ArrayNode array = object.putArray(spec.entitiesField());
      for (EntitySpan e : entities) {
        array.addObject().put("text", e.getText()).put("type", e.getType()).put("start", e.getStart()).put("end", e.getEnd())
            .put("score", e.getScore());
      }
      object.put(spec.versionField(), prefixVersion);
      return JSON.writeValueAsBytes(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
