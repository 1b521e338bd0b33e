package io.cpner.ops.faults;

import io.cpner.avro.PrefixUpdate;
import io.cpner.model.PlmIdentity;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.Ed25519Keys;
import io.cpner.prefix.PrefixSigningKey;
import io.cpner.prefix.TrustedKeys;
import io.cpner.registry.RegistryConfig;
import io.cpner.registry.SchemaRegistryClient;
import io.cpner.stream.TopicSerdes;
import io.cpner.testkit.EmbeddedKafka;
import io.cpner.testkit.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The reliability suite: faults injected into {@code cpner run} processors that run in JVMs of their
 * own, against a broker and schema registry in this JVM. The broker is this suite's alone (one of its
 * scenarios restarts it); every scenario has topics and an application id of its own and runs after
 * the previous one has finished. Closing stops every processor and the broker and deletes the working
 * directory (processor configs, state and logs), unless a scenario failed.
 */
public final class FaultSuite implements AutoCloseable {
  /** The version of the prefix update every scenario publishes mid-fault (the processors start with version 1). */
  static final long UPDATED_VERSION = 2;
  private static final String DOMAIN = "news";
  private static final String KEY_ID = "fault-suite";

  /**
   * How hard to push.
   *
   * @param documentsPerSecond rate of the document stream during a scenario
   * @param timeout the longest any single wait of a scenario may take (processor start-up, recovery, draining)
   * @param keepWorkDirectory keep processor configs, state and logs even when every scenario passed
   * @param plm the PLM the processors run (the suite's rule prefix is built for it)
   */
  public record Options(int documentsPerSecond, Duration timeout, boolean keepWorkDirectory, String plm) {
    /** On the bundled MiniLM, which starts in seconds. */
    public Options(int documentsPerSecond, Duration timeout, boolean keepWorkDirectory) {
      this(documentsPerSecond, timeout, keepWorkDirectory, io.cpner.model.loading.PlmLoader.MINILM);
    }

    public Options {
      if (documentsPerSecond < 1) {
        throw new IllegalArgumentException("documentsPerSecond must be >= 1, found " + documentsPerSecond);
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, found " + timeout);
      }
    }

    /** 10 documents a second; 3 minutes per wait (a processor JVM loads the PLM in seconds, slower on a busy machine). */
    public static Options defaults() {
      return new Options(10, Duration.ofMinutes(3), false);
    }
  }

  private final Options options;
  private final EmbeddedKafka kafka;
  private final EmbeddedSchemaRegistry registry;
  private final TopicSerdes serdes;
  private final DomainPrefix prefix;
  private final KafkaProducer<String, PrefixUpdate> prefixProducer;
  private final PrefixSigningKey signingKey;
  private final Path trustedKeys;
  private final Path workDir;
  private boolean failed;

  private FaultSuite(Options options, EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, DomainPrefix prefix, Path workDir,
      PrefixSigningKey signingKey, Path trustedKeys) {
    this.options = options;
    this.kafka = kafka;
    this.registry = registry;
    this.serdes = TopicSerdes.fromRegistry(new SchemaRegistryClient(RegistryConfig.of(registry.url())));
    this.prefix = prefix;
    this.workDir = workDir;
    this.signingKey = signingKey;
    this.trustedKeys = trustedKeys;
    this.prefixProducer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 180_000,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024), new StringSerializer(), serdes.prefixUpdate().serializer());
  }

  /**
   * Starts a broker and a schema registry of the suite's own. Processors run {@link Options#plm()}
   * ({@link ScenarioRun}), so {@code plm} must be its identity (the suite's prefix is built for it).
   */
  public static FaultSuite start(PlmIdentity plm, Options options) {
    // prefix updates are signed with a key of the suite's own, which the processors trust
    KeyPair keys = Ed25519Keys.generate();
    Path workDir;
    Path trustedKeys;
    try {
      workDir = Files.createTempDirectory("cpner-faults-");
      trustedKeys = Files.writeString(workDir.resolve("trusted-keys.properties"), TrustedKeys.line(KEY_ID, keys.getPublic()) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the fault suite's working directory", e);
    }
    EmbeddedKafka kafka = EmbeddedKafka.start();
    try {
      EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(EmbeddedSchemaRegistry.Settings.of(kafka.bootstrapServers()));
      return new FaultSuite(options, kafka, registry, RulePrefix.capitalisedWords(plm, DOMAIN), workDir,
          new PrefixSigningKey(KEY_ID, keys.getPrivate()), trustedKeys);
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  /** Runs one scenario to its end and reports it; throws (with the processors' logs) if it could not finish. */
  public ScenarioReport run(Fault fault) throws Exception {
    Path dir = Files.createDirectories(workDir.resolve(fault.label()));
    try (ScenarioRun run = new ScenarioRun(this, fault, dir)) {
      run.publishPrefix(1);
      fault.play(run);
      ScenarioReport report = run.finish();
      failed |= !report.passed();
      return report;
    } catch (Exception | Error e) {
      failed = true;
      throw e;
    }
  }

  /** Where processor configs, state and logs are kept (deleted on close unless a scenario failed). */
  public Path workDirectory() {
    return workDir;
  }

  Options options() {
    return options;
  }

  EmbeddedKafka kafka() {
    return kafka;
  }

  String registryUrl() {
    return registry.url();
  }

  TopicSerdes serdes() {
    return serdes;
  }

  DomainPrefix prefix() {
    return prefix;
  }

  KafkaProducer<String, PrefixUpdate> prefixProducer() {
    return prefixProducer;
  }

  PrefixSigningKey signingKey() {
    return signingKey;
  }

  /** The file of public keys the processors trust: the suite's own. */
  Path trustedKeys() {
    return trustedKeys;
  }

  @Override
  public void close() {
    prefixProducer.close(Duration.ofSeconds(10));
    registry.close();
    kafka.close();
    if (!failed && !options.keepWorkDirectory()) {
      try (Stream<Path> paths = Files.walk(workDir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + workDir, e);
      }
    }
  }
}
