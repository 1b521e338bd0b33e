package io.cpner.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small in-process schema registry that speaks the Confluent Schema Registry REST API subset the
 * project and Confluent's clients use (see {@link RegistryHttpHandler} for the endpoints), on the
 * loopback interface.
 *
 * <p>Identical schemas (same Avro normalized form) share one global id across subjects; a new
 * schema under a subject becomes its next version; compatibility is not checked (level NONE).
 * State is kept in a one-partition, compacted Kafka topic (default {@code _schemas}, Confluent's
 * record format): {@link #start} replays the whole topic, and a registration is acknowledged by the
 * broker (acks=all) before it is answered, so ids and versions survive a restart. Thread-safe.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
  private static final int HTTP_THREADS = 4;

  static {
    // the JDK server otherwise leaves Nagle's algorithm on: about 40 ms per small request/response
    // pair instead of about 1 ms (read once, when the first JDK HTTP server starts)
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /**
   * How to run the registry.
   *
   * @param bootstrapServers Kafka that holds the schema topic
   * @param topic the schema topic, created (1 partition, compacted) when missing
   * @param port HTTP port on 127.0.0.1, 0 for any free port
   * @param basicAuthUser user demanded by HTTP basic authentication, or null for no authentication
   * @param basicAuthPassword its password; set exactly when the user is
   * @param kafkaTimeout limit for reading the topic at start and for each write
   */
  public record Settings(
      String bootstrapServers, String topic, int port, String basicAuthUser, String basicAuthPassword,
      Duration kafkaTimeout) {

    /** The topic Confluent's registry uses. */
    public static final String DEFAULT_TOPIC = "_schemas";

    public Settings {
      if (bootstrapServers == null || bootstrapServers.isBlank()) {
        throw new IllegalArgumentException("bootstrapServers must be non-blank");
      }
      if (topic == null || topic.isBlank()) {
        throw new IllegalArgumentException("topic must be non-blank");
      }
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be in [0, 65535], found " + port);
      }
      if ((basicAuthUser == null) != (basicAuthPassword == null)) {
        throw new IllegalArgumentException("basic auth needs both basicAuthUser and basicAuthPassword, found only the "
            + (basicAuthUser == null ? "password" : "user"));
      }
      if (basicAuthUser != null && (basicAuthUser.isEmpty() || basicAuthUser.contains(":"))) {
        throw new IllegalArgumentException("basicAuthUser must be non-empty and contain no ':', found '" + basicAuthUser + "'");
      }
      if (kafkaTimeout == null || kafkaTimeout.isNegative() || kafkaTimeout.isZero()) {
        throw new IllegalArgumentException("kafkaTimeout must be positive, found " + kafkaTimeout);
      }
    }

    /** Topic {@code _schemas}, any free port, no authentication, 30 s Kafka timeout. */
    public static Settings of(String bootstrapServers) {
      return new Settings(bootstrapServers, DEFAULT_TOPIC, 0, null, null, Duration.ofSeconds(30));
    }

    /** These settings with the schema topic {@code name}. */
    public Settings withTopic(String name) {
      return new Settings(bootstrapServers, name, port, basicAuthUser, basicAuthPassword, kafkaTimeout);
    }

    /** These settings on HTTP port {@code number} (0: any free port). */
    public Settings withPort(int number) {
      return new Settings(bootstrapServers, topic, number, basicAuthUser, basicAuthPassword, kafkaTimeout);
    }

    /** These settings demanding HTTP basic authentication as {@code user} / {@code password}. */
    public Settings withBasicAuth(String user, String password) {
      return new Settings(bootstrapServers, topic, port, user, password, kafkaTimeout);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
      return "Settings[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", port=" + port
          + ", basicAuthUser=" + basicAuthUser + ", basicAuthPassword=" + (basicAuthPassword == null ? "null" : "****")
          + ", kafkaTimeout=" + kafkaTimeout + "]";
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final SchemaLog log;
  private final String url;

  private EmbeddedSchemaRegistry(HttpServer server, ExecutorService executor, SchemaLog log) {
    this.server = server;
    this.executor = executor;
    this.log = log;
    this.url = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Rebuilds the state from the schema topic, then starts serving HTTP. */
  public static EmbeddedSchemaRegistry start(Settings settings) {
    SchemaStore store = new SchemaStore();
    AtomicInteger replayed = new AtomicInteger();
    SchemaLog log = SchemaLog.open(settings.bootstrapServers(), settings.topic(), settings.kafkaTimeout(), registration -> {
      store.apply(normalized(registration, settings.topic()));
      replayed.incrementAndGet();
    });
    String authorization = settings.basicAuthUser() == null ? null
        : "Basic " + Base64.getEncoder().encodeToString(
            (settings.basicAuthUser() + ":" + settings.basicAuthPassword()).getBytes(StandardCharsets.UTF_8));
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()), 0);
    } catch (IOException e) {
      log.close();
      throw new UncheckedIOException("schema registry cannot listen on port " + settings.port() + ": " + e, e);
    }
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(HTTP_THREADS, task -> {
      Thread thread = new Thread(task, "schema-registry-http-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", new RegistryHttpHandler(store, log, authorization));
    server.start();
    EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(server, executor, log);
    LOG.info("Embedded schema registry at {} ({} schema records replayed from {})", registry.url(), replayed.get(),
        settings.topic());
    return registry;
  }

  /** The base URL, e.g. {@code http://127.0.0.1:40321}. */
  public String url() {
    return url;
  }

  /** The HTTP port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops serving and closes the topic writer; the topic keeps the state for the next start. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    log.close();
  }

  private static SchemaRegistration normalized(SchemaRegistration registration, String topic) {
    try {
      return new SchemaRegistration(registration.subject(), registration.version(), registration.id(),
          RegistryHttpHandler.normalize(registration.schema()));
    } catch (RegistryError e) {
      throw new IllegalStateException("schema topic " + topic + " holds an invalid schema (subject "
          + registration.subject() + ", version " + registration.version() + "): " + e.getMessage(), e);
    }
  }
}
