package io.cpner.stream;

import io.cpner.avro.DeadLetter;
import io.cpner.avro.Document;
import io.cpner.avro.EntityTrend;
import io.cpner.avro.NerResult;
import io.cpner.avro.PrefixUpdateStatusRecord;
import io.cpner.inference.EngineOptions;
import io.cpner.inference.NerEngine;
import io.cpner.model.Plm;
import io.cpner.model.loading.PlmLoader;
import io.cpner.prefix.PrefixRegistry;
import io.cpner.registry.RetryBackoff;
import io.cpner.registry.SchemaIdWait;
import io.cpner.registry.SchemaRegistry;
import io.cpner.registry.SchemaRegistryClient;
import io.cpner.registry.SchemaRegistryException;
import io.cpner.registry.TopicNameStrategy;
import io.cpner.stream.control.AcceptedPrefixLog;
import io.cpner.stream.control.PrefixStatusProducer;
import io.cpner.stream.control.PrefixUpdateStatus;
import io.cpner.stream.control.PrefixUpdateVerifier;
import io.cpner.stream.documents.InputSpec;
import io.cpner.stream.documents.OutputTopics;
import io.cpner.stream.observability.NerMetrics;
import io.cpner.stream.observability.ObservabilityServer;
import io.cpner.stream.observability.RecentResults;
import io.cpner.stream.trends.TrendBoard;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole processor assembled from its configuration: the PLM (loaded once), the engine, the
 * prefix registry fed by the control topic, the producer of its status reports, the schema-registry
 * serdes and the Kafka Streams app.
 * {@code cpner run}, the demo and the integration tests start it the same way.
 */
public final class NerProcessor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NerProcessor.class);
  private final Plm plm;
  private final boolean ownsPlm;
  private final PrefixRegistry prefixes = new PrefixRegistry();
  private final PrefixUpdateStatus updateStatus = new PrefixUpdateStatus();
  private final PrefixStatusProducer statusProducer;
  private final AcceptedPrefixLog acceptedLog;
  private final NerEngine engine;
  private final NerStreamsApp app;
  private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final NerMetrics metrics = new NerMetrics(meters);
  private final RecentResults recent = new RecentResults(200);
  private final TrendBoard trends = new TrendBoard(10);
  private ObservabilityServer http;

  /** @param inputPartitions the input's partitions, 0 when unknown: the topics the processor creates get as many */
  private NerProcessor(ProcessorConfig config, Plm plm, boolean ownsPlm, int inputPartitions) {
    this.plm = plm;
    this.ownsPlm = ownsPlm;
    SchemaRegistryClient registry = new SchemaRegistryClient(config.registryConfig());
    resolveSchemas(registry, config);
    TopicSerdes serdes = TopicSerdes.fromRegistry(registry);
    this.statusProducer = new PrefixStatusProducer(config.bootstrapServers(), config.applicationId() + "-prefix-status",
        config.streamsOverrides(), config.topics().status(), serdes.prefixStatus().serializer());
    // pid@host: every instance applies (and reports) every update
    this.engine = new NerEngine(plm, EngineOptions.defaults(plm.maxPieces()),
        config.inference().backend().open(plm, config.inference().precision(), config.intraOpThreads()));
    String instance = ManagementFactory.getRuntimeMXBean().getName();
    this.acceptedLog = AcceptedPrefixLog.open(config.bootstrapServers(), config.applicationId() + "-prefix-accepted",
        config.streamsOverrides(), config.topics().accepted());
    NerTopology.Runtime runtime = new NerTopology.Runtime(engine, plm.identity(), prefixes, updateStatus,
        statusProducer, acceptedLog, instance, metrics, recent, trends,
        topic -> KafkaTopics.ensure(config.bootstrapServers(), config.streamsOverrides(), new NewTopic(topic,
            inputPartitions > 0 ? Optional.of(inputPartitions) : Optional.empty(), Optional.empty()), "the output topic"),
        System::currentTimeMillis);
    try {
      // what this application installed before, whatever compaction left on the control topic since
      int restored = AcceptedPrefixLog.restore(config.bootstrapServers(), config.streamsOverrides(), config.topics().accepted(),
          new PrefixUpdateVerifier(serdes.prefixUpdate().deserializer(), plm.identity(), config.control(),
              config.topics().accepted()), prefixes, domain -> { });
      LOG.info("{} prefixes restored from {}", restored, config.topics().accepted());
      metrics.watch(prefixes, updateStatus);
      this.app = new NerStreamsApp(config, serdes, runtime, inputPartitions);
      new KafkaStreamsMetrics(app.streams()).bindTo(meters);
      ProcessorConfig.Http http = config.http();
      if (http.port() >= 0) {
        try {
          this.http = new ObservabilityServer(http.bindAddress(), http.port(), http.livePage(), meters,
              () -> new ObservabilityServer.Health(app.state(), plm.id(), prefixes.versions(),
                  app.threadFailures().summary()), recent, trends);
        } catch (java.io.UncheckedIOException e) {
          throw new java.io.UncheckedIOException(e.getMessage() + " (" + ProcessorSettings.HTTP_BIND_ADDRESS + ", "
              + ProcessorSettings.HTTP_PORT + ")", e.getCause());
        }
      }
    } catch (RuntimeException e) {
      statusProducer.close();
      acceptedLog.close();
      engine.close();
      throw e;
    }
  }

  /** Loads the configured PLM and starts processing. */
  public static NerProcessor start(ProcessorConfig config) {
    Plm plm = config.inference().loadPlm();
    return start(config, plm, true);
  }

  /** Starts processing with an already loaded PLM, which the caller keeps owning. */
  public static NerProcessor start(ProcessorConfig config, Plm plm) {
    return start(config, plm, false);
  }

  /**
   * Before anything starts: the ids of every schema the processor writes (results unless enriched,
   * dead letters, status reports), so that its serializers never need the registry while it runs, and the input
   * schema registered under {@code <input>-value} when auto-registration is on (a Confluent client
   * that looks it up then finds it). Waits while the registry does not answer; a schema it cannot
   * write with stops the start, naming the subject.
   */
  private static void resolveSchemas(SchemaRegistry registry, ProcessorConfig config) {
    RetryBackoff backoff = RetryBackoff.forRegistry();
    ProcessorConfig.Topics topics = config.topics();
    if (registry.autoRegister() && config.input().format() == InputSpec.Format.DOCUMENT) {
      for (String input : topics.inputs()) {
        String subject = TopicNameStrategy.subject(input, false);
        try {
          int id = SchemaIdWait.idOf(registry, subject, Document.getClassSchema(), backoff);
          LOG.info("input schema registered under {} (id {})", subject, id);
        } catch (SchemaRegistryException e) {
          LOG.warn("could not register the input schema under {}: {}", subject, e.getMessage());
        }
      }
    }
    Map<String, Schema> written = new LinkedHashMap<>();
    // enriched records' schemas derive from each input schema, and per-domain topics are readied on
    // first use: the router resolves those
    if (!config.output().enriched() && !topics.output().contains(OutputTopics.DOMAIN)) {
      written.put(topics.output(), NerResult.getClassSchema());
    }
    written.put(topics.deadLetter(), DeadLetter.getClassSchema());
    if (!config.trendsWindow().isZero()) {
      written.put(topics.trends(), EntityTrend.getClassSchema());
    }
    written.put(topics.status(), PrefixUpdateStatusRecord.getClassSchema());
    written.forEach((topic, schema) -> {
      String subject = TopicNameStrategy.subject(topic, false);
      try {
        SchemaIdWait.idOf(registry, subject, schema, backoff);
      } catch (SchemaRegistryException e) {
        throw new IllegalStateException("cannot write " + schema.getFullName() + " to " + topic + ": " + e.getMessage()
            + (registry.autoRegister() ? "" : " (" + ProcessorSettings.REGISTRY_AUTO_REGISTER + " is false: register it under "
                + subject + " first)"), e);
      }
    });
  }

  private static NerProcessor start(ProcessorConfig config, Plm plm, boolean ownsPlm) {
    int inputPartitions = NerStreamsApp.inputPartitions(config); // read once: threads, mentions and output topics
    ProcessorConfig effective = config.forInputPartitions(inputPartitions);
    if (effective != config) {
      LOG.info("{} stream threads, one per input partition, each pass on {} cores", effective.streamThreads(),
          effective.intraOpThreads());
    }
    NerProcessor processor = new NerProcessor(effective, plm, ownsPlm, inputPartitions);
    processor.app.start();
    return processor;
  }

  public KafkaStreams.State state() {
    return app.state();
  }

  public PrefixRegistry prefixes() {
    return prefixes;
  }

  public PrefixUpdateStatus updateStatus() {
    return updateStatus;
  }

  public KafkaStreams streams() {
    return app.streams();
  }

  /** The HTTP port of /metrics, /health and /ready, or -1 when disabled. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  public NerMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    app.close();
    statusProducer.close();
    acceptedLog.close();
    engine.close();
    if (ownsPlm) {
      plm.close();
    }
  }
}
