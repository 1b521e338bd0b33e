package io.cpner.stream.documents;

import io.cpner.avro.BufferedDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The documents waiting for a forward pass, kept in a changelogged key-value store so a crash
 * loses none of them, mirrored in memory in arrival order (key = source partition and offset) with
 * running totals so the flush rules are cheap to check.
 */
final class BatchBuffer {
  private final KeyValueStore<String, BufferedDocument> store;
  private final TreeMap<String, BufferedDocument> waiting = new TreeMap<>();
  private long tokens;

  /** Wraps the store and reloads whatever it holds (after a restart, what the changelog restored). */
  BatchBuffer(KeyValueStore<String, BufferedDocument> store) {
    this.store = store;
    try (KeyValueIterator<String, BufferedDocument> all = store.all()) {
      all.forEachRemaining(kv -> add(kv.key, kv.value));
    }
  }

  void put(BufferedDocument doc) {
    String key = key(doc);
    store.put(key, doc);
    add(key, doc);
  }

  int size() {
    return waiting.size();
  }

  long tokens() {
    return tokens;
  }

  /** When the first waiting document (in arrival order) arrived, or Long.MAX_VALUE when none waits. */
  long oldestBufferedAtMs() {
    return waiting.isEmpty() ? Long.MAX_VALUE : waiting.firstEntry().getValue().getBufferedAtMs();
  }

  /** The next batch in arrival order: at most {@code maxDocs} documents and {@code maxTokens} pieces (at least one). */
  List<BufferedDocument> peekBatch(int maxDocs, long maxTokens) {
    List<BufferedDocument> batch = new ArrayList<>();
    long sum = 0;
    for (BufferedDocument doc : waiting.values()) {
      if (batch.size() == maxDocs || (!batch.isEmpty() && sum + doc.getTokens() > maxTokens)) {
        break;
      }
      batch.add(doc);
      sum += doc.getTokens();
    }
    return batch;
  }

  /** Forgets documents whose results have been forwarded. */
  void remove(List<BufferedDocument> done) {
    for (BufferedDocument doc : done) {
      String key = key(doc);
      store.delete(key);
      BufferedDocument removed = waiting.remove(key);
      if (removed != null) {
        tokens -= removed.getTokens();
      }
    }
  }

  private void add(String key, BufferedDocument doc) {
    BufferedDocument previous = waiting.put(key, doc);
    tokens += doc.getTokens() - (previous == null ? 0 : previous.getTokens());
  }

  /** Arrival order within a task: partition, then offset, zero-padded so string order is numeric order. */
  private static String key(BufferedDocument doc) {
    return String.format("%010d-%020d", doc.getSourcePartition(), doc.getSourceOffset());
  }

}
