package io.cpner.ops.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.SharedPlm;
import io.cpner.TestPrefixes;
import io.cpner.model.Plm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineBenchTest {
  private static final List<String> TEXTS = List.of(
      "Angela Merkel met Emmanuel Macron in Berlin on Monday.",
      "The Beatles released Abbey Road in 1969.",
      "Marie Curie discovered polonium in Paris.",
      "Google DeepMind trained AlphaGo with reinforcement learning.",
      "George Orwell wrote Animal Farm.");

  @Test
  void shouldMeasureAPacedPointThroughTheWholePipelineWithoutLosingADocument() {
    // given the bench with the real PLM and three domains' prefixes
    Plm plm = SharedPlm.get();
    try (PipelineBench bench = PipelineBench.start(plm, Map.of(
        "alpha", TestPrefixes.random(plm, "alpha", 8, 1),
        "beta", TestPrefixes.random(plm, "beta", 4, 2),
        "rule", TestPrefixes.capitalisedWords(plm)), TEXTS, Map.of())) {
      // when 20 documents/s are offered for 3 s, batches of up to 8 waiting up to 20 ms
      PipelineBench.Point point = bench.atRate(8, 20, 20, 3);
      System.out.printf("pipeline bench: %s%n  offered %.1f docs/s, %.1f docs/s, %.0f tokens/s, latency p50 %.0f ms, p95 %.0f ms, p99 %.0f ms%n",
          point, point.offeredDocsPerSec(), point.docsPerSec(), point.tokensPerSec(), point.p50Ms(), point.p95Ms(), point.p99Ms());
      // then every document produced has its result, and the figures are consistent
      assertTrue(point.produced() > 0, "produced " + point.produced());
      assertEquals(point.produced(), point.results(), "one result per document");
      assertTrue(point.p50Ms() <= point.p95Ms() && point.p95Ms() <= point.p99Ms(), point.toString());
      assertTrue(point.docsPerSec() > 0 && point.tokensPerSec() > point.docsPerSec(), point.toString());
      assertEquals(8, point.batchSize());
      assertEquals(20, point.maxDelayMs());
    }
  }
}
