package io.cpner.ops;

import io.cpner.ops.demo.DemoCommand;
import io.cpner.ops.demo.LoadgenCommand;
import io.cpner.ops.prefixes.KeygenCommand;
import io.cpner.ops.prefixes.PublishCommand;
import io.cpner.ops.training.FuseCommand;
import io.cpner.ops.training.TrainCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code cpner} command line: one subcommand per operation. */
@Command(
    name = "cpner",
    mixinStandardHelpOptions = true,
    version = "cpner-stream 0.1.0",
    description = "Streaming named-entity recognition: one frozen PLM, one prefix per domain (CP-NER).",
    subcommands = {DemoCommand.class, RunCommand.class, PublishCommand.class, KeygenCommand.class, TagCommand.class,
        EvalCommand.class, TrainCommand.class, FuseCommand.class, BenchCommand.class, LoadgenCommand.class, FaultsCommand.class})
public final class Cpner {
  public static void main(String[] args) {
    // nothing is ever downloaded at run time: the PLM and libtorch come from the classpath
    System.setProperty("ai.djl.offline", "true");
    System.exit(new CommandLine(new Cpner()).setExecutionExceptionHandler(Cpner::userError).execute(args));
  }

  /**
   * A bad argument or file (IllegalArgumentException, Kafka's ConfigException) is one line on
   * stderr and exit 2; anything else is a bug or an outage and keeps its stack trace.
   */
  static int userError(Exception e, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
    if (e instanceof IllegalArgumentException || e instanceof org.apache.kafka.common.config.ConfigException) {
      command.getErr().println(command.getCommandName() + ": " + e.getMessage());
      return 2;
    }
    throw e;
  }
}
