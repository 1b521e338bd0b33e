package io.cpner.stream.control;

import io.cpner.avro.PrefixUpdate;
import io.cpner.model.PlmIdentity;
import io.cpner.model.Sha256;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.NonFiniteValueException;
import io.cpner.prefix.TrustedKeys;
import io.cpner.registry.RegistryUnavailableException;
import io.cpner.registry.RetryBackoff;
import io.cpner.stream.control.PrefixUpdateStatus.Rejection;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks a control-topic record passes before its prefix may be installed, in this order: its
 * size (before anything is decoded), decoding, the record key, the signature (a trusted key id, the
 * tensors' hash, the Ed25519 signature), then the prefix itself (finite values, tensor checksum,
 * names and shapes, labels, PLM). Whether its version is newer than the installed one is for the
 * {@link io.cpner.prefix.PrefixRegistry} to say.
 */
public final class PrefixUpdateVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(PrefixUpdateVerifier.class);
  /** The outcome for one record. */
  sealed interface Verdict permits Passed, Refused {}

  /** Every check passed: the decoded update and its validated prefix. */
  record Passed(PrefixUpdate update, DomainPrefix prefix) implements Verdict {}

  /** Refused, with why; {@code update} is null when the record could not be decoded. */
  record Refused(Rejection reason, String detail, PrefixUpdate update) implements Verdict {}

  private final Deserializer<PrefixUpdate> deserializer;
  private final PlmIdentity plm;
  private final TrustedKeys trustedKeys;
  private final boolean allowUnsigned;
  private final int maxBytes;
  private final String topic;

  public PrefixUpdateVerifier(Deserializer<PrefixUpdate> deserializer, PlmIdentity plm, UpdatePolicy control, String topic) {
    this.deserializer = deserializer;
    this.plm = plm;
    this.trustedKeys = control.trustedKeys();
    this.allowUnsigned = control.allowUnsigned();
    this.maxBytes = control.maxBytes();
    this.topic = topic;
  }

  /**
   * Checks one non-null record value.
   *
   * @param where names the record in messages
   */
  Verdict check(byte[] key, byte[] value, String where) {
    if (value.length > maxBytes) {
      return new Refused(Rejection.OVERSIZED, "record of " + value.length + " bytes is larger than "
          + UpdatePolicy.MAX_BYTES + "=" + maxBytes, null);
    }
    PrefixUpdate update;
    try {
      update = decodeWaitingForRegistry(value, where);
    } catch (RuntimeException e) {
      return new Refused(Rejection.UNDECODABLE, e.getMessage(), null);
    }
    String keyDomain = key == null ? null : new String(key, StandardCharsets.UTF_8);
    if (!update.getDomain().equals(keyDomain)) {
      return new Refused(Rejection.KEY_MISMATCH, "record key '" + keyDomain + "' is not the update's domain '"
          + update.getDomain() + "'", update);
    }
    Optional<Refused> unauthentic = authenticate(update);
    if (unauthentic.isPresent()) {
      return unauthentic.get();
    }
    try {
      return new Passed(update, PrefixUpdates.toPrefix(update, plm, where));
    } catch (NonFiniteValueException e) {
      return new Refused(Rejection.NON_FINITE, e.getMessage(), update);
    } catch (RuntimeException e) {
      return new Refused(Rejection.INVALID, e.getMessage(), update);
    }
  }

  /**
   * Decodes the record; while the schema registry gives no answer about its writer schema, waits
   * (200 ms doubling to 5 s) and tries again, so an outage delays an update instead of refusing it
   * (this runs on the global thread, which no consumer group times out). An interrupt ends the wait.
   */
  private PrefixUpdate decodeWaitingForRegistry(byte[] value, String where) {
    RetryBackoff backoff = RetryBackoff.forRegistry();
    return backoff.retry(() -> deserializer.deserialize(topic, value), e -> e instanceof RegistryUnavailableException,
        (e, waitedMs) -> LOG.warn("the schema registry did not answer; waited {} ms, retrying {} (attempt {}): {}", waitedMs, where,
            backoff.failures(), e.getMessage()));
  }

  /** Empty when the update is signed by a trusted key over exactly what it carries, or unsigned where that is allowed. */
  private Optional<Refused> authenticate(PrefixUpdate update) {
    if (update.getSignature() == null) {
      return allowUnsigned ? Optional.empty()
          : refused(Rejection.UNSIGNED, "the update has no signature and " + UpdatePolicy.ALLOW_UNSIGNED + " is false", update);
    }
    String keyId = update.getKeyId();
    if (keyId == null) {
      return refused(Rejection.UNKNOWN_KEY, "the update is signed but names no keyId", update);
    }
    Optional<PublicKey> key = trustedKeys.get(keyId);
    if (key.isEmpty()) {
      return refused(Rejection.UNKNOWN_KEY, "key id '" + keyId + "' is not trusted; trusted: " + trustedKeys.keyIds(), update);
    }
    // the signature covers the tensors through their hash
    byte[] tensors = new byte[update.getTensors().remaining()];
    update.getTensors().duplicate().get(tensors);
    String actual = Sha256.hex(tensors);
    if (!actual.equals(update.getSha256())) {
      return refused(Rejection.BAD_SIGNATURE, "the tensors hash to " + actual + ", not to the signed sha256 " + update.getSha256(),
          update);
    }
    try {
      if (!PrefixSignatures.verify(update, key.get())) {
        return refused(Rejection.BAD_SIGNATURE, "the signature does not verify with trusted key '" + keyId + "'", update);
      }
    } catch (IllegalArgumentException e) {
      return refused(Rejection.BAD_SIGNATURE, e.getMessage() + " (key '" + keyId + "')", update);
    }
    return Optional.empty();
  }

  private static Optional<Refused> refused(Rejection reason, String detail, PrefixUpdate update) {
    return Optional.of(new Refused(reason, detail, update));
  }
}
