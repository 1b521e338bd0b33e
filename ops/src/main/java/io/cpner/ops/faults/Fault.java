package io.cpner.ops.faults;

import io.cpner.stream.ProcessorConfig;
import io.cpner.stream.ProcessorSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The faults of the suite. Each streams valid documents while its fault happens and publishes a
 * prefix update in the middle of it; the common end ({@link ScenarioRun#finish}) then checks, with a
 * read_committed reader, that every input has exactly one outcome (at-least-once: at least one).
 */
public enum Fault {
  /** SIGKILL while documents wait in the batch buffer (committed to its changelog, none tagged yet); restart. */
  SIGKILL_FULL_BUFFER("sigkill-full-buffer", false) {
    @Override
    void play(ScenarioRun run) {
      ProcessorProcess p = run.startProcessor("p1", BUFFER_EVERYTHING);
      run.documents().start(run.documentsPerSecond());
      long buffered = run.awaitCommittedInputs(MIN_BUFFERED);
      run.expect(run.ledger().results() == 0, "documents were tagged before the kill although the batch delay is 60 s");
      run.kill(p);
      run.note("SIGKILL with >= " + buffered + " documents in the buffer");
      restartAndAwait(run, buffered);
    }
  },

  /** SIGTERM while documents wait in the batch buffer: a clean exit, the buffer left to its changelog; restart. */
  SIGTERM_RESTART("sigterm-restart", false) {
    @Override
    void play(ScenarioRun run) {
      ProcessorProcess p = run.startProcessor("p1", BUFFER_EVERYTHING);
      run.documents().start(run.documentsPerSecond());
      long buffered = run.awaitCommittedInputs(MIN_BUFFERED);
      double seconds = run.stop(p);
      run.await("the reader has every committed outcome", run.ledger()::caughtUp);
      run.note(String.format("SIGTERM with >= %d buffered: exit %d in %.1f s, %d results before the restart", buffered,
          ScenarioRun.SIGTERM_EXIT, seconds, run.ledger().results()));
      restartAndAwait(run, buffered);
    }
  },

  /**
   * SIGTERM while a backlog keeps the processor's forward passes running: a clean exit (143), not a
   * crash in the encoder's native code, whatever the batch in flight was doing; restart.
   */
  SIGTERM_MID_PASS("sigterm-mid-pass", false) {
    @Override
    void play(ScenarioRun run) {
      ProcessorProcess p = run.startProcessor("p1", Map.of());
      run.documents().sendWave(BACKLOG);
      run.awaitResults(MIN_PROGRESS);
      double seconds = run.stop(p);
      run.await("the reader has every committed outcome", run.ledger()::caughtUp);
      int before = run.ledger().results();
      run.expect(before < BACKLOG, "the backlog of " + BACKLOG + " was tagged before the SIGTERM: no pass was running");
      run.note(String.format("SIGTERM with %d of a %d-document backlog tagged: exit %d in %.1f s", before, BACKLOG,
          ScenarioRun.SIGTERM_EXIT, seconds));
      restartAndAwait(run, BACKLOG);
    }
  },

  /** The broker stops mid-stream and comes back; the processor is left alone and must recover by itself. */
  BROKER_RESTART("broker-restart", false) {
    @Override
    void play(ScenarioRun run) throws Exception {
      ProcessorProcess p = run.startProcessor("p1", Map.of());
      run.documents().start(run.documentsPerSecond());
      run.awaitResults(MIN_PROGRESS);
      run.step("stopping the broker");
      run.kafka().stopBroker();
      CompletableFuture<Void> update = run.publishPrefixAsync(FaultSuite.UPDATED_VERSION);
      Thread.sleep(BROKER_OUTAGE.toMillis()); // the fault itself: the broker stays away this long
      run.step("starting the broker");
      run.kafka().startBroker();
      update.get();
      run.awaitResults(run.ledger().results() + MIN_PROGRESS);
      run.expect(!p.diedUnexpectedly(), "the processor died during the broker restart");
      run.note("broker down " + BROKER_OUTAGE.toSeconds() + " s; processor not restarted");
    }
  },

  /** A second instance joins mid-stream (rebalance), the update arrives, then it stops again (rebalance back). */
  SCALE_OUT_AND_IN("scale-out-and-in", false) {
    @Override
    void play(ScenarioRun run) {
      run.startProcessor("a", Map.of());
      run.documents().start(run.documentsPerSecond());
      run.awaitResults(MIN_PROGRESS);
      ProcessorProcess b = run.startProcessor("b", Map.of());
      run.awaitMembers(2);
      run.publishPrefix(FaultSuite.UPDATED_VERSION);
      run.awaitResults(run.ledger().results() + MIN_PROGRESS);
      run.stop(b);
      run.awaitMembers(1);
      run.awaitResults(run.ledger().results() + MIN_PROGRESS);
      run.note("1 -> 2 -> 1 instances (the second stopped by SIGTERM)");
    }
  },

  /**
   * At-least-once: SIGKILL while results flow, after a first commit, with a 2 s commit interval; restart.
   * Inputs read again from the last commit are tagged again: duplicates allowed and counted.
   */
  AT_LEAST_ONCE_SIGKILL("at-least-once-sigkill", true) {
    @Override
    void play(ScenarioRun run) {
      Map<String, String> alos = Map.of(ProcessorSettings.GUARANTEE, "at_least_once", ProcessorSettings.COMMIT_INTERVAL_MS, "2000");
      ProcessorProcess p = run.startProcessor("p1", alos);
      run.documents().start(run.documentsPerSecond());
      long committed = run.awaitCommittedInputs(MIN_PROGRESS);
      run.awaitResults((int) committed + 10); // results past the last commit (probably: commits come every 2 s)
      run.kill(p);
      run.note("SIGKILL with " + committed + " inputs committed and " + run.ledger().results() + " results; commit interval 2 s");
      run.publishPrefix(FaultSuite.UPDATED_VERSION);
      run.startProcessor("p1", alos);
      run.awaitResults(run.ledger().results() + MIN_PROGRESS);
    }
  },

  /**
   * One document in 100 at {@code document.max.chars} (100,000 characters, about 25,000 pieces)
   * among short ones, at a pace the processor sustains: the short documents' p99 latency must stay
   * within {@link #SHORT_P99_BOUND_MS} (long documents are tagged in parts that share batches), and
   * the processor's peak resident memory is reported. Documents sent while the processor starts
   * (short ones only) are not counted.
   */
  LONG_DOCUMENTS("long-documents", false) {
    @Override
    void play(ScenarioRun run) {
      ProcessorProcess p = run.startProcessor("p1", Map.of());
      run.documents().start(LONG_MIX_PER_SECOND);
      run.awaitResults(MIN_PROGRESS); // short documents only while the processor starts and warms up
      Set<String> warmUp = run.documents().inputs();
      run.documents().longEvery(LONG_EVERY, LONG_CHARS);
      run.await(LONG_SAMPLE + " long documents tagged", () -> run.ledger().accountedFor(run.documents().longIds()) >= LONG_SAMPLE);
      run.publishPrefix(FaultSuite.UPDATED_VERSION);
      Set<String> longIds = run.documents().longIds();
      List<Long> shortMs = run.ledger().latenciesMs(id -> !longIds.contains(id) && !warmUp.contains(id));
      List<Long> longMs = run.ledger().latenciesMs(longIds::contains);
      long p99 = quantile(shortMs, 0.99);
      run.note(String.format("1 in %d documents at %,d characters, %d documents/s: short p50 %d / p99 %d ms (%d documents; "
          + "bound %d ms), long p50 %d / max %d ms (%d documents); peak resident %.2f GiB", LONG_EVERY, LONG_CHARS,
          LONG_MIX_PER_SECOND, quantile(shortMs, 0.5), p99, shortMs.size(), SHORT_P99_BOUND_MS, quantile(longMs, 0.5),
          quantile(longMs, 1.0), longMs.size(), p.peakResidentBytes() / (double) (1L << 30)));
      run.note("slowest short " + run.ledger().slowest(id -> !longIds.contains(id) && !warmUp.contains(id)));
      run.expect(p99 <= SHORT_P99_BOUND_MS, "short documents' p99 " + p99 + " ms exceeds " + SHORT_P99_BOUND_MS + " ms");
    }
  };

  /**
   * Publishes the prefix update, restarts p1 on the defaults and waits until the {@code sent}
   * documents of before the fault have their results, noting how soon the new instance was ready and
   * tagging.
   */
  private static void restartAndAwait(ScenarioRun run, long sent) {
    run.publishPrefix(FaultSuite.UPDATED_VERSION);
    int before = run.ledger().results();
    long restarted = System.nanoTime();
    double ready = run.startProcessorAndTimeReady("p1", Map.of());
    run.awaitResults(before + 1);
    run.note(String.format("/ready %.1f s and first result %.1f s after the restart", ready, (System.nanoTime() - restarted) / 1e9));
    run.awaitResults((int) sent);
  }

  /** The {@code q}-quantile of sorted values, or -1 for none. */
  private static long quantile(List<Long> sorted, double q) {
    return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(q * sorted.size()) - 1)));
  }

  private static final int LONG_EVERY = 100;
  private static final int LONG_CHARS = 100_000;
  private static final int LONG_SAMPLE = 5;
  private static final int LONG_MIX_PER_SECOND = 5;
  /** Short documents' p99 in the long-documents scenario: the batch delay plus a few full batches on MiniLM. */
  static final long SHORT_P99_BOUND_MS = 2_000;

  /** Documents wait until 60 s have passed: nothing is tagged before the fault. */
  private static final Map<String, String> BUFFER_EVERYTHING = Map.of(ProcessorSettings.BATCH_MAX_DELAY_MS, "60000",
      ProcessorSettings.BATCH_MAX_DOCUMENTS, "4096", ProcessorSettings.BATCH_MAX_TOKENS, "1000000");
  private static final int MIN_BUFFERED = 40;
  /** Documents sent at once for SIGTERM_MID_PASS: seconds of back-to-back forward passes on MiniLM. */
  private static final int BACKLOG = 1_000;
  private static final int MIN_PROGRESS = 30;
  private static final Duration BROKER_OUTAGE = Duration.ofSeconds(5);

  private final String label;
  private final boolean allowsDuplicates;

  Fault(String label, boolean allowsDuplicates) {
    this.label = label;
    this.allowsDuplicates = allowsDuplicates;
  }

  /** The scenario's name in the table, topic names and logs. */
  public String label() {
    return label;
  }

  /** True for at-least-once, where a crash may emit some results twice. */
  public boolean allowsDuplicates() {
    return allowsDuplicates;
  }

  /** Starts the processors and the stream, injects the fault, publishes the prefix update, and leaves everything running. */
  abstract void play(ScenarioRun run) throws Exception;
}
