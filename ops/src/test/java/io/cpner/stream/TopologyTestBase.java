package io.cpner.stream;

import static io.cpner.stream.TopologyHarness.START;

import io.cpner.SharedPlm;
import io.cpner.TestPrefixes;
import io.cpner.inference.NerEngine;
import io.cpner.model.Plm;
import io.cpner.ops.embedded.EmbeddedSchemaRegistry;
import io.cpner.prefix.DomainPrefix;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every topology test class shares: a schema registry of its own on the JVM's shared broker,
 * registry serdes, the real PLM and engine, the capitalised-words prefix, and a private state directory.
 */
abstract class TopologyTestBase {
  static final long T0 = START.toEpochMilli();

  static EmbeddedSchemaRegistry registry;
  static TopicSerdes serdes;
  static Plm plm;
  static NerEngine engine;
  static DomainPrefix capitalised;

  @TempDir
  Path stateDir;

  @BeforeAll
  static void startFixture() {
    registry = TopologyHarness.startRegistry(TopologyTestBase.class);
    serdes = TopologyHarness.serdes(registry);
    plm = SharedPlm.get();
    engine = new NerEngine(plm);
    capitalised = TestPrefixes.capitalisedWords(plm);
  }

  @AfterAll
  static void stopFixture() {
    if (registry != null) {
      registry.close();
    }
  }
}
