package io.cpner.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cpner.SharedPlm;
import io.cpner.TestPrefixes;
import io.cpner.avro.DeadLetter;
import io.cpner.avro.DeadLetterReason;
import io.cpner.avro.EntityTrend;
import io.cpner.avro.NerResult;
import io.cpner.model.Plm;
import io.cpner.registry.AvroSerde;
import io.cpner.testkit.EmbeddedSchemaRegistry;
import io.cpner.testkit.SharedKafka;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A user's own JSON events on a real broker: the text at a nested path, the id in the record key,
 * the domain in a header. Valid events are tagged; an event that is not JSON, one without its text
 * and one without the header are dead letters with their reason and bytes. Enriched, each event
 * comes back as itself with its entities added, and the trends feed counts its mentions.
 */
class JsonInputIntegrationTest {
  @Test
  void shouldTagJsonEventsByTheirHeaderDomainAndDeadLetterTheOnesThatCannotBeRead() throws Exception {
    Plm plm = SharedPlm.get();
    try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
        EmbeddedSchemaRegistry.Settings.of(SharedKafka.get().bootstrapServers()).withTopic("_schemas-json-input"))) {
      ProcessorConfig config = StreamTestKit.configWithTopics("json-input", registry.url(), 2, Map.of(
          ProcessorSettings.INPUT_FORMAT, "JSON", ProcessorSettings.INPUT_TEXT_FIELD, "body.text",
          ProcessorSettings.INPUT_DOMAIN, "header:x-domain"));
      StreamTestKit.publish(registry.url(), config, TestPrefixes.capitalisedWords(plm, "news"));
      Map<String, String> bad = Map.of(
          "not-json", "{\"body\": {\"text\": \"Alice met Bob.\"",
          "no-text", "{\"body\": {}}",
          "no-header", "{\"body\": {\"text\": \"Alice met Bob.\"}}");
      try (NerProcessor processor = NerProcessor.start(config, plm);
          KafkaProducer<String, String> producer = new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers()),
              new StringSerializer(), new StringSerializer())) {
        StreamTestKit.awaitPrefixes(processor, Map.of("news", 1L));
        // when five events with the news header and three bad ones arrive
        for (int i = 0; i < 5; i++) {
          send(producer, config, "event-" + i, "{\"body\": {\"text\": \"Alice met Bob in Paris.\"}, \"n\": " + i + "}", "NEWS");
        }
        send(producer, config, "not-json", bad.get("not-json"), "news");
        send(producer, config, "no-text", bad.get("no-text"), "news");
        send(producer, config, "no-header", bad.get("no-header"), null);

        // then each valid event has one result with its entities, keyed by the record key
        AvroSerde<NerResult> results = AvroSerde.forClass(NerResult.class, StreamTestKit.client(registry.url()), false);
        Map<String, NerResult> byId = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : StreamTestKit.readCommitted(config.topics().output(), 5)) {
          byId.put(r.key(), results.deserializer().deserialize(r.topic(), r.value()));
        }
        assertEquals(5, byId.size());
        assertEquals(List.of("Alice", "Bob", "Paris"),
            byId.get("event-3").getEntities().stream().map(e -> e.getText().toString()).toList());
        assertEquals("news", byId.get("event-3").getDomain().toString());
        // and each bad one is a dead letter with its reason and its bytes
        AvroSerde<DeadLetter> letters = AvroSerde.forClass(DeadLetter.class, StreamTestKit.client(registry.url()), false);
        Map<String, DeadLetter> byKey = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : StreamTestKit.readCommitted(config.topics().deadLetter(), 3)) {
          byKey.put(r.key(), letters.deserializer().deserialize(r.topic(), r.value()));
        }
        assertEquals(DeadLetterReason.UNDECODABLE, byKey.get("not-json").getReason());
        assertEquals(DeadLetterReason.EMPTY_TEXT, byKey.get("no-text").getReason());
        assertEquals(DeadLetterReason.MISSING_DOMAIN, byKey.get("no-header").getReason());
        for (String key : bad.keySet()) {
          assertArrayEquals(bad.get(key).getBytes(StandardCharsets.UTF_8), bytes(byKey.get(key).getValue()), key);
        }
      }
    }
  }

  @Test
  void shouldWriteEachJsonEventBackWithItsEntitiesItsKeyAndItsHeaders() throws Exception {
    Plm plm = SharedPlm.get();
    try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
        EmbeddedSchemaRegistry.Settings.of(SharedKafka.get().bootstrapServers()).withTopic("_schemas-json-enriched"))) {
      ProcessorConfig config = StreamTestKit.configWithTopics("json-enriched", registry.url(), 1, Map.of(
          ProcessorSettings.INPUT_FORMAT, "JSON", ProcessorSettings.INPUT_TEXT_FIELD, "body.text",
          ProcessorSettings.INPUT_DOMAIN, "header:x-domain", ProcessorSettings.OUTPUT_MODE, "ENRICHED",
          ProcessorSettings.OUTPUT_ENTITIES_FIELD, "ner", ProcessorSettings.TRENDS_WINDOW_MS, "10000",
          ProcessorSettings.TRENDS_GRACE_MS, "0"));
      StreamTestKit.publish(registry.url(), config, TestPrefixes.capitalisedWords(plm, "news"));
      try (NerProcessor processor = NerProcessor.start(config, plm);
          KafkaProducer<String, String> producer = new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers()),
              new StringSerializer(), new StringSerializer())) {
        StreamTestKit.awaitPrefixes(processor, Map.of("news", 1L));
        // when an event arrives with a trace header beside its domain
        RecordHeaders headers = new RecordHeaders();
        headers.add("x-domain", "news".getBytes(StandardCharsets.UTF_8));
        headers.add("trace-id", "t-42".getBytes(StandardCharsets.UTF_8));
        long t0 = System.currentTimeMillis() / 10_000 * 10_000; // the start of a 10 s window
        producer.send(new ProducerRecord<>(config.topics().input(), null, t0, "order-9",
            "{\"body\": {\"text\": \"Alice met Bob.\"}, \"n\": 9}", headers)).get();
        // then the same event comes out, same key and headers, with the entities and the prefix version added
        ConsumerRecord<String, byte[]> out = StreamTestKit.readCommitted(config.topics().output(), 1).get(0);
        assertEquals("order-9", out.key());
        String value = new String(out.value(), StandardCharsets.UTF_8);
        assertEquals("{\"body\":{\"text\":\"Alice met Bob.\"},\"n\":9,\"ner\":["
            + "{\"text\":\"Alice\",\"type\":\"thing\",\"start\":0,\"end\":5,\"score\":0.99},"
            + "{\"text\":\"Bob\",\"type\":\"thing\",\"start\":10,\"end\":13,\"score\":0.99}],\"prefixVersion\":1}",
            value.replaceAll("(\"score\":0\\.99)\\d*", "$1"), "scores to two places");
        assertArrayEquals("t-42".getBytes(StandardCharsets.UTF_8), out.headers().lastHeader("trace-id").value());

        // and once an event of the next window arrives, the trends feed counts that window's mentions
        producer.send(new ProducerRecord<>(config.topics().input(), null, t0 + 10_000, "order-10",
            "{\"body\": {\"text\": \"Alice met Carol.\"}}", headers)).get();
        AvroSerde<EntityTrend> trendSerde = AvroSerde.forClass(EntityTrend.class, StreamTestKit.client(registry.url()), false);
        Map<String, Long> mentions = new java.util.TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : StreamTestKit.readCommitted(config.topics().trends(), 2)) {
          EntityTrend trend = trendSerde.deserializer().deserialize(r.topic(), r.value());
          assertEquals(List.of("news", t0, t0 + 10_000), List.of(r.key(), trend.getWindowStartMs(), trend.getWindowEndMs()));
          mentions.put(trend.getType() + "/" + trend.getText(), trend.getMentions());
        }
        assertEquals(Map.of("thing/alice", 1L, "thing/bob", 1L), mentions);
      }
    }
  }

  private static void send(KafkaProducer<String, String> producer, ProcessorConfig config, String key, String json,
      String domain) throws Exception {
    RecordHeaders headers = new RecordHeaders();
    if (domain != null) {
      headers.add("x-domain", domain.getBytes(StandardCharsets.UTF_8));
    }
    producer.send(new ProducerRecord<>(config.topics().input(), null, key, json, headers)).get();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }
}
