package io.cpner.stream.control;

import io.cpner.prefix.TrustedKeys;

/**
 * Which control-topic updates install: signed by one of {@code trustedKeys} (or unsigned, if
 * {@code allowUnsigned}), at most {@code maxBytes} a record.
 */
public record UpdatePolicy(TrustedKeys trustedKeys, boolean allowUnsigned, int maxBytes) {
  /** The settings behind this policy (declared in the processor's configuration). */
  public static final String TRUSTED_KEYS = "prefix.updates.trusted.keys";
  public static final String ALLOW_UNSIGNED = "prefix.updates.allow.unsigned";
  public static final String MAX_BYTES = "prefix.updates.max.bytes";
}
