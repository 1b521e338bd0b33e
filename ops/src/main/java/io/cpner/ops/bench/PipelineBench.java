package io.cpner.ops.bench;

import io.cpner.avro.DeadLetter;
import io.cpner.avro.Document;
import io.cpner.inference.text.WordSplitter;
import io.cpner.model.Plm;
import io.cpner.ops.bench.measure.Directories;
import io.cpner.ops.demo.InProcessSetup;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
      ProcessorSettings.ACCEPTED_TOPIC, ProcessorSettings.STATE_DIR, ProcessorSettings.TRUSTED_KEYS, ProcessorSettings.BATCH_MAX_DOCUMENTS,
      ProcessorSettings.BATCH_MAX_DELAY_MS);

  private final Plm plm;
  private final List<DomainPrefix> prefixes;
  private final List<String> domains;
  private final List<String> texts;
  private final int[] pieces;
  private final PipelineTraffic.Corpus corpus;
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
    this.corpus = new PipelineTraffic.Corpus(texts, domains, pieces);
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
    m.put(ProcessorSettings.ACCEPTED_TOPIC, run + "-prefix-accepted");
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
          PipelineTraffic traffic = new PipelineTraffic(run, config, partitions, rate <= 0, kafka.bootstrapServers(), corpus,
              documentSerde, deadLetterSerde)) {
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

  @Override
  public String toString() {
    return "PipelineBench[" + kafka.bootstrapServers() + ", domains " + domains + ", " + texts.size() + " texts, pieces "
        + Arrays.stream(pieces).summaryStatistics() + "]";
  }
}
