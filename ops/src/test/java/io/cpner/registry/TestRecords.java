package io.cpner.registry;

import io.cpner.avro.Document;
import io.cpner.avro.EntitySpan;
import io.cpner.avro.NerResult;
import io.cpner.avro.Timings;
import java.util.List;
import java.util.Map;

/** Sample records with every field set, values exactly representable (floats included). */
final class TestRecords {
  private TestRecords() {}

  static Document document(String id) {
    return Document.newBuilder()
        .setId(id)
        .setDomain("politics")
        .setText("Angela Merkel met Emmanuel Macron in Paris — naïve café talk.")
        .setMetadata(Map.of("source", "wire", "lang", "en"))
        .build();
  }

  static NerResult nerResult(String docId) {
    return NerResult.newBuilder()
        .setDocId(docId)
        .setDomain("politics")
        .setPrefixDomain("politics")
        .setPrefixVersion(3L)
        .setEntities(List.of(
            EntitySpan.newBuilder().setText("Angela Merkel").setType("person").setStart(0).setEnd(13).setScore(0.875f).build(),
            EntitySpan.newBuilder().setText("Paris").setType("location").setStart(39).setEnd(44).setScore(0.5f).build()))
        .setModel("all-MiniLM-L6-v2")
        .setTimings(Timings.newBuilder()
            .setInputTimestampMs(1_700_000_000_000L)
            .setBufferedAtMs(1_700_000_000_010L)
            .setEmittedAtMs(1_700_000_000_042L)
            .setBatchSize(16)
            .setForwardMs(12.5f)
            .build())
        .build();
  }
}
