package io.cpner.ops.demo;

import io.cpner.avro.DeadLetter;
import io.cpner.avro.EntitySpan;
import io.cpner.avro.NerResult;
import io.cpner.stream.ProcessorConfig;
import java.io.PrintStream;

/** Prints the demo readably: steps, each result with its entities highlighted in the text, a summary. */
public final class DemoConsole {
  private static final String BOLD = "\u001b[1m";
  private static final String CYAN = "\u001b[36m";
  private static final String YELLOW = "\u001b[33m";
  private static final String RESET = "\u001b[0m";

  private final PrintStream out;
  private final boolean color;

  DemoConsole(PrintStream out, boolean color) {
    this.out = out;
    this.color = color;
  }

  void step(String text) {
    out.println(paint(BOLD, "== " + text));
  }

  synchronized void result(String text, NerResult r) {
    out.printf("%-14s %-10s v%-2d %s%n", r.getDocId(), r.getDomain(), r.getPrefixVersion(), highlight(text, r));
  }

  synchronized void deadLetter(DeadLetter d) {
    out.println(paint(YELLOW, String.format("dead letter    %-14s %s (%s-%d@%d)", d.getReason(), d.getDetail(),
        d.getSourceTopic(), d.getSourcePartition(), d.getSourceOffset())));
  }

  /** Where a sandbox's parts listen, and how to use them, once the demo is done. */
  void sandbox(String bootstrapServers, String registryUrl, int httpPort, ProcessorConfig config, String trustedKeysFile) {
    step("sandbox: broker, schema registry and processor stay up until Ctrl-C");
    out.printf("bootstrap.servers     %s%n", bootstrapServers);
    out.printf("schema.registry.url   %s%n", registryUrl);
    out.printf("processor             http://127.0.0.1:%d/ (live page), /metrics, /ready%n", httpPort);
    ProcessorConfig.Topics t = config.topics();
    out.printf("topics                %s (Document records) -> %s; dead letters %s; control %s%n", t.input(), t.output(),
        t.deadLetter(), t.control());
    out.println("a second processor on your own JSON topic (README, Use it on your topics):");
    out.printf("  CPNER_BOOTSTRAP_SERVERS=%s CPNER_SCHEMA_REGISTRY_URL=%s CPNER_APPLICATION_ID=my-json \\%n", bootstrapServers,
        registryUrl);
    out.printf("  CPNER_TOPIC_INPUT=my-events CPNER_INPUT_FORMAT=JSON CPNER_INPUT_DOMAIN=header:x-domain \\%n");
    out.printf("  CPNER_OUTPUT_MODE=ENRICHED CPNER_TOPIC_OUTPUT=my-events-tagged CPNER_TOPIC_DEAD_LETTER=my-events-dlq \\%n");
    out.printf("  CPNER_PREFIX_UPDATES_TRUSTED_KEYS=%s cpner run%n", trustedKeysFile);
  }

  void summary(DemoStats s) {
    step("summary");
    out.printf("documents sent      %d%n", s.sentCount());
    out.printf("results             %d (%d entities)%n", s.resultCount(), s.entityCount());
    out.printf("dead letters        %d %s%n", s.deadCount(), s.deadByReason());
    out.printf("lost / duplicated   %d / %d%n", s.lost(), s.duplicates());
    out.printf("delivered           %.1f documents/s (first send to last output, traffic paced)%n", s.throughput());
    out.printf("latency p50 / p99   %d / %d ms (produce to result)%n", s.latencyQuantile(0.5), s.latencyQuantile(0.99));
  }

  /** The text with every entity marked: {@code [Angela Merkel|person]}. */
  private String highlight(String text, NerResult r) {
    StringBuilder b = new StringBuilder();
    int at = 0;
    for (EntitySpan e : r.getEntities()) {
      if (e.getStart() < at || e.getEnd() > text.length()) {
        continue;
      }
      b.append(text, at, e.getStart());
      b.append(paint(CYAN, "[" + text.substring(e.getStart(), e.getEnd()) + "|" + e.getType() + "]"));
      at = e.getEnd();
    }
    return b.append(text.substring(at)).toString();
  }

  private String paint(String code, String text) {
    return color ? code + text + RESET : text;
  }
}
