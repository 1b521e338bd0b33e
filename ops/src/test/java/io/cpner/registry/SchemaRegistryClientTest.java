package io.cpner.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.avro.Document;
import io.cpner.avro.NerResult;
import io.cpner.testkit.EmbeddedSchemaRegistry;
import io.cpner.testkit.SharedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class SchemaRegistryClientTest {

  @Test
  void shouldSendBasicAuthCredentialsTheRegistryDemands(TestInfo test) {
    try (EmbeddedSchemaRegistry registry = start(test, true)) {
      // given
      SchemaRegistryClient authorized =
          new SchemaRegistryClient(RegistryConfig.of(registry.url()).withBasicAuth("svc", "pa:ss"));
      SchemaRegistryClient anonymous = new SchemaRegistryClient(RegistryConfig.of(registry.url()));

      // when
      int id = authorized.register("auth-value", Document.getClassSchema());
      SchemaRegistryException refused =
          assertThrows(SchemaRegistryException.class, () -> anonymous.schemaById(id));

      // then
      assertEquals(Document.getClassSchema(), authorized.schemaById(id));
      assertEquals(401, refused.httpStatus());
      assertEquals(401, refused.errorCode());
      assertEquals("Schema registry GET /schemas/ids/" + id + " failed: HTTP 401, error_code 401: Unauthorized",
          refused.getMessage());
    }
  }

  @Test
  void shouldRememberForAWhileThatAnIdIsUnknownSoHostileRecordsCostOneRequest(TestInfo test) {
    SchemaRegistryClient client;
    try (EmbeddedSchemaRegistry registry = start(test, false)) {
      // given a client that asked once for an id the registry never issued
      client = new SchemaRegistryClient(RegistryConfig.of(registry.url()));
      assertThrows(SchemaRegistryException.class, () -> client.schemaById(777));
    }
    // when it asks again with the registry gone
    SchemaRegistryException again = assertThrows(SchemaRegistryException.class, () -> client.schemaById(777));
    // then the cached answer comes back without a request (a request would fail to connect)
    assertEquals(404, again.httpStatus());
    assertEquals(SchemaRegistryException.SCHEMA_NOT_FOUND, again.errorCode());
    assertEquals("GET /schemas/ids/777: schema id 777 is unknown to the registry (answer cached)", again.getMessage());
  }

  @Test
  void shouldReportHttpStatusErrorCodeAndMessage(TestInfo test) {
    try (EmbeddedSchemaRegistry registry = start(test, false)) {
      // given
      SchemaRegistryClient client = new SchemaRegistryClient(RegistryConfig.of(registry.url()));
      client.register("known-value", Document.getClassSchema());

      // when
      SchemaRegistryException unknownId = assertThrows(SchemaRegistryException.class, () -> client.schemaById(4242));
      SchemaRegistryException notUnderSubject =
          assertThrows(SchemaRegistryException.class, () -> client.lookup("known-value", NerResult.getClassSchema()));

      // then
      assertEquals(404, unknownId.httpStatus());
      assertEquals(SchemaRegistryException.SCHEMA_NOT_FOUND, unknownId.errorCode());
      assertEquals("Schema registry GET /schemas/ids/4242 failed: HTTP 404, error_code 40403: Schema 4242 not found",
          unknownId.getMessage());
      assertEquals(SchemaRegistryException.SCHEMA_NOT_FOUND, notUnderSubject.errorCode());
      assertEquals("Schema registry POST /subjects/known-value failed: HTTP 404, error_code 40403: Schema not found",
          notUnderSubject.getMessage());
    }
  }

  @Test
  void shouldAnswerFromCacheOnceRegistryIsGone(TestInfo test) {
    // given: answers obtained while the registry ran
    SchemaRegistryClient client;
    int id;
    String url;
    try (EmbeddedSchemaRegistry registry = start(test, false)) {
      url = registry.url();
      client = new SchemaRegistryClient(RegistryConfig.of(url));
      id = client.register("cached-value", Document.getClassSchema());
    }

    // then: cached in both directions, and a new question fails with no response
    assertEquals(id, client.register("cached-value", Document.getClassSchema()));
    assertEquals(id, client.lookup("cached-value", Document.getClassSchema()));
    assertEquals(Document.getClassSchema(), client.schemaById(id));
    SchemaRegistryException unreachable =
        assertThrows(SchemaRegistryException.class, () -> client.schemaById(id + 1));
    assertEquals(SchemaRegistryException.NO_RESPONSE, unreachable.httpStatus());
    assertTrue(unreachable.getMessage().startsWith("Schema registry at " + url + " did not answer GET /schemas/ids/"),
        unreachable.getMessage());
  }

  private static EmbeddedSchemaRegistry start(TestInfo test, boolean basicAuth) {
    EmbeddedSchemaRegistry.Settings settings = EmbeddedSchemaRegistry.Settings.of(SharedKafka.get().bootstrapServers())
        .withTopic("_schemas-client-" + test.getTestMethod().orElseThrow().getName());
    return EmbeddedSchemaRegistry.start(basicAuth ? settings.withBasicAuth("svc", "pa:ss") : settings);
  }
}
