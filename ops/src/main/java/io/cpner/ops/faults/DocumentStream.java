package io.cpner.ops.faults;

import io.cpner.avro.Document;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Valid documents of one domain, sent to the input topic at a steady rate from a thread of its own
 * while a scenario injects its faults, or in synchronous waves. Ids are {@code <prefix>-<n>}; an id
 * counts as an input once the broker has acknowledged it. The producer is idempotent and waits out a
 * broker restart (sends block and retry for minutes); a send that fails all the same fails the scenario.
 */
final class DocumentStream implements AutoCloseable {
  private static final List<String> TEXTS = List.of(
      "Angela Merkel met Emmanuel Macron in Berlin on Monday.",
      "The Beatles released Abbey Road in London in 1969.",
      "Marie Curie discovered polonium in Paris.",
      "Shares of Siemens rose in Frankfurt after the forecast.",
      "George Orwell wrote Animal Farm in Wallington.");

  private final KafkaProducer<String, Document> producer;
  private final String topic;
  private final String domain;
  private final String idPrefix;
  private final Set<String> acked = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private int next;
  private int longEvery;
  private String longText;
  private final Set<String> longIds = ConcurrentHashMap.newKeySet();
  private Thread streamer;
  private volatile boolean streaming;

  DocumentStream(String bootstrapServers, Serializer<Document> serializer, String topic, String domain, String idPrefix) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 180_000);
    settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
    this.producer = new KafkaProducer<>(settings, new StringSerializer(), serializer);
    this.topic = topic;
    this.domain = domain;
    this.idPrefix = idPrefix;
  }

  /** Starts sending {@code perSecond} documents a second until {@link #stop()}. */
  synchronized void start(int perSecond) {
    if (streamer != null) {
      throw new IllegalStateException("already streaming");
    }
    streaming = true;
    long periodNanos = 1_000_000_000L / perSecond;
    streamer = new Thread(() -> {
      long due = System.nanoTime();
      while (streaming && failure.get() == null) {
        sendOne();
        due += periodNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          try {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // pacing, not synchronisation
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }, "fault-suite-documents-" + idPrefix);
    streamer.setDaemon(true);
    streamer.start();
  }

  /** Stops streaming and waits until every document sent so far is acknowledged. */
  void stop() throws InterruptedException {
    Thread running;
    synchronized (this) {
      running = streamer;
      streamer = null;
    }
    streaming = false;
    if (running != null) {
      running.join();
    }
    producer.flush();
    throwIfFailed();
  }

  /** Sends {@code count} documents now and waits until they are acknowledged; returns their ids. */
  List<String> sendWave(int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(sendOne());
    }
    producer.flush();
    throwIfFailed();
    return ids;
  }

  /** From now on every {@code every}-th document is {@code chars} characters long (the texts repeated). */
  synchronized void longEvery(int every, int chars) {
    StringBuilder text = new StringBuilder(chars + 100);
    for (int i = 0; text.length() < chars; i++) {
      text.append(TEXTS.get(i % TEXTS.size())).append(' ');
    }
    this.longText = text.substring(0, chars);
    this.longEvery = every;
  }

  /** The ids of the long documents sent. */
  Set<String> longIds() {
    return Set.copyOf(longIds);
  }

  /** The ids the broker has acknowledged: the inputs so far. */
  Set<String> inputs() {
    throwIfFailed();
    return Set.copyOf(acked);
  }

  int acknowledged() {
    return acked.size();
  }

  private synchronized String sendOne() {
    int n = next++;
    String id = idPrefix + "-" + n;
    boolean isLong = longEvery > 0 && n % longEvery == longEvery - 1;
    if (isLong) {
      longIds.add(id);
    }
    Document doc = new Document(id, domain, isLong ? longText : TEXTS.get(n % TEXTS.size()), Map.of());
    producer.send(new ProducerRecord<>(topic, id, doc), (metadata, e) -> {
      if (e == null) {
        acked.add(id);
      } else {
        failure.compareAndSet(null, e);
      }
    });
    return id;
  }

  private void throwIfFailed() {
    Exception e = failure.get();
    if (e != null) {
      throw new IllegalStateException("sending documents to " + topic + " failed: " + e, e);
    }
  }

  @Override
  public void close() {
    streaming = false;
    producer.close(Duration.ofSeconds(10));
  }
}
