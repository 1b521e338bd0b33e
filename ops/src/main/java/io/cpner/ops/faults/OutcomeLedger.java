package io.cpner.ops.faults;

import io.cpner.avro.NerResult;
import io.cpner.avro.Timings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What the processor has committed: every result and dead letter, read from the start of both
 * topics with {@code read_committed} (so aborted transactions of a killed instance never count),
 * counted per document id, with the prefix versions the results name.
 */
final class OutcomeLedger implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String resultTopic;
  private final Deserializer<NerResult> results;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final Map<String, Integer> resultsById = new HashMap<>();
  private final Map<String, Integer> deadLettersById = new HashMap<>();
  private final Map<Long, Integer> resultsByVersion = new TreeMap<>();
  private final Map<String, Timings> timingsById = new HashMap<>();

  OutcomeLedger(String bootstrapServers, String resultTopic, String deadLetterTopic, Deserializer<NerResult> results) {
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.resultTopic = resultTopic;
    this.results = results;
    for (String topic : List.of(resultTopic, deadLetterTopic)) {
      consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Reads whatever has been committed since the last call, waiting at most {@code timeout} for it. */
  void poll(Duration timeout) {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
      String id = r.key() == null ? "(no key)" : new String(r.key(), StandardCharsets.UTF_8);
      if (r.topic().equals(resultTopic)) {
        resultsById.merge(id, 1, Integer::sum);
        NerResult result = results.deserialize(r.topic(), r.value());
        resultsByVersion.merge(result.getPrefixVersion(), 1, Integer::sum);
        timingsById.put(id, result.getTimings());
      } else {
        deadLettersById.merge(id, 1, Integer::sum);
      }
    }
  }

  /** True when this reader has read up to the last stable offset of every partition (all that is committed now). */
  boolean caughtUp() {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
  }

  /** Produce-to-result latencies (ms) of the results read whose ids pass {@code ids}, sorted. */
  List<Long> latenciesMs(java.util.function.Predicate<String> ids) {
    return timingsById.entrySet().stream().filter(e -> ids.test(e.getKey())).map(e -> latencyMs(e.getValue())).sorted().toList();
  }

  /** Where the time of the slowest result among {@code ids} went: input to buffered, buffered to emitted, its batch. */
  String slowest(java.util.function.Predicate<String> ids) {
    return timingsById.entrySet().stream().filter(e -> ids.test(e.getKey()))
        .max(java.util.Comparator.comparingLong(e -> latencyMs(e.getValue())))
        .map(e -> {
          Timings t = e.getValue();
          return String.format("%s: %d ms to the buffer, %d ms in it, in a batch of %d with a %.0f ms forward", e.getKey(),
              t.getBufferedAtMs() - t.getInputTimestampMs(), t.getEmittedAtMs() - t.getBufferedAtMs(), t.getBatchSize(),
              t.getForwardMs());
        }).orElse("none");
  }

  private static long latencyMs(Timings t) {
    return t.getEmittedAtMs() - t.getInputTimestampMs();
  }

  int results() {
    return resultsById.values().stream().mapToInt(Integer::intValue).sum();
  }

  int deadLetters() {
    return deadLettersById.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** How many of {@code ids} have at least one result or dead letter. */
  long accountedFor(Set<String> ids) {
    return ids.stream().filter(id -> resultsById.containsKey(id) || deadLettersById.containsKey(id)).count();
  }

  /** Results per prefix version. */
  Map<Long, Integer> versions() {
    return Map.copyOf(resultsByVersion);
  }

  /** The reconciliation of {@code inputs} against everything read. */
  Tally tally(Set<String> inputs) {
    int lost = 0;
    int duplicated = 0;
    for (String id : inputs) {
      int outcomes = resultsById.getOrDefault(id, 0) + deadLettersById.getOrDefault(id, 0);
      if (outcomes == 0) {
        lost++;
      } else {
        duplicated += outcomes - 1;
      }
    }
    long unexpected = resultsById.keySet().stream().filter(id -> !inputs.contains(id)).count()
        + deadLettersById.keySet().stream().filter(id -> !inputs.contains(id)).count();
    return new Tally(inputs.size(), results(), deadLetters(), lost, duplicated, (int) unexpected, new TreeMap<>(resultsByVersion));
  }

  @Override
  public void close() {
    consumer.close();
  }
}
