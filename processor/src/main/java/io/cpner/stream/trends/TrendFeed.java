package io.cpner.stream.trends;

import io.cpner.avro.EntityTrend;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The trending-entities feed, in Kafka Streams' DSL: the batching stage writes each result's
 * mentions, keyed by (domain, type, normalised text), to the mentions topic (so that a key's counts
 * meet in one task whatever partition its documents came from); here they are summed in tumbling
 * event-time windows ({@link #STORE}, changelogged, exactly-once with the rest) and each window's
 * counts are emitted once, when it closes, to the trends topic keyed by domain, and shown on the
 * live page ({@link TrendBoard}). Mentions arrive out of event-time order (stream threads tag their
 * partitions' batches at different moments), so a window stays open for a grace period after its
 * end: it closes once the feed has seen a mention that much later.
 */
public final class TrendFeed {
  /** The windowed counts' state store. */
  public static final String STORE = "entity-mentions-windowed";

  private TrendFeed() {}

  /** The internal topic of mentions, named after the application ({@code <application.id>-entity-mentions}). */
  public static String mentionsTopic(String applicationId) {
    return applicationId + "-entity-mentions";
  }

  /**
   * Adds the feed to {@code builder}: from {@code mentionsTopic} to {@code trendsTopic}, windows of
   * {@code window} that take mentions up to {@code grace} late.
   */
  public static void addTo(StreamsBuilder builder, String mentionsTopic, String trendsTopic, Duration window, Duration grace,
      Serde<EntityTrend> trends, TrendBoard board) {
    builder.stream(mentionsTopic, Consumed.with(Serdes.String(), Serdes.Long()).withName("mentions"))
        .groupByKey(Grouped.with("mentions-by-entity", Serdes.String(), Serdes.Long()))
        .windowedBy(TimeWindows.ofSizeAndGrace(window, grace))
        .reduce(Long::sum, Named.as("count-mentions"),
            Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(STORE).withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
        .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("until-window-closes"))
        .toStream(Named.as("closed-windows"))
        .map((windowed, mentions) -> {
          EntityMentions.Key key = EntityMentions.parse(windowed.key());
          EntityTrend trend = new EntityTrend(key.domain(), key.type(), key.text(), mentions, windowed.window().start(),
              windowed.window().end());
          return KeyValue.pair(key.domain(), trend);
        }, Named.as("to-trend"))
        .peek((domain, trend) -> board.add(trend), Named.as("show-on-live-page"))
        .to(trendsTopic, Produced.with(Serdes.String(), trends).withName("trends"));
  }
}
