package io.cpner.stream.observability;

import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Stream threads that died and were replaced: how many, and the last one's error and when, so that
 * {@code /health} and {@code /ready} can say so (a thread replaced again and again looks RUNNING to
 * Kafka Streams). Thread-safe.
 */
public final class StreamThreadFailures {
  /** How long after a replacement {@code /ready} answers 503. */
  public static final long NOT_READY_FOR_MS = 60_000;
  private static final int MAX_MESSAGE_CHARS = 500;

  /** The last failure: its error (type and message) and when it happened (ms). */
  public record Failure(String error, long atMs) {}

  /** What the health endpoints show: replacements so far, and the last failure with its age. */
  public record Summary(int replaced, Optional<Failure> last, long nowMs) {
    public static final Summary NONE = new Summary(0, Optional.empty(), 0);

    /** Whether a thread was replaced within {@link #NOT_READY_FOR_MS}. */
    public boolean recent() {
      return last.isPresent() && nowMs - last.get().atMs() < NOT_READY_FOR_MS;
    }
  }

  private final LongSupplier clockMs;
  private int replaced;
  private Failure last;

  public StreamThreadFailures(LongSupplier clockMs) {
    this.clockMs = clockMs;
  }

  /** Records that a stream thread died of {@code error} and is being replaced. */
  public synchronized void replaced(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = error == root ? String.valueOf(error) : error + " (caused by " + root + ")";
    replaced++;
    last = new Failure(text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) + "..." : text,
        clockMs.getAsLong());
  }

  public synchronized Summary summary() {
    return new Summary(replaced, Optional.ofNullable(last), clockMs.getAsLong());
  }
}
