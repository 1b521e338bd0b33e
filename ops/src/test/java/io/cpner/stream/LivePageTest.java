package io.cpner.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cpner.avro.EntityTrend;
import io.cpner.stream.observability.ObservabilityServer;
import io.cpner.stream.observability.RecentResults;
import io.cpner.stream.trends.TrendBoard;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live results page, rendered by a real headless Chromium (Debian's {@code chromium}): after its
 * script ran, the DOM shows each result's domain, prefix version and text with every entity marked
 * by type. Skipped where Chromium is not installed (.ci/run installs it).
 */
class LivePageTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @TempDir Path temp;

  @Test
  void shouldShowTheLatestResultsWithTheirEntitiesHighlightedPerDomain() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "headless Chromium test skipped: /usr/bin/chromium not installed");
    // given two tagged documents of two domains, one with markup characters in its text
    RecentResults recent = new RecentResults(10);
    recent.add(new RecentResults.Item("doc-1", "politics", 2, "Angela Merkel met <b>Macron</b>.",
        List.of(new RecentResults.Span("Angela Merkel", "politician", 0, 13, 0.97f)), 1L));
    recent.add(new RecentResults.Item("doc-2", "music", 1, "The Beatles recorded Abbey Road.",
        List.of(new RecentResults.Span("The Beatles", "band", 0, 11, 0.9f), new RecentResults.Span("Abbey Road", "album", 21, 31, 0.8f)),
        2L));
    // and a closed trends window of politics
    TrendBoard trends = new TrendBoard(10);
    trends.add(new EntityTrend("politics", "politician", "angela merkel", 7L, 1_764_756_000_000L, 1_764_756_060_000L));
    trends.add(new EntityTrend("politics", "location", "<berlin>", 3L, 1_764_756_000_000L, 1_764_756_060_000L));
    try (ObservabilityServer server = new ObservabilityServer("127.0.0.1", 0, true, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        () -> new ObservabilityServer.Health(KafkaStreams.State.RUNNING, "plm", Map.of("politics", 2L)), recent, trends)) {
      // when Chromium loads the page and runs its script
      String dom = render("http://127.0.0.1:" + server.port() + "/");
      // then the newest result comes first, with its domain, version and highlighted entities
      assertTrue(dom.contains("2 latest results, newest first"), dom);
      int music = dom.indexOf("class=\"doc\" data-domain=\"music\"");
      int politics = dom.indexOf("class=\"doc\" data-domain=\"politics\"");
      assertTrue(music > 0 && politics > music, "newest (music) first: " + dom);
      assertTrue(dom.contains("<span class=\"domain\">politics</span> prefix v2"), dom);
      assertTrue(dom.matches("(?s).*<mark class=\"entity\" data-type=\"politician\"[^>]*>Angela Merkel<span class=\"type\">politician</span></mark>.*"), dom);
      assertTrue(dom.matches("(?s).*<mark class=\"entity\" data-type=\"band\"[^>]*>The Beatles<span class=\"type\">band</span></mark>.*"), dom);
      assertTrue(dom.matches("(?s).*<mark class=\"entity\" data-type=\"album\"[^>]*>Abbey Road<span class=\"type\">album</span></mark>.*"), dom);
      // and text is shown as text, never as markup
      assertTrue(dom.contains("met &lt;b&gt;Macron&lt;/b&gt;."), dom);
      // and the trending entities of the closed window, most mentioned first, as text
      assertTrue(dom.matches("(?s).*<div class=\"trend\" data-domain=\"politics\"[^>]*><span class=\"domain\">politics</span> "
          + "10:00:00–10:01:00<ol><li><span class=\"entity-text\">angela merkel</span> <span class=\"type\">politician</span> "
          + "<span class=\"count\">7</span></li><li><span class=\"entity-text\">&lt;berlin&gt;</span>.*"), dom);
      // (the page's own script contains the mark template, so count rendered marks: a type follows data-type)
      assertEquals(3, java.util.regex.Pattern.compile("<mark class=\"entity\" data-type=\"\\w").matcher(dom).results().count());
    }
  }

  private String render(String url) throws Exception {
    Path out = temp.resolve("dom.html");
    Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + temp.resolve("profile"), "--virtual-time-budget=5000", "--dump-dom", url)
        .redirectOutput(out.toFile()).redirectError(temp.resolve("chromium.err").toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 60 s");
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
