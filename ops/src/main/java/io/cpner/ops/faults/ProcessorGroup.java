package io.cpner.ops.faults;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * The processors' consumer group (the application id) seen from outside through the admin API:
 * how far they have committed on the input topic, and who owns its partitions.
 */
final class ProcessorGroup {
  private static final long ADMIN_TIMEOUT_SECONDS = 10;

  private final Admin admin;
  private final String groupId;
  private final List<TopicPartition> input;

  ProcessorGroup(Admin admin, String groupId, String inputTopic, int partitions) {
    this.admin = admin;
    this.groupId = groupId;
    this.input = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(inputTopic, p)).toList();
  }

  /** Input records whose consumption the group has committed (under exactly-once, with their outputs). */
  long committed() {
    return committedOffsets().values().stream().mapToLong(Long::longValue).sum();
  }

  /** True when the group has committed the input topic up to its end: nothing will be read again. */
  boolean committedEverything() {
    Map<TopicPartition, Long> committed = committedOffsets();
    Map<TopicPartition, ListOffsetsResultInfo> ends = await(admin.listOffsets(
        input.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()))).all());
    return input.stream().allMatch(p -> committed.getOrDefault(p, 0L) >= ends.get(p).offset());
  }

  /** Members that own input partitions, when the group is stable; -1 while it rebalances. */
  int membersWithInput() {
    ConsumerGroupDescription group = await(admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId));
    if (group.groupState() != GroupState.STABLE) {
      return -1;
    }
    return (int) group.members().stream().map(MemberDescription::assignment)
        .filter(a -> a.topicPartitions().stream().anyMatch(input::contains)).count();
  }

  private Map<TopicPartition, Long> committedOffsets() {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        await(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata());
    return offsets.entrySet().stream().filter(e -> input.contains(e.getKey()) && e.getValue() != null)
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  private static <T> T await(KafkaFuture<T> future) {
    try {
      return future.get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("admin request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during an admin request", e);
    }
  }
}
