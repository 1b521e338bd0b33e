package io.cpner.stream.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cpner.stream.trends.TrendBoard;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The processor's HTTP endpoints: {@code /metrics} (Prometheus text format), {@code /health}
 * (liveness: 200 unless Kafka Streams has failed or stopped) and {@code /ready} (200 once Kafka
 * Streams is RUNNING, the PLM is loaded and at least one prefix is installed, and no stream thread
 * was replaced in the last minute), each with a JSON body saying why (with the replaced threads'
 * count and the last one's error); and {@code /}, a live page of the latest results with their entities highlighted
 * per domain and the trending entities of each domain's latest closed window (it polls
 * {@code /results.json} and {@code /trends.json}).
 */
public final class ObservabilityServer implements AutoCloseable {
  /** What the health endpoints report. */
  public record Health(KafkaStreams.State state, String plm, Map<String, Long> prefixes, StreamThreadFailures.Summary threads) {
    /** With no stream thread ever replaced. */
    public Health(KafkaStreams.State state, String plm, Map<String, Long> prefixes) {
      this(state, plm, prefixes, StreamThreadFailures.Summary.NONE);
    }

    boolean live() {
      return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.NOT_RUNNING
          && state != KafkaStreams.State.PENDING_ERROR;
    }

    boolean ready() {
      return state == KafkaStreams.State.RUNNING && plm != null && !prefixes.isEmpty() && !threads.recent();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LIVE_PAGE = livePage();
  private final HttpServer server;

  /**
   * Starts serving on {@code bindAddress}:{@code port} (0: any free port); without
   * {@code livePage}, {@code /} and {@code /results.json} (document texts) answer 404.
   */
  public ObservabilityServer(String bindAddress, int port, boolean livePage, PrometheusMeterRegistry registry,
      Supplier<Health> health, RecentResults recent, TrendBoard trends) {
    try {
      this.server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on HTTP " + bindAddress + ":" + port, e);
    }
    server.createContext("/metrics", exchange -> send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext("/health", exchange -> sendHealth(exchange, health.get(), health.get().live()));
    server.createContext("/ready", exchange -> sendHealth(exchange, health.get(), health.get().ready()));
    server.createContext("/results.json", exchange -> {
      if (!livePage) {
        send(exchange, 404, "text/plain", "not found (http.live.page=false)");
      } else {
        send(exchange, 200, "application/json", JSON.writeValueAsString(recent.snapshot()));
      }
    });
    server.createContext("/trends.json", exchange -> {
      if (!livePage) {
        send(exchange, 404, "text/plain", "not found (http.live.page=false)");
      } else {
        send(exchange, 200, "application/json", JSON.writeValueAsString(trends.snapshot()));
      }
    });
    server.createContext("/", exchange -> {
      if (!livePage || !exchange.getRequestURI().getPath().equals("/")) {
        send(exchange, 404, "text/plain", "not found");
      } else {
        send(exchange, 200, "text/html; charset=utf-8", LIVE_PAGE);
      }
    });
    server.start();
  }

  private static String livePage() {
    try (var in = ObservabilityServer.class.getResourceAsStream("live.html")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("classpath resource io/cpner/stream/observability/live.html is missing", e);
    }
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void sendHealth(HttpExchange exchange, Health health, boolean ok) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", ok ? "UP" : "DOWN");
    body.put("streams", String.valueOf(health.state()));
    body.put("plm", health.plm());
    body.put("prefixes", health.prefixes());
    StreamThreadFailures.Summary threads = health.threads();
    Map<String, Object> replaced = new LinkedHashMap<>();
    replaced.put("replaced", threads.replaced());
    threads.last().ifPresent(last -> {
      replaced.put("lastError", last.error());
      replaced.put("lastSecondsAgo", (threads.nowMs() - last.atMs()) / 1000);
    });
    body.put("streamThreads", replaced);
    send(exchange, ok ? 200 : 503, "application/json", JSON.writeValueAsString(body));
  }

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
