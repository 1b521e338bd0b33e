package io.cpner.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cpner.SharedPlm;
import io.cpner.TestPrefixes;
import io.cpner.registry.ConfluentPython;
import io.cpner.testkit.EmbeddedSchemaRegistry;
import io.cpner.testkit.SharedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Confluent's own Python client talks to the running processor: it registers the Document schema,
 * produces documents the processor reads, and reads the NerResults back through the registry.
 * Skipped where /usr/bin/python3 cannot import that client.
 */
class ProcessorPythonInteropTest {
  @TempDir Path temp;

  @Test
  void shouldTagDocumentsConfluentPythonProducedAndServeResultsItCanRead() throws Exception {
    String missing = ConfluentPython.whyMissing();
    assumeTrue(missing == null, () -> "Confluent Python interop skipped: " + missing);
    var kafka = SharedKafka.get();
    try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
        EmbeddedSchemaRegistry.Settings.of(kafka.bootstrapServers()).withTopic("_schemas-processor-python"))) {
      // given the processor on single-partition topics with a capitalised-words prefix for "news"
      ProcessorConfig config = StreamTestKit.configWithTopics("py", registry.url(), 1, Map.of());
      var news = TestPrefixes.capitalisedWords(SharedPlm.get(), "news");
      try (NerProcessor processor = NerProcessor.start(config, SharedPlm.get())) {
        StreamTestKit.publish(registry.url(), config, news);
        StreamTestKit.awaitPrefixes(processor, Map.of("news", 1L));
        // when Python produces two documents with Confluent's AvroSerializer
        Path records = temp.resolve("documents.json");
        Files.writeString(records, """
            [{"id": "py-1", "domain": "news", "text": "Angela Merkel met Emmanuel Macron in Paris.", "metadata": {}},
             {"id": "py-2", "domain": "news", "text": "São Paulo hosted the Zürich orchestra.", "metadata": {"lang": "en"}}]""");
        ConfluentPython.run(temp, registry.url(), null, null, "produce", "--topic", config.topics().input(), "--schema",
            Path.of("../schemas/Document.avsc").toString(), "--records", records.toString());
        // then Python reads both results back with Confluent's AvroDeserializer
        JsonNode read = ConfluentPython.run(temp, registry.url(), null, null, "consume", "--topic", config.topics().output(),
            "--count", "2");
        Map<String, List<String>> entities = new HashMap<>();
        for (JsonNode record : read.get("records")) {
          JsonNode value = record.get("value");
          assertEquals("news", value.get("domain").asText());
          assertEquals(1, value.get("prefixVersion").asInt());
          List<String> texts = new ArrayList<>();
          value.get("entities").forEach(e -> texts.add(e.get("text").asText()));
          entities.put(value.get("docId").asText(), texts);
        }
        assertEquals(Map.of("py-1", List.of("Angela", "Merkel", "Emmanuel", "Macron", "Paris"),
            "py-2", List.of("São", "Paulo", "Zürich")), entities);
      }
    }
  }
}
