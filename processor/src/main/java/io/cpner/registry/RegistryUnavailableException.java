package io.cpner.registry;

import org.apache.kafka.common.errors.RetriableException;

/**
 * A record could not be read or written because the schema registry gave no answer about its schema
 * (down, unreachable, overloaded): nothing is wrong with the record, and the same call may succeed
 * later. Callers wait and retry; only a definite answer (the id does not exist, the schema is not
 * registered) is a {@link org.apache.kafka.common.errors.SerializationException}.
 */
public final class RegistryUnavailableException extends RetriableException {
  public RegistryUnavailableException(String message, SchemaRegistryException cause) {
    super(message, cause);
  }
}
