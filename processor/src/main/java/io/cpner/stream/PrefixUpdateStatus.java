package io.cpner.stream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of control-topic updates applied and rejected (by reason), and the last rejection; read by
 * metrics and health endpoints, written by the {@link PrefixUpdateApplier}.
 */
public final class PrefixUpdateStatus {
  /** Why an update was refused. */
  public enum Rejection { UNDECODABLE, KEY_MISMATCH, INVALID, STALE_VERSION, DELETE_UNSUPPORTED }

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
