package io.cpner.stream.trends;

import io.cpner.avro.EntityTrend;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live page's view of the trends feed: per domain, the most mentioned entities of the latest
 * closed window this instance emitted (its own partitions of the mentions topic). Thread-safe.
 */
public final class TrendBoard {
  /** One entity of a window. */
  public record Entry(String type, String text, long mentions) {}

  /** A domain's top entities in one window. */
  public record Window(String domain, long windowStartMs, long windowEndMs, List<Entry> top) {}

  private final int size;
  /** Per domain: window start, then its entries. */
  private final Map<String, Window> latest = new TreeMap<>();

  /** Keeps the {@code size} most mentioned entities per domain. */
  public TrendBoard(int size) {
    this.size = size;
  }

  /** A closed window's count, as the feed emits it; an older window than the one shown is ignored. */
  public synchronized void add(EntityTrend trend) {
    Window shown = latest.get(trend.getDomain());
    if (shown != null && shown.windowStartMs() > trend.getWindowStartMs()) {
      return;
    }
    List<Entry> top = shown == null || shown.windowStartMs() < trend.getWindowStartMs() ? new ArrayList<>() : new ArrayList<>(shown.top());
    top.removeIf(e -> e.type().equals(trend.getType()) && e.text().equals(trend.getText()));
    top.add(new Entry(trend.getType(), trend.getText(), trend.getMentions()));
    top.sort(Comparator.comparingLong(Entry::mentions).reversed().thenComparing(Entry::text));
    latest.put(trend.getDomain(), new Window(trend.getDomain(), trend.getWindowStartMs(), trend.getWindowEndMs(),
        List.copyOf(top.subList(0, Math.min(size, top.size())))));
  }

  /** Every domain's latest window, by domain. */
  public synchronized List<Window> snapshot() {
    return List.copyOf(latest.values());
  }
}
