package io.cpner.ops.bench;

import io.cpner.avro.DeadLetter;
import io.cpner.avro.Document;
import io.cpner.inference.text.WordSplitter;
import io.cpner.model.Plm;
import io.cpner.ops.bench.measure.CpuShare;
import io.cpner.ops.bench.measure.Directories;
import io.cpner.ops.demo.InProcessSetup;
import io.cpner.ops.demo.Pacer;
import io.cpner.ops.prefixes.PrefixPublisher;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixSigningKey;
import io.cpner.registry.AvroSerde;
import io.cpner.registry.RegistryConfig;
import io.cpner.registry.SchemaRegistryClient;
import io.cpner.stream.NerProcessor;
import io.cpner.stream.ProcessorConfig;
import io.cpner.stream.ProcessorSettings;
import io.cpner.testkit.EmbeddedKafka;
import io.cpner.testkit.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
 * The full streaming pipeline measured end to end on an in-process KRaft broker and schema registry:
 * Avro documents produced to the input topic, tagged by a running {@link NerProcessor}, results read
 * back with a read_committed consumer.
 *
 * <p>Each point runs a fresh processor (its own application id, topics and state directory, so
 * nothing carries over), publishes the prefixes to its control topic signed with a throwaway key the
 * processor alone trusts (as the demo does), waits until they are installed, then sends documents:
 * the texts in turn, the domains round-robin, each record stamped with its send time (the processor
 * keeps the input's timestamp on its result). The measured window opens {@value #WARM_UP_AFTER_FIRST_RESULT_MS} ms
 * after the first result arrived, and (paced) once the documents sent before it have their results too
 * (or {@value #CATCH_UP_TIMEOUT_MS} ms after it, with a warning), so that start-up, the first forward
 * passes and the backlog they leave are not in it. Reported:
 * results received per second during the window and their word pieces per second; the 50th, 95th and
 * 99th percentiles of produce-to-result latency (consumer receive time minus send time, ms) over the
 * documents sent during the window; every document sent, and how many have a result after the drain.
 * A dead letter fails the point (every document sent is valid).
 *
 * <p>A point takes start-up (a few seconds) + warm-up + {@code seconds} + the drain of what is
 * still in flight (at most {@value #DRAIN_TIMEOUT_MS} ms), so keep {@code seconds} to ~30 for ~60 s a point.
 */
public final class PipelineBench implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineBench.class);

  /** One measured operating point. */
  public record Point(int batchSize, long maxDelayMs, double offeredDocsPerSec, double docsPerSec,
      double tokensPerSec, double p50Ms, double p95Ms, double p99Ms, long produced, long results,
      double processorCpuShare) {}

  /** The window opens this long after the first result of a point arrived. */
  static final long WARM_UP_AFTER_FIRST_RESULT_MS = 1_000;
  static final long STARTUP_TIMEOUT_MS = 30_000;
  static final long FIRST_RESULT_TIMEOUT_MS = 30_000;
  /** atRate(): how long after the first result the documents sent before it may take to be done. */
  static final long CATCH_UP_TIMEOUT_MS = 10_000;
  static final long DRAIN_TIMEOUT_MS = 20_000;
  /** saturate() keeps at least this many documents waiting, and at least this many seconds of the observed rate. */
  static final int MIN_BACKLOG = 200;
  static final double BACKLOG_SECONDS = 2;

  /** Settings every point sets itself; an override may not name them. */
  private static final Set<String> OWN_SETTINGS = Set.of(ProcessorSettings.BOOTSTRAP_SERVERS, ProcessorSettings.REGISTRY_URL,
      ProcessorSettings.APPLICATION_ID, ProcessorSettings.INPUT_TOPIC, ProcessorSettings.OUTPUT_TOPIC,
      ProcessorSettings.DEAD_LETTER_TOPIC, ProcessorSettings.CONTROL_TOPIC, ProcessorSettings.STATUS_TOPIC,
      ProcessorSettings.STATE_DIR, ProcessorSettings.TRUSTED_KEYS, ProcessorSettings.BATCH_MAX_DOCUMENTS,
      ProcessorSettings.BATCH_MAX_DELAY_MS);

  private final Plm plm;
  private final List<DomainPrefix> prefixes;
  private final List<String> domains;
  private final List<String> texts;
  private final int[] pieces;
  private final EmbeddedKafka kafka;
  private final EmbeddedSchemaRegistry registry;
  private final SchemaRegistryClient client;
  private final AvroSerde<Document> documentSerde;
  private final AvroSerde<DeadLetter> deadLetterSerde;
  private final PrefixSigningKey signingKey;
  /** Broker, registry, trusted key, no HTTP port, then the caller's overrides. */
  private final Map<String, String> baseSettings;
  private final Path stateRoot;
  private int points;

  private PipelineBench(Plm plm, Map<String, DomainPrefix> prefixesByDomain, List<String> texts, EmbeddedKafka kafka,
      EmbeddedSchemaRegistry registry, Map<String, String> overrides) throws IOException {
    this.plm = plm;
    Map<String, DomainPrefix> sorted = new TreeMap<>(prefixesByDomain);
    this.prefixes = List.copyOf(sorted.values());
    this.domains = List.copyOf(sorted.keySet());
    this.texts = List.copyOf(texts);
    this.pieces = texts.stream().mapToInt(this::countPieces).toArray();
    this.kafka = kafka;
    this.registry = registry;
    Map<String, String> settings = new HashMap<>();
    settings.put(ProcessorSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    settings.put(ProcessorSettings.REGISTRY_URL, registry.url());
    settings.put(ProcessorSettings.HTTP_PORT, "-1");
    this.signingKey = InProcessSetup.throwawaySigningKey("bench", settings);
    settings.putAll(overrides);
    this.baseSettings = Map.copyOf(settings);
    this.client = new SchemaRegistryClient(RegistryConfig.of(registry.url()));
    this.documentSerde = AvroSerde.forClass(Document.class, client, false);
    this.deadLetterSerde = AvroSerde.forClass(DeadLetter.class, client, false);
    this.stateRoot = Files.createTempDirectory("cpner-bench-state");
  }

  /** Starts an embedded KRaft broker and schema registry once; the processors it runs share an already-loaded Plm. */
  public static PipelineBench start(Plm plm, Map<String, DomainPrefix> prefixesByDomain, List<String> texts,
      Map<String, String> processorOverrides) {
    if (prefixesByDomain.isEmpty()) {
      throw new IllegalArgumentException("no prefixes: at least one domain is needed");
    }
    prefixesByDomain.forEach((domain, prefix) -> {
      if (!domain.equals(prefix.domain())) {
        throw new IllegalArgumentException("prefix of domain '" + prefix.domain() + "' given for domain '" + domain + "'");
      }
    });
    if (texts.isEmpty() || texts.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("texts must be non-empty and none blank (a blank one is a dead letter)");
    }
    for (String key : processorOverrides.keySet()) {
      if (OWN_SETTINGS.contains(key)) {
        throw new IllegalArgumentException("processor override '" + key + "' is set by the bench itself; allowed are the others");
      }
    }
    EmbeddedKafka kafka = EmbeddedKafka.start();
    EmbeddedSchemaRegistry registry = null;
    try {
      registry = EmbeddedSchemaRegistry.start(EmbeddedSchemaRegistry.Settings.of(kafka.bootstrapServers()));
      return new PipelineBench(plm, prefixesByDomain, texts, kafka, registry, processorOverrides);
    } catch (IOException | RuntimeException e) {
      if (registry != null) {
        registry.close();
      }
      kafka.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /**
   * Offers documents as fast as the producer can (far above capacity) for {@code seconds} after a
   * warm-up, and measures the sustained rate of results and produce-to-result latency. The producer
   * keeps a backlog of at least {@value #MIN_BACKLOG} documents and {@value #BACKLOG_SECONDS} s of the
   * observed completion rate waiting (rather than flooding the broker and the CPU), so docsPerSec is
   * the processor's completion rate with work always waiting; the latencies are queueing-dominated,
   * and offeredDocsPerSec tracks the completion rate.
   */
  public Point saturate(int batchSize, long maxDelayMs, double seconds) {
    return point(batchSize, maxDelayMs, 0, seconds);
  }

  /** Offers documents at a fixed rate (paced, evenly spaced) and measures the same. */
  public Point atRate(int batchSize, long maxDelayMs, double docsPerSec, double seconds) {
    if (!(docsPerSec > 0)) {
      throw new IllegalArgumentException("docsPerSec must be > 0, found " + docsPerSec);
    }
    return point(batchSize, maxDelayMs, docsPerSec, seconds);
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (AutoCloseable c : List.<AutoCloseable>of(registry, kafka)) {
      try {
        c.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("bench did not shut down cleanly: " + e, e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    Directories.deleteQuietly(stateRoot);
    Directories.deleteQuietly(Path.of(baseSettings.get(ProcessorSettings.TRUSTED_KEYS)).getParent());
    if (failure != null) {
      throw failure;
    }
  }

  /** Word pieces of a text, as the processor counts a document's cost. */
  private int countPieces(String text) {
    return plm.tokenizer().pieces(WordSplitter.split(text).stream().map(WordSplitter.Word::text).toList()).size();
  }

  private Map<String, String> withPointSettings(String run, int batchSize, long maxDelayMs) {
    Map<String, String> m = new HashMap<>(baseSettings);
    m.put(ProcessorSettings.APPLICATION_ID, "cpner-" + run);
    m.put(ProcessorSettings.INPUT_TOPIC, run + "-documents");
    m.put(ProcessorSettings.OUTPUT_TOPIC, run + "-entities");
    m.put(ProcessorSettings.DEAD_LETTER_TOPIC, run + "-dlq");
    m.put(ProcessorSettings.CONTROL_TOPIC, run + "-prefix-updates");
    m.put(ProcessorSettings.STATUS_TOPIC, run + "-prefix-status");
    m.put(ProcessorSettings.STATE_DIR, stateRoot.resolve(run).toString());
    m.put(ProcessorSettings.BATCH_MAX_DOCUMENTS, Integer.toString(batchSize));
    m.put(ProcessorSettings.BATCH_MAX_DELAY_MS, Long.toString(maxDelayMs));
    return m;
  }

  /** One point: rate 0 saturates. */
  private Point point(int batchSize, long maxDelayMs, double rate, double seconds) {
    if (!(seconds > 0)) {
      throw new IllegalArgumentException("seconds must be > 0, found " + seconds);
    }
    String run = "bench" + (++points);
    ProcessorConfig config = ProcessorConfig.parse(withPointSettings(run, batchSize, maxDelayMs));
    // one input partition per stream thread (at least two, as in the demo), so every thread has a task
    int partitions = Math.max(2, config.streamThreads());
    long started = System.nanoTime();
    try {
      InProcessSetup.createTopics(kafka, config, partitions);
      try (PrefixPublisher publisher = new PrefixPublisher(kafka.bootstrapServers(), Map.of(), client, config.topics().control(),
          Optional.of(signingKey))) {
        for (DomainPrefix p : prefixes) {
          publisher.publish(p);
        }
      }
      try (NerProcessor processor = NerProcessor.start(config, plm);
          Traffic traffic = new Traffic(run, config, partitions, rate <= 0)) {
        InProcessSetup.awaitRunning(processor, prefixes.size(), STARTUP_TIMEOUT_MS);
        Point point = traffic.measure(processor, batchSize, maxDelayMs, rate, seconds);
        LOG.info("{} ({} s in all, {} partitions, {}): {}", run, (System.nanoTime() - started) / 1_000_000_000,
            partitions, config.guarantee(), point);
        return point;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring " + run, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot publish the prefixes of " + run + ": " + e.getCause(), e.getCause());
    } finally {
      deleteTopics(config);
      Directories.deleteQuietly(Path.of(config.stateDir()));
    }
  }

  /** Best effort: the point's topics and the processor's internal ones go, so that the broker stays small. */
  private void deleteTopics(ProcessorConfig config) {
    try {
      Set<String> all = kafka.admin().listTopics().names().get(30, TimeUnit.SECONDS);
      List<String> mine = all.stream().filter(t -> t.equals(config.topics().input()) || t.equals(config.topics().output())
          || t.equals(config.topics().deadLetter()) || t.equals(config.topics().control()) || t.equals(config.topics().status())
          || t.startsWith(config.applicationId() + "-")).toList();
      kafka.admin().deleteTopics(mine).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.warn("could not delete the topics of {}: {}", config.applicationId(), e.toString());
    }
  }

  /** A result received: when its document was sent, when the result arrived (ms), the document's word pieces. */
  private record Sample(long sentMs, long receivedMs, int pieces) {}

  /** One point's producer and the reader of its output and dead-letter topics. */
  private final class Traffic implements AutoCloseable {
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

    Traffic(String run, ProcessorConfig config, int partitions, boolean saturate) {
      this.run = run;
      this.config = config;
      this.partitions = partitions;
      Map<String, Object> p = new HashMap<>();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      // paced documents go out at once; a backlog is sent in batches
      p.put(ProducerConfig.LINGER_MS_CONFIG, saturate ? 5 : 0);
      this.producer = new KafkaProducer<>(p, new StringSerializer(), documentSerde.serializer());
      Map<String, Object> c = new HashMap<>();
      c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
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

    Point measure(NerProcessor processor, int batchSize, long maxDelayMs, double rate, double seconds)
        throws InterruptedException {
      boolean saturate = rate <= 0;
      Pacer pacer = new Pacer(rate);
      int minBacklog = Math.max(MIN_BACKLOG, 4 * batchSize * partitions);
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
          if (first < 0 && now - started > FIRST_RESULT_TIMEOUT_MS) {
            throw new IllegalStateException(run + ": no result " + FIRST_RESULT_TIMEOUT_MS / 1000 + " s after the first of "
                + sent + " documents was sent");
          }
          if (first >= 0 && sentBeforeFirstResult < 0) {
            sentBeforeFirstResult = sent;
          }
          // paced: the documents sent before the first result (the start-up backlog) must be done too
          boolean caughtUp = saturate || (first >= 0 && results.get() >= sentBeforeFirstResult);
          if (first >= 0 && !caughtUp && now - first > CATCH_UP_TIMEOUT_MS) {
            LOG.warn("{}: the start-up backlog is not done {} s after the first result ({} of {}); measuring anyway", run,
                CATCH_UP_TIMEOUT_MS / 1000, results.get(), sentBeforeFirstResult);
            caughtUp = true;
          }
          if (first >= 0 && now >= first + WARM_UP_AFTER_FIRST_RESULT_MS && caughtUp) {
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
          long target = Math.max(minBacklog, (long) (BACKLOG_SECONDS * perSecond));
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
      long deadline = System.currentTimeMillis() + DRAIN_TIMEOUT_MS;
      while (results.get() < sent && System.currentTimeMillis() < deadline) {
        check(processor);
        Thread.sleep(20);
      }
      check(processor);
      if (results.get() < sent) {
        LOG.warn("{}: {} of {} documents have no result {} s after the window closed", run, sent - results.get(), sent,
            DRAIN_TIMEOUT_MS / 1000);
      }
      if (duplicates.get() > 0) {
        LOG.warn("{}: {} duplicate results (guarantee {})", run, duplicates.get(), config.guarantee());
      }
      return summarize(batchSize, maxDelayMs, windowStart, windowEnd, sentInWindow, sent, processorCpuShare);
    }

    private Point summarize(int batchSize, long maxDelayMs, long windowStart, long windowEnd, long sentInWindow, long sent,
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
      return new Point(batchSize, maxDelayMs, sentInWindow / windowSeconds, completed / windowSeconds,
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

  @Override
  public String toString() {
    return "PipelineBench[" + kafka.bootstrapServers() + ", domains " + domains + ", " + texts.size() + " texts, pieces "
        + Arrays.stream(pieces).summaryStatistics() + "]";
  }
}
