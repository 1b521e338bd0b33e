package io.cpner.stream.observability;

import io.cpner.avro.DeadLetterReason;
import io.cpner.prefix.PrefixRegistry;
import io.cpner.stream.control.PrefixUpdateStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The processor's metrics (Micrometer; served in Prometheus format by {@link ObservabilityServer}):
 * documents in, results and dead letters out (by domain, by reason), batch size and forward-pass
 * time, produce-to-result latency, each domain's installed prefix version, and control-topic
 * updates applied and rejected (by reason). Kafka Streams' own client metrics are bound next to them.
 */
public final class NerMetrics {
  private final MeterRegistry registry;
  private final Counter documentsIn;
  private final DistributionSummary batchSize;
  private final Timer forward;
  private final Timer latency;
  private volatile PrefixRegistry prefixes;
  private final java.util.Set<String> versionGauges = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public NerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.documentsIn = Counter.builder("cpner.documents.in").description("Input records read").register(registry);
    this.batchSize = DistributionSummary.builder("cpner.batch.size").description("Documents per stream batch (one tagging call, which the engine may run as several forward passes)")
        .publishPercentileHistogram().serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64).register(registry);
    this.forward = Timer.builder("cpner.batch.forward").description("Duration of one stream batch's tagging (its forward passes and decoding)")
        .publishPercentileHistogram().register(registry);
    this.latency = Timer.builder("cpner.result.latency").description("From the input record's timestamp to its result")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
  }

  /** Metrics kept in memory only (tests, tools). */
  public static NerMetrics inMemory() {
    return new NerMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void documentIn() {
    documentsIn.increment();
  }

  /** An input record waits to be read again because the schema registry did not answer about its schema. */
  public void registryWait() {
    Counter.builder("cpner.registry.waits")
        .description("Times an input record waited and was read again because the schema registry did not answer").register(registry)
        .increment();
  }

  /** A stream thread died and is being replaced. */
  public void streamThreadReplaced() {
    Counter.builder("cpner.stream.threads.replaced").description("Stream threads that died and were replaced")
        .register(registry).increment();
  }

  public void deadLetter(DeadLetterReason reason) {
    Counter.builder("cpner.dead.letters").tag("reason", reason.name()).description("Inputs sent to the dead-letter topic")
        .register(registry).increment();
  }

  public void batch(int documents, long nanos) {
    batchSize.record(documents);
    forward.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void result(String domain, long latencyMs) {
    Counter.builder("cpner.results").tag("domain", domain).description("Results emitted").register(registry).increment();
    latency.record(Math.max(0, latencyMs), TimeUnit.MILLISECONDS);
  }

  /** Publishes each installed domain's prefix version and the control topic's applied/rejected counts. */
  public void watch(PrefixRegistry prefixes, PrefixUpdateStatus status) {
    FunctionCounter.builder("cpner.prefix.updates.applied", status, PrefixUpdateStatus::appliedCount)
        .description("Control-topic updates installed").register(registry);
    for (PrefixUpdateStatus.Rejection reason : PrefixUpdateStatus.Rejection.values()) {
      FunctionCounter.builder("cpner.prefix.updates.rejected", status, s -> s.rejectedCount(reason)).tag("reason", reason.name())
          .description("Control-topic updates refused").register(registry);
    }
    this.prefixes = prefixes;
    prefixes.versions().keySet().forEach(this::prefixInstalled);
  }

  /**
   * Called when a domain's prefix is installed: from then on its version is a gauge (registered once
   * per domain; later versions only change what it reads, so Micrometer has nothing to warn about).
   */
  public void prefixInstalled(String domain) {
    PrefixRegistry p = prefixes;
    if (p != null && versionGauges.add(domain)) {
      Gauge.builder("cpner.prefix.version", p, r -> r.installedVersion(domain)).tag("domain", domain)
          .description("Installed prefix version").register(registry);
    }
  }
}
