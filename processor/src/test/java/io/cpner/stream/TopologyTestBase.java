package io.cpner.stream;

import static io.cpner.stream.TopologyHarness.START;

import io.cpner.SharedPlm;
import io.cpner.TestPrefixes;
import io.cpner.inference.NerEngine;
import io.cpner.model.Plm;
import io.cpner.prefix.DomainPrefix;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every topology test class shares: Avro serdes over an in-memory schema registry, the real PLM
 * and engine, the capitalised-words prefix, and a private state directory. No broker.
 */
abstract class TopologyTestBase {
  static final long T0 = START.toEpochMilli();

  static TopicSerdes serdes;
  static Plm plm;
  static NerEngine engine;
  static DomainPrefix capitalised;

  @TempDir
  Path stateDir;

  @BeforeAll
  static void startFixture() {
    serdes = TopologyHarness.serdes();
    plm = SharedPlm.get();
    engine = new NerEngine(plm);
    capitalised = TestPrefixes.capitalisedWords(plm);
  }
}
