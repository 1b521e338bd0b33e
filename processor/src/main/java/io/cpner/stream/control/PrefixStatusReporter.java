package io.cpner.stream.control;

import io.cpner.avro.PrefixUpdate;
import io.cpner.avro.PrefixUpdateRejection;
import io.cpner.avro.PrefixUpdateStatusRecord;
import io.cpner.stream.control.PrefixUpdateStatus.Rejection;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Builds the {@link PrefixUpdateStatusRecord} of one control-topic record (this instance's
 * application id and name, the record's coordinates, the decision) and sends it to the sink.
 */
public final class PrefixStatusReporter {
  private final PrefixUpdateStatusSink sink;
  private final String applicationId;
  private final String instance;

  public PrefixStatusReporter(PrefixUpdateStatusSink sink, String applicationId, String instance) {
    this.sink = sink;
    this.applicationId = applicationId;
    this.instance = instance;
  }

  void accepted(PrefixUpdate update, String detail, RecordMetadata source, long nowMs) {
    sink.send(record(update, update.getDomain(), null, detail, source, nowMs));
  }

  /**
   * @param update the decoded update, or null when it could not be decoded
   * @param keyDomain the record key, the domain reported when there is no update
   */
  void refused(Rejection reason, String detail, PrefixUpdate update, String keyDomain, RecordMetadata source, long nowMs) {
    sink.send(record(update, keyDomain, PrefixUpdateRejection.valueOf(reason.name()), detail, source, nowMs));
  }

  private PrefixUpdateStatusRecord record(PrefixUpdate update, String keyDomain, PrefixUpdateRejection reason, String detail,
      RecordMetadata source, long nowMs) {
    return PrefixUpdateStatusRecord.newBuilder()
        .setDomain(update == null ? keyDomain : update.getDomain())
        .setVersion(update == null ? null : update.getVersion())
        .setAccepted(reason == null)
        .setReason(reason)
        .setDetail(detail == null ? "" : detail)
        .setKeyId(update == null ? null : update.getKeyId())
        .setSourceTopic(source == null ? "" : source.topic())
        .setSourcePartition(source == null ? -1 : source.partition())
        .setSourceOffset(source == null ? -1 : source.offset())
        .setApplicationId(applicationId)
        .setInstance(instance)
        .setTimestampMs(nowMs)
        .build();
  }
}
