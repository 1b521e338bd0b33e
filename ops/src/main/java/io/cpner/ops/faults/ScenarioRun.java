package io.cpner.ops.faults;

import io.cpner.avro.PrefixUpdate;
import io.cpner.prefix.DomainPrefix;
import io.cpner.stream.ProcessorConfig;
import io.cpner.stream.ProcessorSettings;
import io.cpner.stream.control.PrefixSignatures;
import io.cpner.stream.control.PrefixUpdates;
import io.cpner.testkit.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scenario's world and the steps its fault is made of: topics and an application id of its own,
 * a document stream, the ledger of committed outcomes, the processors it started. Waits are on
 * conditions with a deadline; while waiting it keeps reading outcomes and fails fast, with the log,
 * when a processor dies that should not have.
 */
final class ScenarioRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScenarioRun.class);
  static final int INPUT_PARTITIONS = 4;
  private static final Duration PAUSE = Duration.ofMillis(200);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  /** Exit code of a JVM that ran its shutdown hooks after SIGTERM (128 + 15). */
  static final int SIGTERM_EXIT = 143;

  private final FaultSuite suite;
  private final Fault fault;
  private final Path dir;
  private final Map<String, String> baseSettings = new HashMap<>();
  private final List<ProcessorProcess> processors = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private final DocumentStream documents;
  private final OutcomeLedger ledger;
  private final ProcessorGroup group;
  private final String controlTopic;
  private final long startedNanos = System.nanoTime();

  ScenarioRun(FaultSuite suite, Fault fault, Path dir) {
    this.suite = suite;
    this.fault = fault;
    this.dir = dir;
    String name = fault.label();
    EmbeddedKafka kafka = suite.kafka();
    String input = name + "-documents";
    String output = name + "-entities";
    String deadLetters = name + "-dlq";
    this.controlTopic = name + "-prefixes";
    String statusTopic = name + "-prefix-status";
    kafka.createTopic(input, INPUT_PARTITIONS, false);
    kafka.createTopic(output, INPUT_PARTITIONS, false);
    kafka.createTopic(deadLetters, 1, false);
    kafka.createTopic(controlTopic, 1, true);
    kafka.createTopic(statusTopic, 1, false);
    baseSettings.put(ProcessorSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    // the suite's prefix is a synthetic rule prefix: it tests delivery, not accuracy, so its child
    // JVMs run the small bundled PLM, which starts in seconds
    baseSettings.put(ProcessorSettings.PLM, suite.options().plm());
    baseSettings.put(ProcessorSettings.REGISTRY_URL, suite.registryUrl());
    baseSettings.put(ProcessorSettings.APPLICATION_ID, "faults-" + name);
    baseSettings.put(ProcessorSettings.INPUT_TOPIC, input);
    baseSettings.put(ProcessorSettings.OUTPUT_TOPIC, output);
    baseSettings.put(ProcessorSettings.DEAD_LETTER_TOPIC, deadLetters);
    baseSettings.put(ProcessorSettings.CONTROL_TOPIC, controlTopic);
    baseSettings.put(ProcessorSettings.STATUS_TOPIC, statusTopic);
    baseSettings.put(ProcessorSettings.ACCEPTED_TOPIC, "faults-" + name + "-prefix-accepted");
    baseSettings.put(ProcessorSettings.TRUSTED_KEYS, suite.trustedKeys().toString());
    baseSettings.put(ProcessorSettings.BATCH_MAX_DELAY_MS, "100");
    // group membership on the processor's own defaults (NerStreamsApp): no session override here
    this.documents = new DocumentStream(kafka.bootstrapServers(), suite.serdes().document().serializer(), input,
        suite.prefix().domain(), name);
    this.ledger = new OutcomeLedger(kafka.bootstrapServers(), output, deadLetters, suite.serdes().result().deserializer());
    this.group = new ProcessorGroup(kafka.admin(), "faults-" + name, input, INPUT_PARTITIONS);
  }

  EmbeddedKafka kafka() {
    return suite.kafka();
  }

  DocumentStream documents() {
    return documents;
  }

  OutcomeLedger ledger() {
    return ledger;
  }

  int documentsPerSecond() {
    return suite.options().documentsPerSecond();
  }

  /**
   * Starts (or restarts) processor {@code instance}: its own state directory, kept across restarts,
   * this scenario's settings, then {@code overrides}.
   */
  ProcessorProcess startProcessor(String instance, Map<String, String> overrides) {
    Map<String, String> settings = new HashMap<>(baseSettings);
    settings.put(ProcessorSettings.STATE_DIR, dir.resolve(instance + "-state").toString());
    settings.put(ProcessorSettings.HTTP_PORT, "0"); // two instances run side by side
    settings.putAll(overrides);
    ProcessorProcess p = ProcessorProcess.start(fault.label() + "-" + instance, settings, dir);
    step("started processor " + p.name());
    processors.add(p);
    return p;
  }

  /**
   * Starts a processor on a free HTTP port of its own and returns, with it, the seconds from now
   * until its {@code /ready} answered 200 (RUNNING, PLM loaded, a prefix installed).
   */
  double startProcessorAndTimeReady(String instance, Map<String, String> overrides) {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for the processor's HTTP server", e);
    }
    Map<String, String> settings = new HashMap<>(overrides);
    settings.put(ProcessorSettings.HTTP_PORT, String.valueOf(port));
    long started = System.nanoTime();
    startProcessor(instance, settings);
    HttpClient http = HttpClient.newHttpClient();
    URI ready = URI.create("http://127.0.0.1:" + port + "/ready");
    await("processor " + instance + " answers /ready with 200", () -> {
      try {
        return http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException e) {
        return false; // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    });
    return (System.nanoTime() - started) / 1e9;
  }

  /** Publishes version {@code version} of the suite's prefix, signed, to the control topic and waits for the acknowledgement. */
  void publishPrefix(long version) {
    publishPrefixAsync(version).join();
  }

  /** As {@link #publishPrefix}, without waiting (a send may block while the broker is away). */
  CompletableFuture<Void> publishPrefixAsync(long version) {
    DomainPrefix prefix = suite.prefix().withVersion(version);
    PrefixUpdate update = PrefixSignatures.sign(PrefixUpdates.toUpdate(prefix), suite.signingKey());
    KafkaProducer<String, PrefixUpdate> producer = suite.prefixProducer();
    return CompletableFuture.runAsync(() -> {
      try {
        producer.send(new ProducerRecord<>(controlTopic, prefix.domain(), update)).get();
      } catch (Exception e) {
        throw new IllegalStateException("cannot publish " + prefix.domain() + " v" + version + " to " + controlTopic + ": " + e, e);
      }
    });
  }

  /** Waits until {@code condition} holds, reading outcomes meanwhile; fails naming {@code what} at the deadline. */
  void await(String what, BooleanSupplier condition) {
    step("waiting until " + what);
    long deadline = System.nanoTime() + suite.options().timeout().toNanos();
    while (true) {
      ledger.poll(PAUSE);
      if (condition.getAsBoolean()) {
        return;
      }
      for (ProcessorProcess p : processors) {
        if (p.diedUnexpectedly()) {
          throw failure("processor " + p.name() + " died while waiting until " + what);
        }
      }
      if (System.nanoTime() > deadline) {
        throw failure("timed out after " + suite.options().timeout().toSeconds() + " s waiting until " + what);
      }
    }
  }

  /** Waits until at least {@code count} results are committed. */
  void awaitResults(int count) {
    await(count + " results are committed (have " + ledger.results() + ")", () -> ledger.results() >= count);
  }

  /** Waits until the group has committed {@code count} inputs; returns how many it has. */
  long awaitCommittedInputs(long count) {
    await("the processors have committed " + count + " inputs", () -> group.committed() >= count);
    return group.committed();
  }

  /** Waits until exactly {@code count} processors own input partitions in a stable group. */
  void awaitMembers(int count) {
    await(count + " processors own the input partitions", () -> group.membersWithInput() == count);
  }

  /** SIGKILL. */
  void kill(ProcessorProcess p) {
    step("SIGKILL to " + p.name());
    p.kill();
  }

  /** SIGTERM: checks that the processor exits in time with the code of a clean JVM shutdown; returns seconds taken. */
  double stop(ProcessorProcess p) {
    step("SIGTERM to " + p.name());
    long started = System.nanoTime();
    int exit = p.terminate(STOP_TIMEOUT);
    double seconds = (System.nanoTime() - started) / 1e9;
    expect(exit == SIGTERM_EXIT, p.name() + " exited with " + exit + " after SIGTERM, expected " + SIGTERM_EXIT);
    return seconds;
  }

  void note(String text) {
    notes.add(text);
  }

  /** Logs a step of the scenario with the time since it started. */
  void step(String text) {
    LOG.info("[{} +{}s] {} (inputs {}, results {}, dead letters {})", fault.label(),
        String.format("%.1f", (System.nanoTime() - startedNanos) / 1e9), text, documents.acknowledged(), ledger.results(),
        ledger.deadLetters());
  }

  /** Records a broken promise; the scenario goes on so that its row is still printed. */
  void expect(boolean holds, String violation) {
    if (!holds) {
      violations.add(violation);
    }
  }

  /**
   * The common end of every scenario: stop the stream; send small waves until a result shows the
   * prefix update mid-fault was installed; wait until every input has an outcome and the group has
   * committed the whole input; stop the processors (SIGTERM); read to the last stable offset; tally.
   */
  ScenarioReport finish() throws InterruptedException {
    documents.stop();
    long newest = FaultSuite.UPDATED_VERSION;
    await("a result names prefix v" + newest + " (the update published mid-fault)", () -> {
      if (ledger.versions().containsKey(newest)) {
        return true;
      }
      Set<String> wave = Set.copyOf(documents.sendWave(5));
      await("a wave of 5 documents has outcomes", () -> ledger.accountedFor(wave) == wave.size());
      return ledger.versions().containsKey(newest);
    });
    Set<String> inputs = documents.inputs();
    await("every input has an outcome and the input topic is committed to its end",
        () -> ledger.accountedFor(inputs) == inputs.size() && group.committedEverything());
    for (ProcessorProcess p : processors) {
      if (p.isAlive()) {
        stop(p);
      }
    }
    await("the reader has every committed outcome", ledger::caughtUp);
    Tally tally = ledger.tally(inputs);
    expect(tally.lost() == 0, tally.lost() + " inputs lost");
    expect(tally.unexpected() == 0, tally.unexpected() + " outcomes for ids never sent");
    expect(tally.deadLetters() == 0, tally.deadLetters() + " dead letters for valid documents");
    expect(fault.allowsDuplicates() || tally.duplicated() == 0, tally.duplicated() + " duplicates under exactly-once");
    return new ScenarioReport(fault, tally, (System.nanoTime() - startedNanos) / 1e9, List.copyOf(notes), List.copyOf(violations));
  }

  private IllegalStateException failure(String message) {
    StringBuilder b = new StringBuilder(fault.label()).append(": ").append(message)
        .append(" (inputs ").append(documents.acknowledged()).append(", results ").append(ledger.results())
        .append(", dead letters ").append(ledger.deadLetters()).append(")");
    Map<String, ProcessorProcess> latest = new LinkedHashMap<>();
    processors.forEach(p -> latest.put(p.name(), p)); // a restarted instance appends to the same log
    for (ProcessorProcess p : latest.values()) {
      b.append('\n').append(p.name()).append(p.isAlive() ? " running" : " exited").append('\n').append(p.logTail());
    }
    return new IllegalStateException(b.toString());
  }

  @Override
  public void close() {
    processors.forEach(ProcessorProcess::destroy);
    documents.close();
    ledger.close();
  }
}
