package io.cpner.ops.demo;

import io.cpner.avro.DeadLetter;
import io.cpner.avro.Document;
import io.cpner.avro.NerResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** What the demo sent and got back: counts, duplicates, losses, entities, latencies, throughput. */
public final class DemoStats {
  private final Map<String, String> texts = new ConcurrentHashMap<>();
  private final Map<String, Integer> seen = new ConcurrentHashMap<>();
  private final Map<String, Integer> deadByReason = new TreeMap<>();
  private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
  private volatile long firstSentMs;
  private volatile long lastOutputMs;
  private int sent;
  private int results;
  private int dead;
  private int entities;

  synchronized void sent(Document d) {
    if (firstSentMs == 0) {
      firstSentMs = System.currentTimeMillis();
    }
    texts.put(d.getId(), d.getText());
    sent++;
  }

  synchronized void sentRaw() {
    sent++;
  }

  synchronized void result(NerResult r, long latencyMs) {
    results++;
    entities += r.getEntities().size();
    seen.merge(r.getDocId(), 1, Integer::sum);
    latencies.add(latencyMs);
    lastOutputMs = System.currentTimeMillis();
  }

  synchronized void deadLetter(DeadLetter d) {
    dead++;
    deadByReason.merge(d.getReason().name(), 1, Integer::sum);
    lastOutputMs = System.currentTimeMillis();
  }

  String text(String docId) {
    return texts.getOrDefault(docId, "");
  }

  synchronized int outputs() {
    return results + dead;
  }

  synchronized int sentCount() {
    return sent;
  }

  synchronized int resultCount() {
    return results;
  }

  synchronized int deadCount() {
    return dead;
  }

  synchronized int entityCount() {
    return entities;
  }

  synchronized Map<String, Integer> deadByReason() {
    return new TreeMap<>(deadByReason);
  }

  synchronized int duplicates() {
    return seen.values().stream().mapToInt(n -> n - 1).sum();
  }

  synchronized int lost() {
    return Math.max(0, sent - results - dead + duplicates());
  }

  /** Outputs per second from the first send to the last output (paced traffic: about the offered rate). */
  synchronized double throughput() {
    double seconds = Math.max(1, lastOutputMs - firstSentMs) / 1000.0;
    return outputs() / seconds;
  }

  /** The q-quantile of produce-to-result latency in ms. */
  long latencyQuantile(double q) {
    List<Long> sorted;
    synchronized (latencies) {
      sorted = new ArrayList<>(latencies);
    }
    if (sorted.isEmpty()) {
      return -1;
    }
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }
}
