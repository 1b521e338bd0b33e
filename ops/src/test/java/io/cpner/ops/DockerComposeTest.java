package io.cpner.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cpner.stream.ProcessorConfig;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot be run here (no docker engine), so it is parsed and checked: the
 * services and their order, the ports, the topics it creates, the prefixes it publishes, and that
 * every environment variable the processor gets names a real setting.
 */
class DockerComposeTest {
  private static final Path ROOT = Path.of("..");
  private static Map<String, Map<String, Object>> services;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void parse() throws Exception {
    try (Reader in = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
      Map<String, Object> compose = new Yaml().load(in);
      services = (Map<String, Map<String, Object>>) compose.get("services");
    }
  }

  @Test
  void shouldBeAValidComposeFileForDockerComposeItself() throws Exception {
    Path dockerCompose = Path.of("/usr/bin/docker-compose");
    assumeTrue(Files.isExecutable(dockerCompose), "Debian's docker-compose is not installed (.ci/run installs it)");
    Process check = new ProcessBuilder(dockerCompose.toString(), "-f", "docker-compose.yml", "config", "--quiet")
        .directory(ROOT.toFile()).redirectErrorStream(true).start();
    String output = new String(check.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, check.waitFor(), "docker-compose config: " + output);
  }

  @Test
  void shouldDefineTheServicesOfTheStackWithTheirPorts() {
    assertEquals(List.of("kafka", "schema-registry", "topics", "prefixes", "processor", "loadgen", "prometheus", "grafana"),
        List.copyOf(services.keySet()));
    assertEquals(List.of("load"), services.get("loadgen").get("profiles"));
    assertEquals(List.of("9090:9090"), services.get("prometheus").get("ports"));
    assertEquals(List.of("3000:3000"), services.get("grafana").get("ports"));
    assertTrue(services.get("kafka").get("image").toString().startsWith("apache/kafka:"));
    assertTrue(services.get("schema-registry").get("image").toString().startsWith("confluentinc/cp-schema-registry:"));
    assertEquals(List.of("9092:9092"), services.get("kafka").get("ports"));
    assertEquals(List.of("8081:8081"), services.get("schema-registry").get("ports"));
    assertEquals(List.of("8080:8080"), services.get("processor").get("ports"));
    assertTrue(services.get("processor").get("healthcheck").toString().contains("GET /ready"));
    assertEquals(".", services.get("processor").get("build"));
  }

  @Test
  void shouldStartEachServiceOnlyWhenWhatItNeedsIsReady() {
    assertEquals(Map.of("kafka", Map.of("condition", "service_healthy")), services.get("schema-registry").get("depends_on"));
    assertEquals(Map.of("topics", Map.of("condition", "service_completed_successfully"),
        "schema-registry", Map.of("condition", "service_healthy")), services.get("prefixes").get("depends_on"));
    assertEquals(Map.of("prefixes", Map.of("condition", "service_completed_successfully")),
        services.get("processor").get("depends_on"));
    assertTrue(services.get("kafka").containsKey("healthcheck"));
    assertTrue(services.get("schema-registry").containsKey("healthcheck"));
  }

  @Test
  void shouldGiveTheProcessorOnlyEnvironmentVariablesThatNameRealSettings() throws Exception {
    for (String service : List.of("processor", "prefixes", "loadgen")) {
      ProcessorConfig config = ProcessorConfig.parse(exampleConfig(), environment(service));
      assertEquals("kafka:29092", config.bootstrapServers(), service);
      assertEquals("http://schema-registry:8081", config.registryConfig().url().toString(), service);
      assertEquals("bert-base-cased", config.inference().plm(), service);
      assertEquals(java.nio.file.Path.of("/app/plm-cache"), config.inference().plmCacheDir(), service);
    }
  }

  @Test
  void shouldCreateEveryTopicTheProcessorUsesAndPublishEveryShippedPrefix() throws Exception {
    ProcessorConfig config = ProcessorConfig.parse(exampleConfig(), environment("processor"));
    String topics = String.join("\n", commandOf("topics"));
    for (String topic : List.of(config.topics().input(), config.topics().output(), config.topics().deadLetter(), config.topics().control(),
        config.topics().status())) {
      assertTrue(topics.contains("--topic " + topic + " "), "compose creates topic " + topic);
    }
    assertTrue(topics.contains("--topic " + config.topics().control() + " --partitions 1 --config cleanup.policy=compact"));
    // publish takes the directory of the default PLM's shipped prefixes (the image copies prefixes/ to
    // /app/prefixes, one directory per PLM) and publishes each sub-directory with a prefix.json
    List<String> published = commandOf("prefixes");
    assertEquals("/app/prefixes/bert-base-cased", published.get(published.size() - 1));
    try (Stream<Path> dirs = Files.list(ROOT.resolve("prefixes").resolve("minilm"))) {
      assertTrue(dirs.filter(d -> Files.exists(d.resolve("prefix.json"))).count() >= 6, "the shipped prefixes");
    }
  }

  @Test
  void shouldMountMonitoringFilesThatExist() {
    for (String service : List.of("prometheus", "grafana")) {
      for (Object volume : (List<?>) services.get(service).get("volumes")) {
        String host = volume.toString().split(":")[0];
        assertTrue(Files.exists(ROOT.resolve(host)), service + " mounts " + host);
      }
    }
  }

  @Test
  void shouldBuildTheImageInTwoStagesWithMaven() throws Exception {
    List<String> from = Files.readAllLines(ROOT.resolve("Dockerfile")).stream().filter(l -> l.startsWith("FROM ")).toList();
    assertEquals(2, from.size());
    assertTrue(from.get(0).startsWith("FROM maven:"), from.get(0));
  }

  private static Properties exampleConfig() throws Exception {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(ROOT.resolve("ops/config/processor.properties"))) {
      p.load(in);
    }
    return p;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> environment(String service) {
    Map<String, String> env = new HashMap<>();
    ((Map<String, Object>) services.get(service).get("environment")).forEach((k, v) -> env.put(k, interpolated(v)));
    return env;
  }

  @SuppressWarnings("unchecked")
  private static List<String> commandOf(String service) {
    return ((List<Object>) services.get(service).get("command")).stream().map(DockerComposeTest::interpolated).toList();
  }

  /** A compose value as docker compose runs it when the user's environment sets none of its variables. */
  private static String interpolated(Object value) {
    return String.valueOf(value).replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1");
  }
}
