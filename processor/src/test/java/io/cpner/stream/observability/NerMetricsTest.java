package io.cpner.stream.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cpner.TestPrefixes;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixRegistry;
import io.cpner.stream.control.PrefixUpdateStatus;
import org.junit.jupiter.api.Test;

class NerMetricsTest {
  @Test
  void shouldKeepOneVersionGaugePerDomainThatFollowsEveryInstall() {
    NerMetrics metrics = NerMetrics.inMemory();
    PrefixRegistry prefixes = new PrefixRegistry();
    prefixes.install(prefix("news", 1));
    metrics.watch(prefixes, new PrefixUpdateStatus());
    prefixes.install(prefix("news", 2));
    metrics.prefixInstalled("news"); // what the control-topic applier calls for every install
    prefixes.install(prefix("sports", 1));
    metrics.prefixInstalled("sports");
    assertEquals(1, metrics.registry().find("cpner.prefix.version").tag("domain", "news").gauges().size());
    assertEquals(2.0, metrics.registry().get("cpner.prefix.version").tag("domain", "news").gauge().value());
    assertEquals(1.0, metrics.registry().get("cpner.prefix.version").tag("domain", "sports").gauge().value());
  }

  private static DomainPrefix prefix(String domain, long version) {
    return TestPrefixes.placeholder(domain, version);
  }
}
