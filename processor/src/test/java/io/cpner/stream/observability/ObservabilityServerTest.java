package io.cpner.stream.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** Who can reach the HTTP server, and what it shows them. */
class ObservabilityServerTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void shouldServeOnlyMetricsAndHealthWhenTheLivePageIsOff() throws Exception {
    try (ObservabilityServer server = server("127.0.0.1", false)) {
      String base = "http://127.0.0.1:" + server.port();
      assertEquals(200, get(base + "/metrics").statusCode());
      assertEquals(200, get(base + "/ready").statusCode());
      assertEquals(200, get(base + "/health").statusCode());
      HttpResponse<String> results = get(base + "/results.json");
      assertEquals(404, results.statusCode());
      assertTrue(!results.body().contains("Angela Merkel"), "no document text: " + results.body());
      assertEquals(404, get(base + "/").statusCode());
    }
  }

  @Test
  void shouldServeTheLatestDocumentsWhenTheLivePageIsOn() throws Exception {
    try (ObservabilityServer server = server("127.0.0.1", true)) {
      String base = "http://127.0.0.1:" + server.port();
      assertTrue(get(base + "/results.json").body().contains("Angela Merkel met Macron."));
      assertEquals(200, get(base + "/").statusCode());
    }
  }

  @Test
  void shouldNotBeReachableFromAnotherInterfaceWhenBoundToLoopback() throws Exception {
    Optional<InetAddress> external = nonLoopbackAddress();
    try (ObservabilityServer server = server("127.0.0.1", true)) {
      assertEquals(200, get("http://127.0.0.1:" + server.port() + "/health").statusCode());
      if (external.isPresent()) { // a host with a network interface: the same port there refuses
        String url = "http://" + external.get().getHostAddress() + ":" + server.port() + "/results.json";
        assertThrows(IOException.class, () -> get(url), url);
      }
    }
    try (ObservabilityServer server = server("0.0.0.0", true)) {
      if (external.isPresent()) {
        assertEquals(200, get("http://" + external.get().getHostAddress() + ":" + server.port() + "/health").statusCode());
      }
    }
  }

  @Test
  void shouldSayWhenAStreamThreadWasReplacedAndNotBeReadyForAMinuteAfter() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000);
    StreamThreadFailures failures = new StreamThreadFailures(now::get);
    failures.replaced(new RuntimeException("send failed", new IllegalStateException("record too large")));
    now.addAndGet(5_000);
    try (ObservabilityServer server = new ObservabilityServer("127.0.0.1", 0, false,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        () -> new ObservabilityServer.Health(KafkaStreams.State.RUNNING, "plm", Map.of("politics", 2L), failures.summary()),
        new RecentResults(1), new io.cpner.stream.trends.TrendBoard(10))) {
      String base = "http://127.0.0.1:" + server.port();
      HttpResponse<String> ready = get(base + "/ready");
      assertEquals(503, ready.statusCode());
      assertTrue(ready.body().contains("\"streamThreads\":{\"replaced\":1,\"lastError\":\"java.lang.RuntimeException: send failed "
          + "(caused by java.lang.IllegalStateException: record too large)\",\"lastSecondsAgo\":5}"), ready.body());
      assertEquals(200, get(base + "/health").statusCode(), "alive: the thread was replaced");
      now.addAndGet(StreamThreadFailures.NOT_READY_FOR_MS);
      assertEquals(200, get(base + "/ready").statusCode(), "ready again a minute after");
    }
  }

  private static ObservabilityServer server(String bind, boolean livePage) {
    RecentResults recent = new RecentResults(5);
    recent.add(new RecentResults.Item("doc-1", "politics", 2, "Angela Merkel met Macron.",
        List.of(new RecentResults.Span("Angela Merkel", "politician", 0, 13, 0.97f)), 1L));
    return new ObservabilityServer(bind, 0, livePage, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        () -> new ObservabilityServer.Health(KafkaStreams.State.RUNNING, "plm", Map.of("politics", 2L)), recent, new io.cpner.stream.trends.TrendBoard(10));
  }

  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
    return NetworkInterface.networkInterfaces().filter(i -> {
      try {
        return i.isUp() && !i.isLoopback();
      } catch (IOException e) {
        return false;
      }
    }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address).findFirst();
  }
}
