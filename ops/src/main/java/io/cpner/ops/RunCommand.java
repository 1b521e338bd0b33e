package io.cpner.ops;

import io.cpner.ops.options.ConfigFileOption;
import io.cpner.stream.NerProcessor;
import io.cpner.stream.ProcessorConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cpner run}: the processor against an existing Kafka cluster and schema registry, until SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the streaming processor against an existing Kafka and schema registry.")
final class RunCommand implements Callable<Integer> {
  @Mixin ConfigFileOption config;

  @Option(names = "--print-config", description = "Print the effective configuration and exit.")
  boolean printConfig;

  @Override
  public Integer call() throws Exception {
    ProcessorConfig c = config.load();
    if (printConfig) {
      c.settings().forEach((key, value) -> System.out.println(key + "=" + value));
      return 0;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    NerProcessor processor = NerProcessor.start(c);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      processor.close(); // the buffer stays in its changelog; the next start resumes from there
      stopped.countDown();
    }, "cpner-shutdown"));
    stopped.await();
    return 0;
  }
}
