package io.cpner.stream.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cpner.avro.DeadLetter;
import io.cpner.avro.DeadLetterReason;
import io.cpner.registry.AvroSerde;
import io.cpner.registry.InMemorySchemaRegistry;
import io.cpner.stream.observability.NerMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.internals.DefaultErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** What becomes of a record whose processing failed unexpectedly: a dead letter on a stream task, a skip on the global thread. */
class DeadLetterExceptionHandlerTest {
  private final AvroSerde<DeadLetter> letters = AvroSerde.forClass(DeadLetter.class, new InMemorySchemaRegistry(), false);
  private final DeadLetterExceptionHandler handler = new DeadLetterExceptionHandler();

  DeadLetterExceptionHandlerTest() {
    handler.configure(Map.of(DeadLetterExceptionHandler.DEAD_LETTER_TOPIC, "dlq",
        DeadLetterExceptionHandler.DEAD_LETTER_SERIALIZER, letters.serializer(),
        DeadLetterExceptionHandler.DEAD_LETTERS, new DeadLetters(NerMetrics.inMemory())));
  }

  @Test
  void shouldDeadLetterTheInputOfAStreamTaskAndGoOn() {
    ProcessingExceptionHandler.Response response = handler.handleError(context("documents", new TaskId(0, 3)),
        new Record<>("k", "v", 7L), new IllegalStateException("boom"));
    assertEquals(ProcessingExceptionHandler.Result.RESUME, response.result());
    List<ProducerRecord<byte[], byte[]>> out = response.deadLetterQueueRecords();
    assertEquals(1, out.size());
    assertEquals("dlq", out.get(0).topic());
    DeadLetter letter = letters.deserializer().deserialize("dlq", out.get(0).value());
    assertEquals(DeadLetterReason.PROCESSING_ERROR, letter.getReason());
    assertEquals(List.of("documents", 3, 12L), List.of(letter.getSourceTopic(), letter.getSourcePartition(), letter.getSourceOffset()));
    assertEquals("processing failed in route: java.lang.IllegalStateException: boom", letter.getDetail());
  }

  @Test
  void shouldSkipAControlRecordOnTheGlobalThreadWithoutStoppingTheApplication() {
    ProcessingExceptionHandler.Response response = handler.handleError(context("prefix-updates", new TaskId(-1, -1)),
        new Record<>("k", "v", 7L), new IllegalStateException("boom"));
    assertEquals(ProcessingExceptionHandler.Result.RESUME, response.result());
    assertEquals(List.of(), response.deadLetterQueueRecords(), "the global thread has no dead-letter topic");
  }

  private static ErrorHandlerContext context(String topic, TaskId task) {
    return new DefaultErrorHandlerContext(null, topic, 3, 12L, new RecordHeaders(), "route", task, 7L,
        "key".getBytes(StandardCharsets.UTF_8), "value".getBytes(StandardCharsets.UTF_8));
  }
}
