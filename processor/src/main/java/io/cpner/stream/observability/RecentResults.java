package io.cpner.stream.observability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last results the processor emitted, with their texts, for the live page: a bounded,
 * thread-safe window (oldest dropped first).
 */
public final class RecentResults {
  /** An entity as the page shows it. */
  public record Span(String text, String type, int start, int end, float score) {}

  /** One tagged document as the page shows it. */
  public record Item(String docId, String domain, long prefixVersion, String text, List<Span> entities, long emittedAtMs) {}

  private final int capacity;
  private final Deque<Item> items = new ArrayDeque<>();

  public RecentResults(int capacity) {
    this.capacity = capacity;
  }

  public synchronized void add(Item item) {
    items.addFirst(item);
    while (items.size() > capacity) {
      items.removeLast();
    }
  }

  /** Newest first. */
  public synchronized List<Item> snapshot() {
    return new ArrayList<>(items);
  }
}
