package io.cpner.ops.bench;

import io.cpner.avro.DeadLetter;
import io.cpner.avro.Document;
import io.cpner.ops.bench.measure.CpuShare;
import io.cpner.ops.demo.Pacer;
import io.cpner.registry.AvroSerde;
import io.cpner.stream.NerProcessor;
import io.cpner.stream.ProcessorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operating point's traffic in {@link PipelineBench}: the producer that offers documents (paced
 * or as a backlog) and the reader of the output and dead-letter topics, which records when each
 * document's result arrived and counts duplicates, dead letters and failures.
 */
final class PipelineTraffic implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineTraffic.class);

  private final List<String> texts;
  private final List<String> domains;
  private final int[] pieces;
  private final AvroSerde<DeadLetter> deadLetterSerde;

  /** A result received: when its document was sent, when the result arrived (ms), the document's word pieces. */
  private record Sample(long sentMs, long receivedMs, int pieces) {}

  private final String run;
  private final ProcessorConfig config;
  private final int partitions;
  private final KafkaProducer<String, Document> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread reader;
  private final AtomicBoolean reading = new AtomicBoolean(true);
  private final AtomicLong results = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();
  private final AtomicReference<String> firstDeadLetter = new AtomicReference<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final BitSet seen = new BitSet(); // the reader's alone
  private final List<Sample> samples = new ArrayList<>(); // guarded by itself
  private volatile long firstResultMs = -1;

  /** The documents a point sends: texts, their domains, and each text's word pieces, in sending order. */
  record Corpus(List<String> texts, List<String> domains, int[] pieces) {}

  PipelineTraffic(String run, ProcessorConfig config, int partitions, boolean saturate, String bootstrapServers, Corpus corpus,
      AvroSerde<Document> documentSerde, AvroSerde<DeadLetter> deadLetterSerde) {
    this.texts = corpus.texts();
    this.domains = corpus.domains();
    this.pieces = corpus.pieces();
    this.deadLetterSerde = deadLetterSerde;
    this.run = run;
    this.config = config;
    this.partitions = partitions;
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // paced documents go out at once; a backlog is sent in batches
    p.put(ProducerConfig.LINGER_MS_CONFIG, saturate ? 5 : 0);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), documentSerde.serializer());
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> assigned = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      assigned.add(new TopicPartition(config.topics().output(), i));
    }
    assigned.add(new TopicPartition(config.topics().deadLetter(), 0));
    consumer.assign(assigned); // no group: nothing to join before the first result shows
    consumer.seekToBeginning(assigned);
    this.reader = new Thread(this::read, run + "-reader");
    reader.setDaemon(true);
    reader.start();
  }

  PipelineBench.Point measure(NerProcessor processor, int batchSize, long maxDelayMs, double rate, double seconds)
      throws InterruptedException {
    boolean saturate = rate <= 0;
    Pacer pacer = new Pacer(rate);
    int minBacklog = Math.max(PipelineBench.MIN_BACKLOG, 4 * batchSize * partitions);
    long started = System.currentTimeMillis();
    long windowStart = -1;
    long windowEnd = -1;
    long sentAtStart = 0;
    long sentBeforeFirstResult = -1;
    long sent = 0;
    CpuShare cpuAtStart = null;
    while (true) {
      long now = System.currentTimeMillis();
      if (windowStart < 0) {
        long first = firstResultMs;
        if (first < 0 && now - started > PipelineBench.FIRST_RESULT_TIMEOUT_MS) {
          throw new IllegalStateException(run + ": no result " + PipelineBench.FIRST_RESULT_TIMEOUT_MS / 1000 + " s after the first of "
              + sent + " documents was sent");
        }
        if (first >= 0 && sentBeforeFirstResult < 0) {
          sentBeforeFirstResult = sent;
        }
        // paced: the documents sent before the first result (the start-up backlog) must be done too
        boolean caughtUp = saturate || (first >= 0 && results.get() >= sentBeforeFirstResult);
        if (first >= 0 && !caughtUp && now - first > PipelineBench.CATCH_UP_TIMEOUT_MS) {
          LOG.warn("{}: the start-up backlog is not done {} s after the first result ({} of {}); measuring anyway", run,
              PipelineBench.CATCH_UP_TIMEOUT_MS / 1000, results.get(), sentBeforeFirstResult);
          caughtUp = true;
        }
        if (first >= 0 && now >= first + PipelineBench.WARM_UP_AFTER_FIRST_RESULT_MS && caughtUp) {
          windowStart = now;
          windowEnd = now + Math.round(seconds * 1000);
          sentAtStart = sent;
          cpuAtStart = CpuShare.now(config.applicationId());
        }
      } else if (now >= windowEnd) {
        break;
      }
      check(processor);
      if (saturate) {
        long first = firstResultMs;
        double perSecond = first >= 0 && now - first >= 500 ? results.get() * 1000.0 / (now - first) : 0;
        long target = Math.max(minBacklog, (long) (PipelineBench.BACKLOG_SECONDS * perSecond));
        long backlog = sent - results.get();
        if (backlog < target) {
          for (long i = backlog; i < target; i++) {
            send(sent++);
          }
        } else {
          Thread.sleep(2);
        }
      } else {
        long wait = pacer.nanosUntil(sent);
        if (wait <= 0) {
          send(sent++);
        } else {
          Pacer.sleepNanos(Math.min(wait, 5_000_000)); // wake up for the window's edges too
        }
      }
    }
    double processorCpuShare = CpuShare.now(config.applicationId()).markedShareSince(cpuAtStart);
    long sentInWindow = sent - sentAtStart;
    producer.flush();
    // drain: every document sent has its result, or the drain timed out
    long deadline = System.currentTimeMillis() + PipelineBench.DRAIN_TIMEOUT_MS;
    while (results.get() < sent && System.currentTimeMillis() < deadline) {
      check(processor);
      Thread.sleep(20);
    }
    check(processor);
    if (results.get() < sent) {
      LOG.warn("{}: {} of {} documents have no result {} s after the window closed", run, sent - results.get(), sent,
          PipelineBench.DRAIN_TIMEOUT_MS / 1000);
    }
    if (duplicates.get() > 0) {
      LOG.warn("{}: {} duplicate results (guarantee {})", run, duplicates.get(), config.guarantee());
    }
    return summarize(batchSize, maxDelayMs, windowStart, windowEnd, sentInWindow, sent, processorCpuShare);
  }

  private PipelineBench.Point summarize(int batchSize, long maxDelayMs, long windowStart, long windowEnd, long sentInWindow, long sent,
      double processorCpuShare) {
    List<Sample> all;
    synchronized (samples) {
      all = new ArrayList<>(samples);
    }
    double windowSeconds = (windowEnd - windowStart) / 1000.0;
    long completed = 0;
    long completedPieces = 0;
    List<Long> latencies = new ArrayList<>();
    for (Sample s : all) {
      if (s.receivedMs() >= windowStart && s.receivedMs() < windowEnd) {
        completed++;
        completedPieces += s.pieces();
      }
      if (s.sentMs() >= windowStart && s.sentMs() < windowEnd) {
        latencies.add(s.receivedMs() - s.sentMs());
      }
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    return new PipelineBench.Point(batchSize, maxDelayMs, sentInWindow / windowSeconds, completed / windowSeconds,
        completedPieces / windowSeconds, percentile(sorted, 0.50), percentile(sorted, 0.95), percentile(sorted, 0.99),
        sent, results.get(), processorCpuShare);
  }

  /** Nearest rank; NaN for none. */
  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** Fails the point on a dead letter, a send or read failure, or a processor that stopped. */
  private void check(NerProcessor processor) {
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException(run + ": " + t, t);
    }
    if (deadLetters.get() > 0) {
      throw new IllegalStateException(run + ": " + deadLetters.get() + " valid documents went to the dead-letter topic, first: "
          + firstDeadLetter.get());
    }
    KafkaStreams.State state = processor.state();
    if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
        || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_SHUTDOWN) {
      throw new IllegalStateException(run + ": processor stopped, state " + state);
    }
  }

  /** Document {@code seq}: the texts in turn, the domains round-robin, stamped with its send time. */
  private void send(long seq) {
    String id = run + "-" + seq;
    Document doc = new Document(id, domains.get((int) (seq % domains.size())), texts.get((int) (seq % texts.size())),
        Map.of());
    producer.send(new ProducerRecord<>(config.topics().input(), null, System.currentTimeMillis(), id, doc), (meta, e) -> {
      if (e != null) {
        failure.compareAndSet(null, e);
      }
    });
  }

  private void read() {
    try {
      while (reading.get()) {
        var records = consumer.poll(Duration.ofMillis(20));
        long now = System.currentTimeMillis();
        for (ConsumerRecord<String, byte[]> r : records) {
          if (r.topic().equals(config.topics().output())) {
            result(r, now);
          } else {
            deadLetters.incrementAndGet();
            DeadLetter letter = deadLetterSerde.deserializer().deserialize(r.topic(), r.value());
            firstDeadLetter.compareAndSet(null, letter.getReason() + " " + letter.getDetail());
          }
        }
      }
    } catch (RuntimeException e) {
      if (reading.get()) {
        failure.compareAndSet(null, e);
      }
    }
  }

  private void result(ConsumerRecord<String, byte[]> r, long now) {
    String key = r.key();
    if (key == null || !key.startsWith(run + "-")) {
      throw new IllegalStateException("result with unexpected key " + key + " on " + r.topic());
    }
    int seq = Integer.parseInt(key.substring(run.length() + 1));
    if (seen.get(seq)) {
      duplicates.incrementAndGet();
      return;
    }
    seen.set(seq);
    synchronized (samples) {
      samples.add(new Sample(r.timestamp(), now, pieces[seq % texts.size()]));
    }
    if (firstResultMs < 0) {
      firstResultMs = now;
    }
    results.incrementAndGet();
  }

  @Override
  public void close() throws InterruptedException {
    reading.set(false);
    consumer.wakeup();
    reader.join(5_000);
    consumer.close(Duration.ofSeconds(5));
    producer.close(Duration.ofSeconds(5));
  }
}
