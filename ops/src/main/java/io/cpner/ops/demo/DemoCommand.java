package io.cpner.ops.demo;

import io.cpner.avro.DeadLetter;
import io.cpner.avro.Document;
import io.cpner.avro.NerResult;
import io.cpner.model.Plm;
import io.cpner.ops.options.PlmOption;
import io.cpner.ops.prefixes.PrefixDirectory;
import io.cpner.ops.prefixes.PrefixLoading;
import io.cpner.ops.prefixes.PrefixPublisher;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixSigningKey;
import io.cpner.registry.AvroSerde;
import io.cpner.registry.SchemaRegistryClient;
import io.cpner.stream.NerProcessor;
import io.cpner.stream.ProcessorConfig;
import io.cpner.stream.ProcessorSettings;
import io.cpner.testkit.EmbeddedKafka;
import io.cpner.testkit.EmbeddedSchemaRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cpner demo}: everything in one process, no docker. An in-process single-node KRaft broker
 * and schema registry, the shipped prefixes signed with a throwaway key and published to the control
 * topic, the processor (trusting that key alone), sample traffic across all domains (and a few bad
 * records), a re-fused prefix published mid-stream, and a summary at the end; with
 * {@code --keep-running}, then a sandbox that stays up until Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run broker, schema registry, processor and sample traffic in-process; show results live.")
public final class DemoCommand implements Callable<Integer> {
  /** Counted down by the JVM's shutdown (Ctrl-C, SIGTERM) to end a sandbox; the hook then waits for the close. */
  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);

  @Mixin PlmOption plmOption;

  @Option(names = "--prefixes", description = "Shipped prefixes (default: prefixes/<plm>).")
  Path prefixesDir;

  @Option(names = "--refused", description = "Re-fused prefix published mid-stream as a new version (default: <prefixes>/updates/politics).")
  Path refusedDir;

  @Option(names = "--rounds", defaultValue = "3", description = "Times the sample documents are sent (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--rate", defaultValue = "25", description = "Documents per second sent (default ${DEFAULT-VALUE}; 0: all at once).")
  double rate;

  @Option(names = "--timeout-s", defaultValue = "180", description = "Give up waiting for results after this long.")
  int timeoutSeconds;

  @Option(names = "--keep-running", description = "After the summary, leave the broker, registry and processor up, print "
      + "their addresses, and stop cleanly on Ctrl-C: a sandbox to point your own clients at.")
  boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    try {
      return run();
    } finally {
      closed.countDown();
    }
  }

  /** Blocks until Ctrl-C; the shutdown hook then waits (up to a minute) while everything closes. */
  private void awaitCtrlC() throws InterruptedException {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        closed.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "cpner-sandbox-stop"));
    stop.await();
    System.out.println("== stopping: processor, registry, broker");
  }

  private Integer run() throws Exception {
    // the demo prints every dead letter itself; keep the processor's own warnings for real runs
    System.setProperty("org.slf4j.simpleLogger.log.io.cpner.stream", "error");
    DemoConsole console = new DemoConsole(System.out, System.console() != null);
    List<Document> samples = DemoTraffic.samples();
    console.step("loading the PLM");
    try (Plm plm = plmOption.load();
        EmbeddedKafka kafka = EmbeddedKafka.start()) {
      console.step("in-process KRaft broker at " + kafka.bootstrapServers());
      Map<String, String> settings = new HashMap<>();
      settings.put(ProcessorSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
      settings.put(ProcessorSettings.STATE_DIR, Files.createTempDirectory("cpner-demo-state").toString());
      settings.put(ProcessorSettings.HTTP_PORT, "0"); // any free port: the demo must not clash with a running processor
      settings.put(ProcessorSettings.APPLICATION_ID, "cpner-demo");
      settings.put(ProcessorSettings.TRENDS_WINDOW_MS, "5000"); // windows that close within the demo's traffic
      settings.put(ProcessorSettings.TRENDS_GRACE_MS, "2000");
      // a throwaway signing key, trusted by this processor alone: the demo publishes signed updates
      PrefixSigningKey signingKey = InProcessSetup.throwawaySigningKey("demo", settings);
      try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(EmbeddedSchemaRegistry.Settings.of(kafka.bootstrapServers()))) {
        settings.put(ProcessorSettings.REGISTRY_URL, registry.url());
        ProcessorConfig config = ProcessorConfig.parse(settings);
        console.step("schema registry at " + registry.url());
        InProcessSetup.createTopics(kafka, config, 2);
        SchemaRegistryClient client = new SchemaRegistryClient(config.registryConfig());

        Path prefixes = prefixesDir != null ? prefixesDir : PrefixDirectory.shippedFor(plmOption.name());
        Path refused = refusedDir != null ? refusedDir : prefixes.resolve("updates").resolve("politics");
        List<DomainPrefix> shipped = PrefixDirectory.list(plm, prefixes);
        try (PrefixPublisher publisher = new PrefixPublisher(kafka.bootstrapServers(), Map.of(), client, config.topics().control(),
            Optional.of(signingKey))) {
          for (DomainPrefix p : shipped) {
            publisher.publish(p);
          }
          console.step("published " + shipped.size() + " prefixes, " + publisher.signing() + ": " + shipped.stream().map(p -> p.domain() + " v" + p.version()).toList());
          try (NerProcessor processor = NerProcessor.start(config, plm);
              DemoTraffic traffic = new DemoTraffic(kafka.bootstrapServers(), config, AvroSerde.forClass(Document.class, client, false),
                  AvroSerde.forClass(NerResult.class, client, false), AvroSerde.forClass(DeadLetter.class, client, false))) {
            InProcessSetup.awaitRunning(processor, shipped.size(), 60_000);
            console.step("processor RUNNING with prefixes " + processor.prefixes().versions());
            int half = samples.size() * rounds / 2;
            int sent = 0;
            List<Document> all = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
              for (Document d : samples) {
                all.add(Document.newBuilder(d).setId(d.getId() + "-r" + (r + 1)).build());
              }
            }
            sent += traffic.sendDocuments(all.subList(0, half), rate);
            sent += traffic.sendBadRecords();
            traffic.awaitOutputs(sent, timeoutSeconds, console);
            DomainPrefix refusedPrefix = PrefixLoading.loadFor(plm, refused);
            long next = processor.prefixes().installedVersion(refusedPrefix.domain()) + 1;
            publisher.publish(refusedPrefix.withVersion(next));
            console.step("published re-fused prefix " + refusedPrefix.domain() + " v" + next + " (" + refusedPrefix.metadata().kind()
                + ", sources " + refusedPrefix.metadata().sources() + ") mid-stream; no restart");
            while (processor.prefixes().installedVersion(refusedPrefix.domain()) < next) {
              Thread.sleep(20);
            }
            sent += traffic.sendDocuments(all.subList(half, all.size()), rate);
            traffic.awaitOutputs(sent, timeoutSeconds, console);
            console.summary(traffic.stats());
            if (keepRunning) {
              console.sandbox(kafka.bootstrapServers(), registry.url(), processor.httpPort(), config,
                  settings.get(ProcessorSettings.TRUSTED_KEYS));
              awaitCtrlC();
            }
            return traffic.stats().lost() == 0 ? 0 : 1;
          }
        }
      }
    }
  }
}
