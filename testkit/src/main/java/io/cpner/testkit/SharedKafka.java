package io.cpner.testkit;

/**
 * One embedded broker per test JVM, started on first use and shared by every test class that
 * needs Kafka; each test works on topics of its own. Closed (data deleted) when the JVM exits.
 */
public final class SharedKafka {
  private static EmbeddedKafka kafka;

  private SharedKafka() {}

  public static synchronized EmbeddedKafka get() {
    if (kafka == null) {
      kafka = EmbeddedKafka.start();
      Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "shared-kafka-shutdown"));
    }
    return kafka;
  }
}
