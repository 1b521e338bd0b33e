package io.cpner.stream;

import io.cpner.avro.DeadLetter;
import io.cpner.avro.Document;
import io.cpner.avro.EntityTrend;
import io.cpner.avro.NerResult;
import io.cpner.avro.PrefixUpdate;
import io.cpner.avro.PrefixUpdateStatusRecord;
import io.cpner.registry.AvroRecordDeserializer;
import io.cpner.registry.AvroSerde;
import io.cpner.registry.SchemaRegistry;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;

/**
 * The value serdes of the application's topics (schema-registry Avro in the Confluent wire format in
 * production). Keys are plain strings (document id, domain) or, on the dead-letter topic, the input's
 * raw key bytes. {@code userRecord} reads a user's own Avro records ({@code input.format=AVRO});
 * {@code registry} is where enriched output's derived schemas are registered.
 */
public record TopicSerdes(
    Serde<Document> document, Serde<NerResult> result, Serde<DeadLetter> deadLetter, Serde<PrefixUpdate> prefixUpdate,
    Serde<PrefixUpdateStatusRecord> prefixStatus, Serde<EntityTrend> trend, Deserializer<GenericRecord> userRecord,
    SchemaRegistry registry) {

  /** Value serdes in the Confluent wire format through the given registry (subjects {@code <topic>-value}). */
  public static TopicSerdes fromRegistry(SchemaRegistry client) {
    return new TopicSerdes(AvroSerde.forClass(Document.class, client, false), AvroSerde.forClass(NerResult.class, client, false),
        AvroSerde.forClass(DeadLetter.class, client, false), AvroSerde.forClass(PrefixUpdate.class, client, false),
        AvroSerde.forClass(PrefixUpdateStatusRecord.class, client, false), AvroSerde.forClass(EntityTrend.class, client, false),
        AvroRecordDeserializer.generic(client), client);
  }
}
