package io.cpner.stream.documents;

import io.cpner.avro.DeadLetter;
import io.cpner.avro.DeadLetterReason;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line of defence: an error the topology did not handle itself (a processing bug, a result
 * too large or impossible to serialize) turns the input record into a {@code PROCESSING_ERROR}
 * dead letter, with its source coordinates and original bytes, and processing resumes. A poison pill
 * never stops the application and nothing disappears silently. On the global thread (the control
 * topic, which has no dead-letter topic) the record is logged and skipped instead of stopping the
 * application. Configured by Kafka Streams from the
 * streams properties: {@link #DEAD_LETTER_TOPIC} and {@link #DEAD_LETTER_SERIALIZER}, the application's
 * own dead-letter serializer (so its schema registry and cache).
 */
public final class DeadLetterExceptionHandler implements ProcessingExceptionHandler, ProductionExceptionHandler {
  /** The streams property naming the dead-letter topic for this handler. */
  public static final String DEAD_LETTER_TOPIC = "cpner.dead.letter.topic";
  /** The streams property holding the {@code Serializer<DeadLetter>} instance this handler writes with. */
  public static final String DEAD_LETTER_SERIALIZER = "cpner.dead.letter.serializer";
  /** The streams property holding the {@link DeadLetters} instance that counts and builds its dead letters. */
  public static final String DEAD_LETTERS = "cpner.dead.letters";
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterExceptionHandler.class);

  private String topic;
  private Serializer<DeadLetter> serializer;
  private DeadLetters deadLetters;

  @Override
  public void configure(Map<String, ?> configs) {
    Object name = configs.get(DEAD_LETTER_TOPIC);
    if (name == null) {
      throw new IllegalArgumentException(DEAD_LETTER_TOPIC + " is required by " + getClass().getSimpleName());
    }
    this.topic = name.toString();
    if (!(configs.get(DEAD_LETTER_SERIALIZER) instanceof Serializer<?> given)) {
      throw new IllegalArgumentException(DEAD_LETTER_SERIALIZER + " must hold the application's Serializer<DeadLetter>, found "
          + configs.get(DEAD_LETTER_SERIALIZER));
    }
    @SuppressWarnings("unchecked")
    Serializer<DeadLetter> typed = (Serializer<DeadLetter>) given;
    this.serializer = typed;
    if (!(configs.get(DEAD_LETTERS) instanceof DeadLetters letters)) {
      throw new IllegalArgumentException(DEAD_LETTERS + " must hold the application's DeadLetters, found " + configs.get(DEAD_LETTERS));
    }
    this.deadLetters = letters;
  }

  @Override
  public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    if (context.taskId().subtopology() < 0) { // the global thread (control topic): it has no dead-letter topic
      LOG.error("control record {}-{}@{} failed in {}; skipped, nothing installed from it", context.topic(), context.partition(),
          context.offset(), context.processorNodeId(), exception);
      return ProcessingExceptionHandler.Response.resume();
    }
    LOG.error("processing failed at {}-{}@{} in {}; dead-lettering the input", context.topic(), context.partition(),
        context.offset(), context.processorNodeId(), exception);
    return ProcessingExceptionHandler.Response.resume(deadLetter(context, "processing failed in "
        + context.processorNodeId() + ": " + exception));
  }

  @Override
  public ProductionExceptionHandler.Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
      Exception exception) {
    if (!(exception instanceof RecordTooLargeException)) {
      return ProductionExceptionHandler.Response.fail(); // e.g. authorization or a lost broker: not the record's fault
    }
    LOG.error("cannot write to {} for input {}-{}@{}; dead-lettering the input", record.topic(), context.topic(),
        context.partition(), context.offset(), exception);
    return ProductionExceptionHandler.Response.resume(deadLetter(context, "cannot write to " + record.topic() + ": " + exception));
  }

  @Override
  public ProductionExceptionHandler.Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record,
      Exception exception, SerializationExceptionOrigin origin) {
    LOG.error("cannot serialize the {} of a record for {} (input {}-{}@{}); dead-lettering the input", origin, record.topic(),
        context.topic(), context.partition(), context.offset(), exception);
    return ProductionExceptionHandler.Response.resume(deadLetter(context, "cannot serialize the " + origin + " for "
        + record.topic() + ": " + exception));
  }

  private List<ProducerRecord<byte[], byte[]>> deadLetter(ErrorHandlerContext context, String detail) {
    DeadLetter letter = deadLetters.of(DeadLetterReason.PROCESSING_ERROR, detail, context.topic(), context.partition(),
        context.offset(), context.sourceRawKey(), context.sourceRawValue(), context.timestamp());
    return List.of(new ProducerRecord<>(topic, null, context.timestamp(), context.sourceRawKey(),
        serializer.serialize(topic, letter)));
  }
}
