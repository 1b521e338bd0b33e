package io.cpner.registry;

import org.apache.avro.Schema;

/**
 * What the Avro serdes need from a schema registry: a schema's id under a subject, and a schema by
 * id. {@link SchemaRegistryClient} speaks Confluent's REST API; {@link InMemorySchemaRegistry} keeps
 * them in memory for topology tests, as Confluent's own {@code MockSchemaRegistryClient} does.
 */
public interface SchemaRegistry {
  /**
   * The id of {@code schema} under {@code subject}: registered if {@link #autoRegister()}, else
   * looked up.
   *
   * @throws SchemaRegistryException status 404 when it must be looked up and is not registered
   */
  int schemaId(String subject, Schema schema);

  /**
   * The schema with global id {@code id}.
   *
   * @throws SchemaRegistryException status 404 (error code 40403) when the id is unknown
   */
  Schema schemaById(int id);

  /** Whether {@link #schemaId} registers schemas it does not find. */
  boolean autoRegister();
}
