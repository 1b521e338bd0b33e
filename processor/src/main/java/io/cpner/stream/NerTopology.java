package io.cpner.stream;

import io.cpner.avro.BufferedDocument;
import io.cpner.avro.NerResult;
import io.cpner.avro.ParkedRecord;
import io.cpner.inference.DocumentTagger;
import io.cpner.model.PlmIdentity;
import io.cpner.prefix.PrefixRegistry;
import io.cpner.stream.control.AcceptedPrefixSink;
import io.cpner.stream.control.PrefixStatusReporter;
import io.cpner.stream.control.PrefixUpdateApplier;
import io.cpner.stream.control.PrefixUpdateStatus;
import io.cpner.stream.control.PrefixUpdateStatusSink;
import io.cpner.stream.control.PrefixUpdateVerifier;
import io.cpner.stream.documents.BatchingInferenceProcessor;
import io.cpner.stream.documents.DocumentReader;
import io.cpner.stream.documents.DocumentRouter;
import io.cpner.stream.documents.EnrichedOutput;
import io.cpner.stream.documents.InputSpec;
import io.cpner.stream.documents.InternalAvroSerde;
import io.cpner.stream.documents.OutputTopics;
import io.cpner.stream.documents.ParkedKey;
import io.cpner.stream.observability.NerMetrics;
import io.cpner.stream.observability.RecentResults;
import io.cpner.stream.trends.TrendBoard;
import io.cpner.stream.trends.TrendFeed;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.Stores;

/**
 * The one topology builder that {@code cpner run}, the demo and the tests all call.
 *
 * <pre>
 *   documents (bytes) --> route: decode, validate, resolve prefix --+--> batch-inference --> results
 *                                                                  |         |
 *                                                                  +---------+--> dead-letters
 *   prefix-updates (global, every instance) --> prefix-applier --> PrefixRegistry (atomic swaps)
 *                                                              \--> status sink (prefix-updates-status)
 * </pre>
 *
 * <p>The router parks, in its own store, records whose writer schema the registry could not be asked
 * about, and reads them again when it answers.
 */
public final class NerTopology {
  static final String SOURCE = "documents";
  static final String ROUTER = "route";
  static final String BATCHING = "batch-inference";
  static final String RESULTS_SINK = "results";
  static final String DEAD_LETTER_SINK = "dead-letters";
  static final String MENTIONS_SINK = "entity-mentions";
  static final String CONTROL_SOURCE = "prefix-updates-source";
  static final String CONTROL_APPLIER = "prefix-applier";

  /**
   * What the topology's processors share: the model, the installed prefixes, their update counts, and
   * where the control-topic applier reports each update ({@code instance} names this instance there).
   */
  public record Runtime(DocumentTagger tagger, PlmIdentity plm, PrefixRegistry prefixes, PrefixUpdateStatus updateStatus,
      PrefixUpdateStatusSink statusSink, AcceptedPrefixSink acceptedSink, String instance, NerMetrics metrics,
      RecentResults recent, TrendBoard trends, Consumer<String> createTopic, LongSupplier wallClockMs) {
    /**
     * On the system clock, recording accepted updates nowhere. Timings are stamped with the system
     * clock, not with Kafka Streams' cached clock, which is read once per poll loop and so misses a
     * forward pass that ran since.
     */
    public Runtime(DocumentTagger tagger, PlmIdentity plm, PrefixRegistry prefixes, PrefixUpdateStatus updateStatus,
        PrefixUpdateStatusSink statusSink, String instance, NerMetrics metrics, RecentResults recent) {
      this(tagger, plm, prefixes, updateStatus, statusSink, AcceptedPrefixSink.NONE, instance, metrics, recent,
          new TrendBoard(10), topic -> { }, System::currentTimeMillis);
    }
  }

  private NerTopology() {}

  public static Topology build(ProcessorConfig config, TopicSerdes serdes, Runtime runtime) {
    // 0. The trends feed, in the DSL (windowed aggregation): its sub-topology reads the mentions topic
    //    the batching stage writes. The processor API nodes below are added to the same topology.
    StreamsBuilder builder = new StreamsBuilder();
    boolean trends = !config.trendsWindow().isZero();
    String mentionsTopic = TrendFeed.mentionsTopic(config.applicationId());
    if (trends) {
      TrendFeed.addTo(builder, mentionsTopic, config.topics().trends(), config.trendsWindow(), config.trendsGrace(), serdes.trend(),
          runtime.trends());
    }
    Topology topology = builder.build();
    // 1. Raw input bytes, so that undecodable records reach the dead-letter topic with their bytes.
    ProcessorConfig.Topics topics = config.topics();
    if (topics.inputPattern().isPresent()) {
      topology.addSource(AutoOffsetReset.earliest(), SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
          topics.inputPattern().get());
    } else {
      topology.addSource(AutoOffsetReset.earliest(), SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
          topics.inputs().toArray(String[]::new));
    }
    // 2. Decode, validate, resolve the domain's prefix.
    EnrichedOutput enriched = config.output().enriched() ? new EnrichedOutput(config.output(), serdes.registry()) : null;
    DocumentRouter.Enrichment enrichment = enriched == null ? null : new DocumentRouter.Enrichment(enriched,
        config.input().format() == InputSpec.Format.AVRO || config.input().format() == InputSpec.Format.DOCUMENT);
    OutputTopics outputs = new OutputTopics(topics.output(), serdes.registry(), enriched == null ? NerResult.getClassSchema() : null,
        runtime.createTopic());
    topology.addProcessor(ROUTER,
        () -> new DocumentRouter(DocumentReader.of(config.input(), serdes.document().deserializer(), serdes.userRecord()),
            runtime.prefixes(), runtime.tagger(), config.admission(), topics.input(), outputs, enrichment, runtime.metrics(),
            runtime.wallClockMs(), BATCHING, DEAD_LETTER_SINK), SOURCE);
    //    Records whose writer schema the registry could not be asked about wait here (changelogged) to be read again.
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(DocumentRouter.PARKED_STORE),
        ParkedKey.serde(), new InternalAvroSerde<>(ParkedRecord.class)).withCachingEnabled(), ROUTER);
    // 3. Buffer in a changelogged store; run mixed-domain batches by size, tokens or delay. The buffer
    //    holds at most a few batches: in memory, with the changelog (restored on start) for durability.
    //    Cached: the changelog is written at each commit, so a document tagged before the commit that
    //    follows its arrival costs a tombstone there, not a copy of its text and then a tombstone.
    topology.addProcessor(BATCHING,
        () -> new BatchingInferenceProcessor(runtime.tagger(), runtime.prefixes(), config.batching(), topics.input(), enriched,
            runtime.metrics(), runtime.recent(), runtime.wallClockMs(), RESULTS_SINK, DEAD_LETTER_SINK, trends ? MENTIONS_SINK : null),
        ROUTER);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(BatchingInferenceProcessor.STORE),
        Serdes.String(), new InternalAvroSerde<>(BufferedDocument.class)).withCachingEnabled(), BATCHING);
    // 4. One result per document, keyed by document id (enriched: the input record, its key, value
    //    and headers with the entities added, already encoded); every rejection to the dead-letter topic.
    //    One topic per domain when topic.output holds {domain}: the router readied each before use.
    Serializer<Object> keys;
    Serializer<Object> values;
    if (enriched == null) {
      StringSerializer ids = new StringSerializer();
      Serializer<NerResult> results = serdes.result().serializer();
      keys = (topic, key) -> ids.serialize(topic, (String) key);
      values = (topic, value) -> results.serialize(topic, (NerResult) value);
    } else {
      keys = (topic, key) -> (byte[]) key;
      values = (topic, value) -> ((EnrichedOutput.Encoded) value).value();
    }
    if (outputs.perDomain()) {
      TopicNameExtractor<Object, Object> byDomain = (key, value, context) -> outputs.topicFor(
          value instanceof NerResult r ? r.getPrefixDomain() : ((EnrichedOutput.Encoded) value).prefixDomain());
      topology.addSink(RESULTS_SINK, byDomain, keys, values, BATCHING);
    } else {
      topology.addSink(RESULTS_SINK, topics.output(), keys, values, BATCHING);
    }
    if (trends) { // keyed by entity: a key's mentions meet in one task of the feed
      topology.addSink(MENTIONS_SINK, mentionsTopic, new StringSerializer(), new LongSerializer(), BATCHING);
    }
    topology.addSink(DEAD_LETTER_SINK, config.topics().deadLetter(), new ByteArraySerializer(),
        serdes.deadLetter().serializer(), ROUTER, BATCHING);
    // 5. The control topic, read in full by every instance, installs prefixes as they come: checked
    //    (size, signature, tensors) first, every decision reported to the status sink.
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PrefixUpdateApplier.STORE), Serdes.ByteArray(), Serdes.ByteArray())
            .withLoggingDisabled(),
        CONTROL_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), config.topics().control(), CONTROL_APPLIER,
        () -> new PrefixUpdateApplier(new PrefixUpdateVerifier(serdes.prefixUpdate().deserializer(), runtime.plm(), config.control(),
            config.topics().control()),
            runtime.prefixes(), runtime.updateStatus(),
            new PrefixStatusReporter(runtime.statusSink(), config.applicationId(), runtime.instance()), config.topics().control(),
            runtime.metrics()::prefixInstalled, runtime.acceptedSink()));
    return topology;
  }
}
