package io.cpner.ops.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.SharedPlm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The fault suite against {@code cpner run} processors in JVMs of their own (a broker of the suite's
 * own in this JVM). Each test prints its scenario's row; the class prints the table at the end.
 * The slow scenarios (broker restart, scale out and in) are tagged {@code slow} and run only with
 * {@code mvn -B verify -pl ops -am -Dgroups=slow} (surefire passes {@code groups} on to this JVM).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FaultSuiteTest {
  private static final List<ScenarioReport> REPORTS = Collections.synchronizedList(new ArrayList<>());
  private static FaultSuite suite;

  @BeforeAll
  static void start() {
    suite = FaultSuite.start(SharedPlm.get().identity(), FaultSuite.Options.defaults());
  }

  @AfterAll
  static void stop() {
    if (!REPORTS.isEmpty()) {
      System.out.print(ScenarioReport.table(REPORTS));
    }
    if (suite != null) {
      suite.close();
    }
  }

  @Test
  void shouldGiveEveryBufferedDocumentExactlyOneResultAfterASigkill() throws Exception {
    // given documents committed to the batch buffer and none tagged, when the processor is killed and restarted
    ScenarioReport report = run(Fault.SIGKILL_FULL_BUFFER);

    // then every input has exactly one result, tagged after the restart with the update published while it was down
    assertExactlyOnce(report);
    assertEquals(Map.of(FaultSuite.UPDATED_VERSION, report.inputs()), report.versions());
  }

  @Test
  void shouldExitCleanlyOnSigtermAndEmitNothingTwiceAfterARestart() throws Exception {
    // given documents in the batch buffer, when the processor gets SIGTERM (exit code checked) and is restarted
    ScenarioReport report = run(Fault.SIGTERM_RESTART);

    // then every input has exactly one result
    assertExactlyOnce(report);
  }

  @Test
  void shouldExitCleanlyOnSigtermDuringAForwardPassAndTagTheRestOnceAfterARestart() throws Exception {
    // given a backlog that keeps the forward passes running, when the processor gets SIGTERM (exit code checked) and is restarted
    ScenarioReport report = run(Fault.SIGTERM_MID_PASS);

    // then every input has exactly one result
    assertExactlyOnce(report);
  }

  @Test
  void shouldLoseNothingUnderAtLeastOnceAfterASigkillAndCountTheDuplicates() throws Exception {
    // given at-least-once with a 2 s commit interval, when the processor is killed while results flow and restarted
    ScenarioReport report = run(Fault.AT_LEAST_ONCE_SIGKILL);

    // then nothing is lost; duplicates are allowed and counted
    assertTrue(report.passed(), report.row());
    assertEquals(0, report.lost(), report.row());
    assertEquals(report.inputs() + report.duplicated(), report.tally().results(), report.row());
  }

  @Test
  @Tag("slow")
  @EnabledIfSystemProperty(named = "groups", matches = ".*\\bslow\\b.*", disabledReason = "slow: run with -Dgroups=slow")
  void shouldRecoverByItselfFromABrokerRestartMidStream() throws Exception {
    // given a running processor, when the broker stops for 5 s and comes back (the processor is left alone)
    ScenarioReport report = run(Fault.BROKER_RESTART);

    // then every input has exactly one result
    assertExactlyOnce(report);
  }

  @Test
  @Tag("slow")
  @EnabledIfSystemProperty(named = "groups", matches = ".*\\bslow\\b.*", disabledReason = "slow: run with -Dgroups=slow")
  void shouldLoseAndDuplicateNothingWhenScalingOutAndBackIn() throws Exception {
    // given one processor, when a second joins mid-stream and stops again (two rebalances)
    ScenarioReport report = run(Fault.SCALE_OUT_AND_IN);

    // then every input has exactly one result
    assertExactlyOnce(report);
  }

  @Test
  @Tag("slow")
  @EnabledIfSystemProperty(named = "groups", matches = ".*\\bslow\\b.*", disabledReason = "slow: run with -Dgroups=slow")
  void shouldKeepShortDocumentsFastAmongDocumentsAtTheMaximumLength() throws Exception {
    // given one document in 100 at 100,000 characters among short ones, then every input has exactly one result
    ScenarioReport report = run(Fault.LONG_DOCUMENTS);

    // and the short ones' p99 stays within the bound (checked by the scenario, which fails otherwise)
    assertExactlyOnce(report);
  }

  private static ScenarioReport run(Fault fault) throws Exception {
    ScenarioReport report = suite.run(fault);
    REPORTS.add(report);
    System.out.print(ScenarioReport.header() + report.row());
    return report;
  }

  /** No input lost, none with two outcomes, no dead letters (all inputs are valid), the mid-fault update applied. */
  private static void assertExactlyOnce(ScenarioReport report) {
    assertTrue(report.passed(), report.row());
    assertEquals(0, report.lost(), report.row());
    assertEquals(0, report.duplicated(), report.row());
    assertEquals(0, report.tally().deadLetters(), report.row());
    assertEquals(report.inputs(), report.tally().results(), report.row());
    assertTrue(report.versions().containsKey(FaultSuite.UPDATED_VERSION), report.row());
  }
}
