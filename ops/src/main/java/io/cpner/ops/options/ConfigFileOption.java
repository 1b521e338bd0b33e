package io.cpner.ops.options;

import io.cpner.stream.ProcessorConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * The {@code --config FILE} option: the processor's properties file, then the {@code CPNER_*}
 * environment variables over it, parsed and validated in one place. Without the option, the
 * environment alone configures it (containers, the sandbox's suggested commands).
 */
public final class ConfigFileOption {
  @Option(names = "--config", description = "Processor properties file; every key can be overridden by a CPNER_* environment variable (README, Configuration). Without it, the CPNER_* variables alone.")
  Path file;

  public ProcessorConfig load() throws IOException {
    return load(System.getenv());
  }

  /** The configuration from the file, if any, and {@code environment}. */
  ProcessorConfig load(java.util.Map<String, String> environment) throws IOException {
    Properties properties = new Properties();
    if (file != null) {
      try (Reader in = Files.newBufferedReader(file)) {
        properties.load(in);
      }
    }
    return ProcessorConfig.parse(properties, environment);
  }
}
