package io.cpner.stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpner.avro.DeadLetterReason;
import io.cpner.prefix.PrefixRegistry;
import io.cpner.stream.control.PrefixUpdateStatus;
import io.cpner.stream.observability.NerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard queries only metrics the processor really exports (names as Prometheus shows them). */
class DashboardTest {
  @Test
  void shouldQueryOnlyMetricsTheProcessorExports() throws Exception {
    // given every metric the processor registers, scraped in Prometheus format
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    NerMetrics metrics = new NerMetrics(registry);
    metrics.watch(new PrefixRegistry(), new PrefixUpdateStatus());
    metrics.documentIn();
    metrics.deadLetter(DeadLetterReason.EMPTY_TEXT);
    metrics.batch(4, 1_000_000);
    metrics.result("news", 12);
    metrics.prefixInstalled("news");
    String scrape = registry.scrape();
    // when the dashboard's queries are read
    JsonNode dashboard = new ObjectMapper().readTree(Path.of("monitoring/grafana/dashboards/cpner-stream.json").toFile());
    Set<String> used = new TreeSet<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        Matcher m = Pattern.compile("cpner_[a-z_]+").matcher(target.get("expr").asText());
        while (m.find()) {
          used.add(m.group());
        }
      }
    }
    // then each is exported
    assertFalse(used.isEmpty());
    for (String name : used) {
      assertTrue(scrape.contains(name), "dashboard queries " + name + ", not exported");
    }
  }
}
