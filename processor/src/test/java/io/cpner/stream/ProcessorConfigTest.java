package io.cpner.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ProcessorConfigTest {
  private static Properties file() {
    Properties p = new Properties();
    p.put(ProcessorSettings.BOOTSTRAP_SERVERS, "file:9092");
    p.put(ProcessorSettings.REGISTRY_URL, "http://registry:8081");
    p.put(ProcessorSettings.BATCH_MAX_DELAY_MS, "50");
    p.put("prefix.updates.allow.unsigned", "true");
    return p;
  }

  @Test
  void shouldLetEnvironmentVariablesOverrideTheFile() {
    ProcessorConfig c = ProcessorConfig.parse(file(), Map.of(
        "CPNER_BOOTSTRAP_SERVERS", "kafka:9092",
        "CPNER_BATCH_MAX_DELAY_MS", "20",
        "CPNER_STREAMS_SECURITY_PROTOCOL", "SSL",
        "PATH", "/usr/bin"));
    assertEquals("kafka:9092", c.bootstrapServers());
    assertEquals(20L, c.batching().maxDelayMs());
    assertEquals("http://registry:8081", c.registryConfig().url().toString());
    assertEquals(Map.of("security.protocol", "SSL"), c.streamsOverrides());
  }

  @Test
  void shouldNameAnEnvironmentVariableThatMatchesNoSetting() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ProcessorConfig.parse(file(), Map.of("CPNER_BATCH_MAX_DELAY", "20")));
    assertTrue(e.getMessage().contains("CPNER_BATCH_MAX_DELAY"), e.getMessage());
  }

  @Test
  void shouldSayWhichSettingAMisspelledVariableWasProbablyMeantToBe() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ProcessorConfig.parse(file(), Map.of("CPNER_BATCH_MAX_DELAY_SM", "20")));
    assertTrue(e.getMessage().contains("did you mean CPNER_BATCH_MAX_DELAY_MS?"), e.getMessage());
    ConfigException sameWord = assertThrows(ConfigException.class,
        () -> ProcessorConfig.parse(file(), Map.of("CPNER_BATCH_SIZE", "20")));
    assertTrue(sameWord.getMessage().contains("CPNER_BATCH_SIZE"), sameWord.getMessage());
  }

  @Test
  void shouldStartBesideTheLaunchersVariablesAndUnrelatedCpnerNames() {
    ProcessorConfig c = ProcessorConfig.parse(file(), Map.of(
        "CPNER_JAVA_OPTS", "-Xmx2g",
        "CPNER_CLASSPATH", "/opt/cpner/lib/*",
        "CPNER_REBUILD", "1",
        "CPNER_PREFIXES", "/app/prefixes/bert-base-cased",
        "CPNER_HOME", "/opt/cpner",
        "CPNER_OWNER_EMAIL", "ops@example.com",
        "CPNER_BATCH_MAX_DELAY_MS", "30"));
    assertEquals(30L, c.batching().maxDelayMs());
    assertEquals(ProcessorConfig.parse(file(), Map.of("CPNER_BATCH_MAX_DELAY_MS", "30")).settings(), c.settings());
  }

  @Test
  void shouldNameTheKeyOfAnInvalidValue() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ProcessorConfig.parse(file(), Map.of("CPNER_BATCH_MAX_DOCUMENTS", "0")));
    assertTrue(e.getMessage().contains("batch.max.documents"), e.getMessage());
  }

  @Test
  void shouldBeDocumentedInTheReadmeExactlyAsDeclared() throws java.io.IOException {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
    assertTrue(readme.contains(ProcessorSettings.markdownTable()),
        "README's configuration table differs from ProcessorSettings.markdownTable(); paste it from there");
  }

  @Test
  void shouldDeriveTheEnvironmentNameOfEveryKey() {
    assertEquals("CPNER_SCHEMA_REGISTRY_URL", ProcessorSettings.envName(ProcessorSettings.REGISTRY_URL));
    assertTrue(ProcessorSettings.markdownTable().contains("| `batch.max.delay.ms` | `CPNER_BATCH_MAX_DELAY_MS` | long | `50` |"));
  }

  @Test
  void shouldListEveryEffectiveSettingWithSecretsHidden() {
    Properties p = file();
    p.put(ProcessorSettings.REGISTRY_USER_INFO, "svc:s3cret");
    p.put("streams.ssl.keystore.password", "hunter2");
    Map<String, String> settings = ProcessorConfig.parse(p, Map.of()).settings();
    assertEquals("svc:[hidden]", settings.get(ProcessorSettings.REGISTRY_USER_INFO));
    assertEquals("[hidden]", settings.get("streams.ssl.keystore.password"));
    assertEquals("50", settings.get(ProcessorSettings.BATCH_MAX_DELAY_MS));
    assertEquals("exactly_once_v2", settings.get(ProcessorSettings.GUARANTEE));
    assertTrue(settings.keySet().containsAll(ProcessorSettings.DEFINITION.names()), "every declared key is listed");
  }

  @Test
  void shouldRunOneStreamThreadPerCoreWithOneCoreEachByDefault() {
    int cores = Runtime.getRuntime().availableProcessors();
    ProcessorConfig byDefault = ProcessorConfig.parse(file(), Map.of());
    assertEquals(Math.min(64, cores), byDefault.streamThreads());
    assertEquals(Math.max(1, cores / Math.min(64, cores)), byDefault.intraOpThreads());
    assertEquals("0 (" + byDefault.streamThreads() + " in use)", byDefault.settings().get(ProcessorSettings.STREAM_THREADS));

    ProcessorConfig one = ProcessorConfig.parse(file(), Map.of("CPNER_NUM_STREAM_THREADS", "1"));
    assertEquals(1, one.streamThreads());
    assertEquals(cores, one.intraOpThreads(), "one stream thread's passes use every core");

    ProcessorConfig pinned = ProcessorConfig.parse(file(), Map.of("CPNER_NUM_STREAM_THREADS", "1", "CPNER_INFERENCE_THREADS", "3"));
    assertEquals(3, pinned.intraOpThreads());
  }

  @Test
  void shouldRunNoMoreStreamThreadsThanInputPartitionsWhenOnePerCore() {
    int cores = Runtime.getRuntime().availableProcessors();
    ProcessorConfig perCore = ProcessorConfig.parse(file(), Map.of());
    // given one input partition: one stream thread, whose passes get every core
    ProcessorConfig one = perCore.forInputPartitions(1);
    assertEquals(1, one.streamThreads());
    assertEquals(cores, one.intraOpThreads());
    // an unknown partition count, or a configured number of threads, is kept
    assertEquals(perCore.streamThreads(), perCore.forInputPartitions(0).streamThreads());
    ProcessorConfig three = ProcessorConfig.parse(file(), Map.of("CPNER_NUM_STREAM_THREADS", "3"));
    assertEquals(3, three.forInputPartitions(1).streamThreads());
  }

  @Test
  void shouldReadSeveralInputTopicsAndMapEachToItsDomain() {
    ProcessorConfig c = ProcessorConfig.parse(file(), Map.of("CPNER_TOPIC_INPUT", "news-pol, papers", "CPNER_INPUT_FORMAT", "JSON",
        "CPNER_INPUT_DOMAIN", "topic:news-pol=politics,papers=science"));
    assertEquals(java.util.List.of("news-pol", "papers"), c.topics().inputs());
    assertEquals("news-pol", c.topics().input());
    assertEquals(new io.cpner.stream.documents.InputSpec.FromTopic(Map.of("news-pol", "politics", "papers", "science")),
        c.input().domain());
    ConfigException unmapped = assertThrows(ConfigException.class, () -> ProcessorConfig.parse(file(), Map.of(
        "CPNER_TOPIC_INPUT", "news-pol,papers,blogs", "CPNER_INPUT_FORMAT", "TEXT", "CPNER_INPUT_DOMAIN", "topic:news-pol=politics,papers=science")));
    assertEquals("Invalid value topic:news-pol=politics,papers=science for configuration input.domain: no domain for input topics [blogs]",
        unmapped.getMessage());
  }

  @Test
  void shouldReadEveryTopicMatchingAPatternAndRefuseABadOne() {
    ProcessorConfig c = ProcessorConfig.parse(file(), Map.of("CPNER_TOPIC_INPUT_PATTERN", "news-.*", "CPNER_INPUT_FORMAT", "TEXT",
        "CPNER_INPUT_DOMAIN", "topic:news-pol=politics"));
    assertTrue(c.topics().inputPattern().orElseThrow().matcher("news-science").matches());
    ConfigException bad = assertThrows(ConfigException.class, () -> ProcessorConfig.parse(file(), Map.of("CPNER_TOPIC_INPUT_PATTERN", "news-(")));
    assertEquals("Invalid value news-( for configuration topic.input.pattern: not a regular expression: Unclosed group", bad.getMessage());
  }
}
