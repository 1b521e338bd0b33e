package io.cpner.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cpner.SharedPlm;
import io.cpner.TestPrefixes;
import io.cpner.avro.DeadLetter;
import io.cpner.avro.DeadLetterReason;
import io.cpner.avro.NerResult;
import io.cpner.model.Plm;
import io.cpner.registry.AvroSerde;
import io.cpner.registry.ConfluentPython;
import io.cpner.testkit.EmbeddedSchemaRegistry;
import io.cpner.testkit.SharedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users' own topics on a real broker: Avro records of the user's schema, registered and written by
 * Confluent's Python client, with text and id at nested paths and the domain in a field, written
 * back enriched and read by the same client; and plain
 * text on two topics whose names say the domain, each domain's results on a topic of its own. (The test prefixes tag each capitalised word.)
 */
class UserTopicsIntegrationTest {
  @TempDir Path temp;

  @Test
  void shouldTagAvroRecordsOfTheUsersSchemaWrittenByConfluentPython() throws Exception {
    String missing = ConfluentPython.whyMissing();
    assumeTrue(missing == null, () -> "Confluent Python interop skipped: " + missing);
    Plm plm = SharedPlm.get();
    try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
        EmbeddedSchemaRegistry.Settings.of(SharedKafka.get().bootstrapServers()).withTopic("_schemas-user-avro"))) {
      // given the processor reading the user's Article records (id at meta.id, text at body.text, domain in
      // section) and writing them back enriched
      ProcessorConfig config = StreamTestKit.configWithTopics("user-avro", registry.url(), 1, Map.of(
          ProcessorSettings.INPUT_FORMAT, "AVRO", ProcessorSettings.INPUT_ID_FIELD, "meta.id",
          ProcessorSettings.INPUT_TEXT_FIELD, "body.text", ProcessorSettings.INPUT_DOMAIN, "field:section",
          ProcessorSettings.OUTPUT_MODE, "ENRICHED"));
      StreamTestKit.publish(registry.url(), config, TestPrefixes.capitalisedWords(plm, "politics"));
      Path schema = Files.writeString(temp.resolve("article.avsc"), """
          {"type": "record", "name": "Article", "namespace": "com.example.news", "fields": [
            {"name": "meta", "type": {"type": "record", "name": "Meta", "fields": [
              {"name": "id", "type": "string"}, {"name": "source", "type": "string"}]}},
            {"name": "section", "type": "string"},
            {"name": "body", "type": {"type": "record", "name": "Body", "fields": [
              {"name": "headline", "type": "string"}, {"name": "text", "type": ["null", "string"], "default": null}]}},
            {"name": "tags", "type": {"type": "array", "items": "string"}}]}""");
      Path records = Files.writeString(temp.resolve("articles.json"), """
          [{"meta": {"id": "a-1", "source": "wire"}, "section": "Politics", "tags": ["eu"],
            "body": {"headline": "Summit", "text": "Angela Merkel met Emmanuel Macron in Paris."}},
           {"meta": {"id": "a-2", "source": "wire"}, "section": "politics", "tags": [],
            "body": {"headline": "Visit", "text": "Joe Biden visited Kyiv."}},
           {"meta": {"id": "a-3", "source": "wire"}, "section": "politics", "tags": [],
            "body": {"headline": "No body", "text": null}}]""");
      try (NerProcessor processor = NerProcessor.start(config, plm);
          KafkaProducer<String, String> producer = new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers()),
              new StringSerializer(), new StringSerializer())) {
        StreamTestKit.awaitPrefixes(processor, Map.of("politics", 1L));
        // when Python registers the schema and writes three articles, and something else writes JSON there
        JsonNode produced = ConfluentPython.run(temp, registry.url(), null, null, "produce", "--topic", config.topics().input(),
            "--schema", schema.toString(), "--records", records.toString());
        assertEquals(config.topics().input() + "-value", produced.get("latest").get("subject").asText());
        producer.send(new ProducerRecord<>(config.topics().input(), 0, "json", "{\"text\": \"not Avro\"}")).get();

        // then Python reads the two articles back through the registry: its own fields, the entities and the prefix version
        JsonNode read = ConfluentPython.run(temp, registry.url(), null, null, "consume", "--topic", config.topics().output(),
            "--count", "2");
        Map<String, List<String>> entities = new TreeMap<>();
        for (JsonNode record : read.get("records")) {
          JsonNode value = record.get("value");
          assertEquals("wire", value.get("meta").get("source").asText());
          assertEquals(1, value.get("prefixVersion").asInt());
          List<String> texts = new java.util.ArrayList<>();
          value.get("entities").forEach(e -> texts.add(e.get("text").asText()));
          entities.put(value.get("meta").get("id").asText(), texts);
        }
        JsonNode first = read.get("records").get(0).get("value");
        assertEquals(List.of("Summit", "Angela Merkel met Emmanuel Macron in Paris.", "eu"),
            List.of(first.get("body").get("headline").asText(), first.get("body").get("text").asText(), first.get("tags").get(0).asText()));
        JsonNode entity = first.get("entities").get(0);
        assertEquals(List.of("Angela", "0", "6"),
            List.of(entity.get("text").asText(), entity.get("start").asText(), entity.get("end").asText()));
        // under a schema of its own, the input's with the two fields appended, registered under the output subject
        assertEquals(List.of("meta", "section", "body", "tags", "entities", "prefixVersion"), fieldNames(
            StreamTestKit.client(registry.url()).schemaById(read.get("records").get(0).get("schema_id").asInt())));
        assertEquals(Map.of("a-1", List.of("Angela", "Merkel", "Emmanuel", "Macron", "Paris"), "a-2", List.of("Joe", "Biden", "Kyiv")),
            entities);
        // and the article without text and the JSON record are dead letters saying why
        Map<Long, DeadLetterReason> reasons = new TreeMap<>();
        AvroSerde<DeadLetter> letters = AvroSerde.forClass(DeadLetter.class, StreamTestKit.client(registry.url()), false);
        for (ConsumerRecord<String, byte[]> r : StreamTestKit.readCommitted(config.topics().deadLetter(), 2)) {
          DeadLetter letter = letters.deserializer().deserialize(r.topic(), r.value());
          reasons.put(letter.getSourceOffset(), letter.getReason());
        }
        assertEquals(Map.of(2L, DeadLetterReason.EMPTY_TEXT, 3L, DeadLetterReason.UNDECODABLE), reasons);
      }
    }
  }

  private static List<String> fieldNames(org.apache.avro.Schema schema) {
    return schema.getFields().stream().map(org.apache.avro.Schema.Field::name).toList();
  }

  @Test
  void shouldTakeEachDocumentsDomainFromTheTopicItCameFromAndWriteItsResultToItsDomainsTopic() throws Exception {
    Plm plm = SharedPlm.get();
    try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
        EmbeddedSchemaRegistry.Settings.of(SharedKafka.get().bootstrapServers()).withTopic("_schemas-topic-domains"))) {
      // given two text topics, one per domain, whose records share offsets (and so batch-buffer slots, unless told apart)
      String politics = "news-politics-td";
      String science = "news-science-td";
      SharedKafka.get().createTopic(science, 2, false);
      ProcessorConfig config = StreamTestKit.configWithTopics("td", registry.url(), 2, Map.of(
          ProcessorSettings.INPUT_TOPIC, politics + "," + science, ProcessorSettings.INPUT_FORMAT, "TEXT",
          ProcessorSettings.INPUT_DOMAIN, "topic:" + politics + "=politics," + science + "=science",
          ProcessorSettings.OUTPUT_TOPIC, "entities-td.{domain}"));
      StreamTestKit.publish(registry.url(), config, TestPrefixes.capitalisedWords(plm, "politics"),
          TestPrefixes.capitalisedWords(plm, "science"));
      try (NerProcessor processor = NerProcessor.start(config, plm);
          KafkaProducer<String, String> producer = new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers()),
              new StringSerializer(), new StringSerializer())) {
        StreamTestKit.awaitPrefixes(processor, Map.of("politics", 1L, "science", 1L));
        // when each topic gets six documents, on the same partitions in the same order
        for (int i = 0; i < 6; i++) {
          producer.send(new ProducerRecord<>(politics, i % 2, "p-" + i, "Angela Merkel spoke in Berlin.")).get();
          producer.send(new ProducerRecord<>(science, i % 2, "s-" + i, "Marie Curie worked in Paris.")).get();
        }
        // then all twelve have one result each, with the domain of their topic, in that domain's output
        // topic (created by the processor)
        AvroSerde<NerResult> results = AvroSerde.forClass(NerResult.class, StreamTestKit.client(registry.url()), false);
        Map<String, String> domains = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        List<ConsumerRecord<String, byte[]>> out = new java.util.ArrayList<>(StreamTestKit.readCommitted("entities-td.politics", 6));
        out.addAll(StreamTestKit.readCommitted("entities-td.science", 6));
        for (ConsumerRecord<String, byte[]> r : out) {
          assertEquals("entities-td." + (r.key().startsWith("p-") ? "politics" : "science"), r.topic());
          NerResult result = results.deserializer().deserialize(r.topic(), r.value());
          domains.put(r.key(), result.getDomain());
          counts.merge(r.key(), 1, Integer::sum);
          assertEquals(r.key().startsWith("p-") ? List.of("Angela", "Merkel", "Berlin") : List.of("Marie", "Curie", "Paris"),
              result.getEntities().stream().map(e -> e.getText()).toList(), r.key());
        }
        assertEquals(12, counts.size());
        assertEquals(List.of(1), counts.values().stream().distinct().toList(), "one result per document");
        domains.forEach((id, domain) -> assertEquals(id.startsWith("p-") ? "politics" : "science", domain, id));
        // and the topics it created have the input's partitions, not the broker's default of one
        try (Admin admin = Admin.create(
            Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers()))) {
          Map<String, Integer> partitions = new HashMap<>();
          admin.describeTopics(List.of("entities-td.politics", "entities-td.science")).allTopicNames().get()
              .forEach((topic, description) -> partitions.put(topic, description.partitions().size()));
          assertEquals(Map.of("entities-td.politics", 2, "entities-td.science", 2), partitions);
        }
        // and a value that is not UTF-8 text is a dead letter saying so, with its topic and offset
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers()),
            new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
          raw.send(new ProducerRecord<>(science, 0, "s-bad", new byte[] {'M', (byte) 0xc3, 'x'})).get();
        }
        AvroSerde<DeadLetter> letters = AvroSerde.forClass(DeadLetter.class, StreamTestKit.client(registry.url()), false);
        List<ConsumerRecord<String, byte[]>> dead = StreamTestKit.readCommitted(config.topics().deadLetter(), 1);
        assertEquals(1, dead.size());
        DeadLetter letter = letters.deserializer().deserialize(dead.get(0).topic(), dead.get(0).value());
        assertEquals(List.of(DeadLetterReason.UNDECODABLE, science, 3L),
            List.of(letter.getReason(), letter.getSourceTopic(), letter.getSourceOffset()));
        assertEquals("cannot read a document: the text is not UTF-8 (java.nio.charset.MalformedInputException: Input length = 1)",
            letter.getDetail());
      }
    }
  }
}
