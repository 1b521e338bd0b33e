package io.cpner.stream.control;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of control-topic updates applied and rejected (by reason), and the last rejection; read by
 * metrics and health endpoints, written by the {@link PrefixUpdateApplier}.
 */
public final class PrefixUpdateStatus {
  /** Why an update was refused; the same symbols as the status record's {@code PrefixUpdateRejection}. */
  public enum Rejection {
    /** The record is larger than prefix.updates.max.bytes; refused before it is decoded. */
    OVERSIZED,
    /** The bytes are no PrefixUpdate in the schema-registry wire format. */
    UNDECODABLE,
    /** The record key is not the update's domain. */
    KEY_MISMATCH,
    /** No signature, and unsigned updates are not allowed. */
    UNSIGNED,
    /** Signed, but without a key id or under a key id that is not trusted. */
    UNKNOWN_KEY,
    /** The signature does not verify with the trusted key (or the tensors do not hash to the signed sha256). */
    BAD_SIGNATURE,
    /** A tensor holds NaN or an infinity. */
    NON_FINITE,
    /** Malformed tensors, wrong names or shapes, bad metadata, or made for another PLM. */
    INVALID,
    /** Not newer than the installed version: a replay or an older version. */
    STALE_VERSION,
    /** A tombstone: a domain's prefix cannot be removed through the control topic. */
    DELETE_UNSUPPORTED
  }

  private final AtomicLong applied = new AtomicLong();
  private final Map<Rejection, AtomicLong> rejected = new ConcurrentHashMap<>();
  private volatile String lastRejection = "";

  void applied() {
    applied.incrementAndGet();
  }

  void rejected(Rejection reason, String detail) {
    rejected.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    lastRejection = reason + ": " + detail;
  }

  public long appliedCount() {
    return applied.get();
  }

  public long rejectedCount(Rejection reason) {
    AtomicLong n = rejected.get(reason);
    return n == null ? 0 : n.get();
  }

  public long rejectedCount() {
    return rejected.values().stream().mapToLong(AtomicLong::get).sum();
  }

  public String lastRejection() {
    return lastRejection;
  }
}
