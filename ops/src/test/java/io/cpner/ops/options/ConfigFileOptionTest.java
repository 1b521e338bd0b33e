package io.cpner.ops.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cpner run, publish and loadgen read a properties file and the CPNER_* variables, or the variables alone. */
class ConfigFileOptionTest {
  @TempDir Path temp;
  private static final Map<String, String> ENV = Map.of("CPNER_BOOTSTRAP_SERVERS", "kafka:9092",
      "CPNER_SCHEMA_REGISTRY_URL", "http://registry:8081", "CPNER_PREFIX_UPDATES_ALLOW_UNSIGNED", "true");

  @Test
  void shouldBeConfiguredByTheEnvironmentAloneWithoutAFile() throws Exception {
    ConfigFileOption option = new ConfigFileOption();
    assertEquals("kafka:9092", option.load(ENV).bootstrapServers());
    ConfigException missing = assertThrows(ConfigException.class, () -> option.load(Map.of()));
    assertEquals("Missing required configuration \"bootstrap.servers\" which has no default value.", missing.getMessage());
  }

  @Test
  void shouldLetTheEnvironmentOverrideTheFile() throws Exception {
    ConfigFileOption option = new ConfigFileOption();
    option.file = Files.writeString(temp.resolve("p.properties"), "bootstrap.servers=file:9092\napplication.id=from-file\n");
    assertEquals(java.util.List.of("kafka:9092", "from-file"),
        java.util.List.of(option.load(ENV).bootstrapServers(), option.load(ENV).applicationId()));
  }
}
