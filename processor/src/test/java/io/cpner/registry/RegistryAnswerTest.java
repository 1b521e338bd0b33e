package io.cpner.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.avro.Document;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * Only a definite answer from the registry makes a record unreadable or unwritable; no answer (down,
 * timed out, 5xx, 408, 429) is a {@link RegistryUnavailableException}, which the processor waits on.
 */
class RegistryAnswerTest {
  @Test
  void shouldTellNoAnswerFromADefiniteOne() {
    for (int status : List.of(SchemaRegistryException.NO_RESPONSE, 500, 502, 503, 504, 408, 429)) {
      assertTrue(failure(status).isUnavailable(), "HTTP " + status + " is no answer");
    }
    for (int status : List.of(400, 401, 403, 404, 409, 422)) {
      assertEquals(false, failure(status).isUnavailable(), "HTTP " + status + " is an answer");
    }
  }

  @Test
  void shouldReadAWriterSchemaTheRegistryCouldNotServeAsUnavailableNotAsUndecodable() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    AvroSerde<Document> serde = AvroSerde.forClass(Document.class, registry, false);
    byte[] wire = serde.serializer().serialize("documents", new Document("d", "news", "Alice met Bob.", Map.of()));
    FailingRegistry down = new FailingRegistry(registry, 503);
    AvroSerde<Document> reader = AvroSerde.forClass(Document.class, down, false);

    RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
        () -> reader.deserializer().deserialize("documents", wire));
    assertTrue(e.getMessage().startsWith("Could not fetch writer schema id 1 for a record on topic documents"), e.getMessage());

    down.status = 404;
    assertThrows(SerializationException.class, () -> reader.deserializer().deserialize("documents", wire));
    down.status = 0;
    assertEquals("Alice met Bob.", reader.deserializer().deserialize("documents", wire).getText());
  }

  @Test
  void shouldWriteWithAnIdTheRegistryCouldNotGiveAsUnavailable() {
    FailingRegistry down = new FailingRegistry(new InMemorySchemaRegistry(), SchemaRegistryException.NO_RESPONSE);
    AvroSerde<Document> documents = AvroSerde.forClass(Document.class, down, false);
    Document doc = new Document("d", "news", "Alice met Bob.", Map.of());
    assertThrows(RegistryUnavailableException.class, () -> documents.serializer().serialize("documents", doc));
    down.status = 0;
    assertEquals(0, documents.serializer().serialize("documents", doc)[0], "magic byte once the registry answers");
  }

  private static SchemaRegistryException failure(int status) {
    return new SchemaRegistryException("HTTP " + status, status, SchemaRegistryException.NO_ERROR_CODE, null);
  }

  /** A registry that fails every call with {@code status} (0: passes calls through). */
  private static final class FailingRegistry implements SchemaRegistry {
    private final SchemaRegistry delegate;
    int status;

    FailingRegistry(SchemaRegistry delegate, int status) {
      this.delegate = delegate;
      this.status = status;
    }

    @Override
    public int schemaId(String subject, Schema schema) {
      failIfSet();
      return delegate.schemaId(subject, schema);
    }

    @Override
    public Schema schemaById(int id) {
      failIfSet();
      return delegate.schemaById(id);
    }

    @Override
    public boolean autoRegister() {
      return delegate.autoRegister();
    }

    private void failIfSet() {
      if (status != 0) {
        throw failure(status);
      }
    }
  }
}
