package io.cpner.registry;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A schema registry in memory: ids from 1 in registration order, one id per distinct schema (as
 * Confluent's registry gives a schema the same id under every subject), the same 404 errors as the
 * REST registry for unknown subjects, schemas and ids. No compatibility checks. Thread-safe.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
  private final boolean autoRegister;
  private final Map<String, Integer> idsBySchema = new HashMap<>();
  private final Map<Integer, Schema> schemasById = new HashMap<>();
  private final Map<String, Map<String, Integer>> subjects = new HashMap<>(); // subject -> schema text -> id

  /** A registry that registers schemas on first use, as the processor does by default. */
  public InMemorySchemaRegistry() {
    this(true);
  }

  public InMemorySchemaRegistry(boolean autoRegister) {
    this.autoRegister = autoRegister;
  }

  /** Registers {@code schema} under {@code subject} and returns its id (the existing one if known). */
  public synchronized int register(String subject, Schema schema) {
    String text = schema.toString();
    int id = idsBySchema.computeIfAbsent(text, t -> {
      int next = schemasById.size() + 1;
      schemasById.put(next, schema);
      return next;
    });
    subjects.computeIfAbsent(subject, s -> new HashMap<>()).put(text, id);
    return id;
  }

  @Override
  public synchronized int schemaId(String subject, Schema schema) {
    if (autoRegister) {
      return register(subject, schema);
    }
    Map<String, Integer> versions = subjects.get(subject);
    if (versions == null) {
      throw new SchemaRegistryException("subject '" + subject + "' not found", 404, SchemaRegistryException.SUBJECT_NOT_FOUND, null);
    }
    Integer id = versions.get(schema.toString());
    if (id == null) {
      throw new SchemaRegistryException("schema not found under subject '" + subject + "'", 404,
          SchemaRegistryException.SCHEMA_NOT_FOUND, null);
    }
    return id;
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = schemasById.get(id);
    if (schema == null) {
      throw new SchemaRegistryException("schema id " + id + " is unknown to the registry", 404,
          SchemaRegistryException.SCHEMA_NOT_FOUND, null);
    }
    return schema;
  }

  @Override
  public boolean autoRegister() {
    return autoRegister;
  }
}
