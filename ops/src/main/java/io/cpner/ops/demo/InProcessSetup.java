package io.cpner.ops.demo;

import io.cpner.prefix.Ed25519Keys;
import io.cpner.prefix.PrefixSigningKey;
import io.cpner.prefix.TrustedKeys;
import io.cpner.stream.NerProcessor;
import io.cpner.stream.ProcessorConfig;
import io.cpner.stream.ProcessorSettings;
import io.cpner.testkit.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the demo and the pipeline bench share to run a processor in-process: its topics on the
 * embedded broker, a throwaway key that signs the prefixes it is sent, and waiting until it runs.
 */
public final class InProcessSetup {
  private InProcessSetup() {}

  /**
   * Creates the configuration's topics: input and output with {@code partitions} partitions, one
   * partition for the dead-letter, control (compacted) and status topics.
   */
  public static void createTopics(EmbeddedKafka kafka, ProcessorConfig config, int partitions) {
    kafka.createTopic(config.topics().input(), partitions, false);
    kafka.createTopic(config.topics().output(), partitions, false);
    kafka.createTopic(config.topics().deadLetter(), 1, false);
    kafka.createTopic(config.topics().control(), 1, true);
    kafka.createTopic(config.topics().status(), 1, false);
  }

  /**
   * A new key pair, id {@code idPrefix-<hex>}: its public half is written to a trusted-keys file that
   * {@code settings} is pointed at ({@link ProcessorConfig#TRUSTED_KEYS}), so that the processor trusts it alone.
   */
  public static PrefixSigningKey throwawaySigningKey(String idPrefix, Map<String, String> settings) throws IOException {
    KeyPair pair = Ed25519Keys.generate();
    PrefixSigningKey key = new PrefixSigningKey(idPrefix + "-" + Long.toHexString(System.nanoTime()), pair.getPrivate());
    Path trusted = Files.createTempDirectory("cpner-" + idPrefix + "-keys").resolve("trusted-keys.properties");
    Files.writeString(trusted, TrustedKeys.line(key.keyId(), pair.getPublic()) + "\n");
    settings.put(ProcessorSettings.TRUSTED_KEYS, trusted.toString());
    return key;
  }

  /** Waits until the processor is RUNNING with at least {@code prefixes} prefixes installed. */
  public static void awaitRunning(NerProcessor processor, int prefixes, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (processor.state() != KafkaStreams.State.RUNNING || processor.prefixes().size() < prefixes) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("processor not running after " + timeoutMs / 1000 + " s: state " + processor.state()
            + ", prefixes installed " + processor.prefixes().versions());
      }
      Thread.sleep(50);
    }
  }
}
