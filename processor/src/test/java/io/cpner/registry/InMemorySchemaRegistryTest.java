package io.cpner.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cpner.avro.DeadLetter;
import io.cpner.avro.Document;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryTest {
  @Test
  void shouldGiveOneIdPerSchemaAndAnswerUnknownOnesWithTheRestRegistrysErrors() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    int document = registry.schemaId("documents-value", Document.getClassSchema());
    assertEquals(document, registry.schemaId("other-value", Document.getClassSchema()), "one id per schema, any subject");
    int deadLetter = registry.schemaId("documents-dlq-value", DeadLetter.getClassSchema());
    assertEquals(document + 1, deadLetter);
    assertEquals(DeadLetter.getClassSchema(), registry.schemaById(deadLetter));
    SchemaRegistryException unknownId = assertThrows(SchemaRegistryException.class, () -> registry.schemaById(99));
    assertEquals(SchemaRegistryException.SCHEMA_NOT_FOUND, unknownId.errorCode());
  }

  @Test
  void shouldOnlyLookUpWhenNotAutoRegistering() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry(false);
    SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
        () -> registry.schemaId("documents-value", Document.getClassSchema()));
    assertEquals(404, e.httpStatus());
    assertEquals(SchemaRegistryException.SUBJECT_NOT_FOUND, e.errorCode());
    int id = registry.register("documents-value", Document.getClassSchema());
    assertEquals(id, registry.schemaId("documents-value", Document.getClassSchema()));
  }
}
