package io.cpner.ops.options;

import io.cpner.stream.ProcessorConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option: the processor's properties file, parsed and validated in one place. */
public final class ConfigFileOption {
  @Option(names = "--config", required = true, description = "Processor properties file; every key can be overridden by a CPNER_* environment variable (README, Configuration).")
  Path file;

  public ProcessorConfig load() throws IOException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      properties.load(in);
    }
    return ProcessorConfig.parse(properties, System.getenv());
  }
}
