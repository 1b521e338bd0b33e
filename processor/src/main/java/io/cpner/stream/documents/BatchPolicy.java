package io.cpner.stream.documents;

/**
 * When the batching stage runs a batch: at {@code maxDocuments} waiting documents, at
 * {@code maxTokens} waiting word pieces, or when the oldest has waited {@code maxDelayMs}.
 */
public record BatchPolicy(int maxDocuments, int maxTokens, long maxDelayMs) {
  /** Whether {@code documents} waiting documents of {@code tokens} pieces make a full batch, to run at once. */
  public boolean isFull(int documents, long tokens) {
    return documents >= maxDocuments || tokens >= maxTokens;
  }

  /** Whether everything waiting is due at {@code nowMs}: the oldest document arrived at {@code oldestAtMs}. */
  public boolean isDue(long oldestAtMs, long nowMs) {
    return nowMs - oldestAtMs >= maxDelayMs;
  }

  /**
   * How often the batching stage checks whether its oldest document has waited the maximum delay,
   * which bounds how far past that delay a batch can start: a fifth of the delay, at most 10 ms. The
   * poll loop wakes at this period too, since punctuators only run between polls.
   */
  public long checkIntervalMs() {
    return Math.max(1, Math.min(maxDelayMs / 5, 10));
  }
}
