package io.cpner.stream.trends;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cpner.avro.EntitySpan;
import io.cpner.avro.EntityTrend;
import io.cpner.registry.AvroSerde;
import io.cpner.registry.InMemorySchemaRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/** Mentions summed per (domain, type, normalised text) in tumbling windows, emitted once each window closes. */
class TrendFeedTest {
  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  /** The feed alone, one-minute windows, on Kafka Streams' test driver. */
  private record Feed(TopologyTestDriver driver, TestInputTopic<String, Long> mentions, TestOutputTopic<String, EntityTrend> trends)
      implements AutoCloseable {
    static Feed open(Duration grace, TrendBoard board) {
      AvroSerde<EntityTrend> serde = AvroSerde.forClass(EntityTrend.class, new InMemorySchemaRegistry(), false);
      StreamsBuilder builder = new StreamsBuilder();
      TrendFeed.addTo(builder, "mentions", "trends", Duration.ofMinutes(1), grace, serde, board);
      Properties props = new Properties();
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, "trend-feed-test");
      props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
      TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props);
      return new Feed(driver, driver.createInputTopic("mentions", new StringSerializer(), new LongSerializer()),
          driver.createOutputTopic("trends", new StringDeserializer(), serde.deserializer()));
    }

    @Override
    public void close() {
      driver.close();
    }
  }

  @Test
  void shouldCountMentionsPerWindowAndEmitEachWindowOnceItCloses() {
    TrendBoard board = new TrendBoard(2);
    try (Feed feed = Feed.open(Duration.ZERO, board)) {
      TestInputTopic<String, Long> mentions = feed.mentions();
      TestOutputTopic<String, EntityTrend> trends = feed.trends();
      // given three documents in the first minute and one in the second
      pipe(mentions, "politics", List.of(span("Angela Merkel", "politician"), span("Berlin", "location")), T0);
      pipe(mentions, "politics", List.of(span("ANGELA  MERKEL", "politician"), span("Merkel", "politician")), T0.plusSeconds(20));
      pipe(mentions, "music", List.of(span("Berlin", "location")), T0.plusSeconds(40));
      assertEquals(List.of(), trends.readValuesToList(), "nothing before the window closes");
      pipe(mentions, "politics", List.of(span("Angela Merkel", "politician")), T0.plusSeconds(61));

      // then the first minute's counts come out once, keyed by domain
      Map<String, Long> counts = new java.util.TreeMap<>();
      trends.readKeyValuesToList().forEach(kv -> {
        EntityTrend t = kv.value;
        assertEquals(kv.key, t.getDomain());
        assertEquals(List.of(T0.toEpochMilli(), T0.plusSeconds(60).toEpochMilli()), List.of(t.getWindowStartMs(), t.getWindowEndMs()));
        counts.put(t.getDomain() + "/" + t.getType() + "/" + t.getText(), t.getMentions());
      });
      assertEquals(Map.of("politics/politician/angela merkel", 2L, "politics/location/berlin", 1L, "politics/politician/merkel", 1L,
          "music/location/berlin", 1L), counts);
      // and the live page shows each domain's top two of that window
      assertEquals(List.of(new TrendBoard.Entry("politician", "angela merkel", 2), new TrendBoard.Entry("location", "berlin", 1)),
          board.snapshot().stream().filter(w -> w.domain().equals("politics")).findFirst().orElseThrow().top());
    }
  }

  @Test
  void shouldCountAMentionThatArrivesOutOfOrderWithinTheGraceAndDropOneLaterThanThat() {
    try (Feed feed = Feed.open(Duration.ofSeconds(10), new TrendBoard(2))) {
      TestInputTopic<String, Long> mentions = feed.mentions();
      TestOutputTopic<String, EntityTrend> trends = feed.trends();
      // given a mention in the first minute, then one of the second minute from a faster stream thread
      pipe(mentions, "politics", List.of(span("Berlin", "location")), T0.plusSeconds(50));
      pipe(mentions, "politics", List.of(span("Paris", "location")), T0.plusSeconds(65));
      // when a first-minute document tagged later comes in after it, 5 s past the window's end
      pipe(mentions, "politics", List.of(span("Berlin", "location")), T0.plusSeconds(55));
      assertEquals(List.of(), trends.readValuesToList(), "the window waits out its grace");
      // and the feed moves on past the grace, then a first-minute mention comes in 20 s late
      pipe(mentions, "politics", List.of(span("Rome", "location")), T0.plusSeconds(71));
      pipe(mentions, "politics", List.of(span("Berlin", "location")), T0.plusSeconds(30));
      pipe(mentions, "politics", List.of(span("Paris", "location")), T0.plusSeconds(131));

      // then the first minute counts the out-of-order mention, and the window went out once, before the late one
      List<EntityTrend> out = trends.readValuesToList();
      EntityTrend first = out.get(0);
      assertEquals(List.of("berlin", 2L, T0.toEpochMilli()), List.of(first.getText(), first.getMentions(), first.getWindowStartMs()));
      assertEquals(1, out.stream().filter(t -> t.getWindowStartMs() == T0.toEpochMilli()).count(), out.toString());
      // and the second minute's counts are Paris and Rome
      Map<String, Long> second = new java.util.TreeMap<>();
      out.stream().filter(t -> t.getWindowStartMs() == T0.plusSeconds(60).toEpochMilli())
          .forEach(t -> second.put(t.getText().toString(), t.getMentions()));
      assertEquals(Map.of("paris", 1L, "rome", 1L), second);
    }
  }

  @Test
  void shouldNormaliseCaseWidthAndSpacesButKeepTypesApart() {
    assertEquals("angela merkel", EntityMentions.normalise("  ＡＮＧＥＬＡ\u00a0 Merkel "));
    assertEquals(Map.of("news\tperson\tparis", 1L, "news\tlocation\tparis", 2L),
        EntityMentions.count("news", List.of(span("Paris", "person"), span("Paris", "location"), span("PARIS", "location"))));
    assertEquals(new EntityMentions.Key("news", "location", "paris"), EntityMentions.parse("news\tlocation\tparis"));
  }

  private static void pipe(TestInputTopic<String, Long> mentions, String domain, List<EntitySpan> entities, Instant at) {
    EntityMentions.count(domain, entities).forEach((key, n) -> mentions.pipeInput(key, n, at));
  }

  private static EntitySpan span(String text, String type) {
    return new EntitySpan(text, type, 0, text.length(), 0.9f);
  }
}
