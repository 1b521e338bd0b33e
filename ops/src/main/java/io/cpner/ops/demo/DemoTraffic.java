package io.cpner.ops.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpner.avro.DeadLetter;
import io.cpner.avro.Document;
import io.cpner.avro.NerResult;
import io.cpner.stream.ProcessorConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;

/**
 * The demo's traffic: sends sample documents (and a few bad records) to the input topic, and reads
 * results and dead letters back with a read_committed consumer, printing each as it arrives.
 */
public final class DemoTraffic implements AutoCloseable {
  private final ProcessorConfig config;
  private final Serde<Document> documents;
  private final Serde<NerResult> results;
  private final Serde<DeadLetter> deadLetters;
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final DemoStats stats = new DemoStats();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread reader;
  private DemoConsole console;

  DemoTraffic(String bootstrap, ProcessorConfig config, Serde<Document> documents, Serde<NerResult> results,
      Serde<DeadLetter> deadLetters) {
    this.config = config;
    this.documents = documents;
    this.results = results;
    this.deadLetters = deadLetters;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "cpner-demo-reader");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(config.topics().output(), config.topics().deadLetter()));
    this.reader = new Thread(this::read, "demo-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** The sample documents shipped with the demo, one per line of {@code demo/documents.jsonl}. */
  static List<Document> samples() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<Document> out = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        DemoTraffic.class.getResourceAsStream("/demo/documents.jsonl"), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        JsonNode n = json.readTree(line);
        out.add(new Document(n.get("id").asText(), n.get("domain").asText(), n.get("text").asText(), Map.of()));
      }
    }
    return out;
  }

  /** Sends documents at about {@code perSecond} (0: as fast as possible). */
  int sendDocuments(List<Document> docs, double perSecond) throws InterruptedException {
    Pacer pacer = new Pacer(perSecond);
    for (int i = 0; i < docs.size(); i++) {
      Document d = docs.get(i);
      stats.sent(d);
      byte[] value = documents.serializer().serialize(config.topics().input(), d);
      producer.send(new ProducerRecord<>(config.topics().input(), d.getId().getBytes(StandardCharsets.UTF_8), value));
      long wait = pacer.nanosUntil(i + 1);
      if (wait > 0) {
        producer.flush();
        Pacer.sleepNanos(wait);
      }
    }
    producer.flush();
    return docs.size();
  }

  /** Three records the processor must reject: undecodable bytes, an empty text, an unknown domain. */
  int sendBadRecords() throws InterruptedException {
    producer.send(new ProducerRecord<>(config.topics().input(), "bad-bytes".getBytes(StandardCharsets.UTF_8),
        "this is not Avro".getBytes(StandardCharsets.UTF_8)));
    sendDocuments(List.of(new Document("bad-empty", "politics", "   ", Map.of()),
        new Document("bad-domain", "astrology", "Mercury is in retrograde.", Map.of())), 0);
    stats.sentRaw();
    return 3;
  }

  /** Waits until {@code expected} outputs (results plus dead letters) have been read. */
  void awaitOutputs(int expected, int timeoutSeconds, DemoConsole console) throws InterruptedException {
    this.console = console;
    long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
    while (stats.outputs() < expected && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
  }

  DemoStats stats() {
    return stats;
  }

  private void read() {
    while (running.get()) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
        long now = System.currentTimeMillis();
        if (r.topic().equals(config.topics().output())) {
          NerResult result = results.deserializer().deserialize(r.topic(), r.value());
          stats.result(result, now - r.timestamp());
          if (console != null) {
            console.result(stats.text(result.getDocId()), result);
          }
        } else {
          DeadLetter letter = deadLetters.deserializer().deserialize(r.topic(), r.value());
          stats.deadLetter(letter);
          if (console != null) {
            console.deadLetter(letter);
          }
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    reader.join(5000);
    consumer.close();
    producer.close();
  }
}
