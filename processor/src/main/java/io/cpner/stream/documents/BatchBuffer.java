package io.cpner.stream.documents;

import io.cpner.avro.BufferedDocument;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The documents waiting for a forward pass, kept in a changelogged key-value store so a crash
 * loses none of them (key = source partition, offset and topic: a record read again after a crash
 * lands on its own earlier copy), mirrored in memory in arrival order (when the router passed it
 * on, then the store key) with running totals so the flush rules are cheap to check. A document of more than {@code partTokens}
 * pieces is tagged in parts ({@link DocumentParts}), so it counts as one part's pieces towards a
 * full batch, and not as a whole document.
 */
final class BatchBuffer {
  private final KeyValueStore<String, BufferedDocument> store;
  private final int partTokens;
  /** By {@link #arrival}. */
  private final TreeMap<String, BufferedDocument> waiting = new TreeMap<>();
  /** The same documents by store key. */
  private final Map<String, BufferedDocument> byKey = new HashMap<>();
  private long tokens;
  private int wholeDocuments;

  /** Wraps the store and reloads whatever it holds (after a restart, what the changelog restored). */
  BatchBuffer(KeyValueStore<String, BufferedDocument> store, int partTokens) {
    this.store = store;
    this.partTokens = partTokens;
    try (KeyValueIterator<String, BufferedDocument> all = store.all()) {
      all.forEachRemaining(kv -> add(kv.value));
    }
  }

  void put(BufferedDocument doc) {
    store.put(key(doc), doc);
    add(doc);
  }

  int size() {
    return waiting.size();
  }

  /** Pieces that count towards a full batch: each document's, but at most one part's for a long one. */
  long tokens() {
    return tokens;
  }

  /** Whether a document is tagged in parts. */
  boolean isLong(BufferedDocument doc) {
    return doc.getTokens() > partTokens;
  }

  /** Whether any waiting document is tagged whole (not in parts). */
  boolean hasWholeDocuments() {
    return wholeDocuments > 0;
  }

  /** When the first waiting document (in arrival order) arrived, or Long.MAX_VALUE when none waits. */
  long oldestBufferedAtMs() {
    return waiting.isEmpty() ? Long.MAX_VALUE : waiting.firstEntry().getValue().getBufferedAtMs();
  }

  /** Whether the document still waits (no result or dead letter yet). */
  boolean contains(BufferedDocument doc) {
    return byKey.containsKey(key(doc));
  }

  /** The waiting documents in arrival order. */
  List<BufferedDocument> inArrivalOrder() {
    return new ArrayList<>(waiting.values());
  }

  /** Forgets documents whose results (or dead letters) have been forwarded. */
  void remove(BufferedDocument done) {
    String key = key(done);
    store.delete(key);
    forget(byKey.remove(key));
  }

  /** Adds a document; one with the same store key (the same record, read again) takes its place. */
  private void add(BufferedDocument doc) {
    forget(byKey.put(key(doc), doc));
    waiting.put(arrival(doc), doc);
    count(doc, 1);
  }

  private void forget(BufferedDocument doc) {
    if (doc != null) {
      waiting.remove(arrival(doc));
      count(doc, -1);
    }
  }

  private void count(BufferedDocument doc, int sign) {
    tokens += sign * Math.min(doc.getTokens(), partTokens);
    wholeDocuments += isLong(doc) ? 0 : sign;
  }

  /**
   * The store key: partition, then offset, zero-padded so string order is numeric order, then the
   * topic (absent in values written before there could be several input topics, whose keys were
   * partition and offset alone).
   */
  static String key(BufferedDocument doc) {
    String key = String.format("%010d-%020d", doc.getSourcePartition(), doc.getSourceOffset());
    return doc.getSourceTopic().isEmpty() ? key : key + "-" + doc.getSourceTopic();
  }

  /** Arrival order within a task, over all its topics: when the router passed the document on, then the store key. */
  private static String arrival(BufferedDocument doc) {
    return String.format("%020d-", doc.getBufferedAtMs()) + key(doc);
  }
}
