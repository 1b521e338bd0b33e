package io.cpner.registry;

import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets a schema's id under a subject (registering it when the client auto-registers), waiting for the
 * registry while it gives no answer: the processor resolves the schemas it writes with this before it
 * starts, so no serializer of a running processor ever needs the registry (ids never change).
 */
public final class SchemaIdWait {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaIdWait.class);

  private SchemaIdWait() {}

  /**
   * The id, once the registry answers; a definite answer that is not an id (not registered, invalid,
   * incompatible) is thrown as the {@link SchemaRegistryException} it is. Waits back off per
   * {@code backoff}; an interrupt ends the wait with the last failure.
   */
  public static int idOf(SchemaRegistry registry, String subject, Schema schema, RetryBackoff backoff) {
    return backoff.retry(() -> registry.schemaId(subject, schema),
        e -> e instanceof SchemaRegistryException failure && failure.isUnavailable(),
        (e, waitedMs) -> LOG.warn("the schema registry did not answer for {} under {}; waited {} ms, trying again (attempt {}): {}",
            schema.getFullName(), subject, waitedMs, backoff.failures(), e.getMessage()));
  }
}
