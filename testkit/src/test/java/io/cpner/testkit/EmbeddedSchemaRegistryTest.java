package io.cpner.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpner.registry.RegistryConfig;
import io.cpner.registry.SchemaRegistryClient;
import io.cpner.testkit.RegistryHttp.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class EmbeddedSchemaRegistryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER_V1 =
      "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"t\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"}]}";
  private static final String USER_V1_SPACED = """
      {
        "type" : "record", "name" : "User", "namespace": "t",
        "fields" : [ { "name" : "name", "type" : "string" } ]
      }""";
  private static final String USER_V2 = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"t\",\"fields\":["
      + "{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\",\"default\":0}]}";

  private final EmbeddedKafka kafka = SharedKafka.get();

  @Test
  void shouldGiveIdenticalSchemasOneIdAcrossSubjects(TestInfo test) throws Exception {
    try (EmbeddedSchemaRegistry registry = start(test)) {
      // given
      RegistryHttp http = RegistryHttp.at(registry.url());

      // when: the same schema, written differently, under two subjects
      Answer first = http.postSchema("/subjects/users-value/versions", USER_V1);
      Answer again = http.postSchema("/subjects/users-value/versions", USER_V1_SPACED);
      Answer otherSubject = http.postSchema("/subjects/people-value/versions", USER_V1_SPACED);

      // then
      assertEquals(200, first.status());
      int id = first.body().get("id").asInt();
      assertEquals(JSON.readTree("{\"id\":" + id + "}"), again.body());
      assertEquals(JSON.readTree("{\"id\":" + id + "}"), otherSubject.body());
      assertEquals(JSON.readTree("[\"people-value\",\"users-value\"]"), http.get("/subjects").body());
      assertEquals(JSON.readTree("[1]"), http.get("/subjects/users-value/versions").body());
      assertEquals(USER_V1, http.get("/schemas/ids/" + id).body().get("schema").asText());
    }
  }

  @Test
  void shouldAddOneVersionPerNewSchemaUnderSubject(TestInfo test) throws Exception {
    try (EmbeddedSchemaRegistry registry = start(test)) {
      // given
      RegistryHttp http = RegistryHttp.at(registry.url());
      int v1 = http.postSchema("/subjects/users-value/versions", USER_V1).body().get("id").asInt();

      // when
      int v2 = http.postSchema("/subjects/users-value/versions", USER_V2).body().get("id").asInt();
      int v1Again = http.postSchema("/subjects/users-value/versions", USER_V1).body().get("id").asInt();

      // then
      assertNotEquals(v1, v2);
      assertEquals(v1, v1Again);
      assertEquals(JSON.readTree("[1,2]"), http.get("/subjects/users-value/versions").body());
      assertEquals(registration("users-value", 2, v2, USER_V2), http.get("/subjects/users-value/versions/latest").body());
      assertEquals(registration("users-value", 1, v1, USER_V1), http.get("/subjects/users-value/versions/1").body());
      assertEquals(JSON.readTree(USER_V2), http.get("/subjects/users-value/versions/2/schema").body());
      assertEquals(registration("users-value", 1, v1, USER_V1),
          http.postSchema("/subjects/users-value", USER_V1_SPACED).body());
      assertEquals(JSON.readTree("{\"compatibilityLevel\":\"NONE\"}"), http.get("/config").body());
    }
  }

  @Test
  void shouldAnswerMistakesWithConfluentErrors(TestInfo test) throws Exception {
    try (EmbeddedSchemaRegistry registry = start(test)) {
      // given
      RegistryHttp http = RegistryHttp.at(registry.url());
      http.postSchema("/subjects/users-value/versions", USER_V1);

      // then
      assertError(404, 40403, "Schema 9999 not found", http.get("/schemas/ids/9999"));
      assertError(404, 40401, "Subject 'nobody-value' not found.", http.get("/subjects/nobody-value/versions"));
      assertError(404, 40401, "Subject 'nobody-value' not found.", http.postSchema("/subjects/nobody-value", USER_V1));
      assertError(404, 40403, "Schema not found", http.postSchema("/subjects/users-value", USER_V2));
      assertError(404, 40402, "Version 7 not found.", http.get("/subjects/users-value/versions/7"));
      assertError(422, 42202, "The specified version 'first' is not a valid version id. "
          + "Allowed values are between [1, 2^31-1] and the string \"latest\"", http.get("/subjects/users-value/versions/first"));
      assertError(404, 404, "HTTP 404 Not Found", http.get("/nothing/here"));
      Answer invalid = http.postSchema("/subjects/users-value/versions", "{\"type\":\"record\",\"name\":\"NoFields\"}");
      assertEquals(422, invalid.status());
      assertEquals(42201, invalid.body().get("error_code").asInt());
      assertTrue(invalid.body().get("message").asText().startsWith("Invalid schema: "), invalid.body().toString());
      assertEquals(JSON.readTree("[1]"), http.get("/subjects/users-value/versions").body());
    }
  }

  @Test
  void shouldAssignOneIdAndOneVersionUnderConcurrentRegistrations(TestInfo test) throws Exception {
    try (EmbeddedSchemaRegistry registry = start(test)) {
      // given: eight clients without shared caches
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Callable<Integer>> registrations = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String subject = i % 2 == 0 ? "even-value" : "odd-value";
        SchemaRegistryClient client = new SchemaRegistryClient(RegistryConfig.of(registry.url()));
        registrations.add(() -> client.register(subject, new Schema.Parser().parse(USER_V1)));
      }

      // when: all register the same schema at once
      Set<Integer> ids = new HashSet<>();
      try {
        for (Future<Integer> id : pool.invokeAll(registrations)) {
          ids.add(id.get());
        }
      } finally {
        pool.shutdown();
      }

      // then
      assertEquals(1, ids.size(), ids.toString());
      RegistryHttp http = RegistryHttp.at(registry.url());
      assertEquals(JSON.readTree("[1]"), http.get("/subjects/even-value/versions").body());
      assertEquals(JSON.readTree("[1]"), http.get("/subjects/odd-value/versions").body());
      assertEquals(2, readAll(topic(test)).size());
    }
  }

  @Test
  void shouldKeepIdsVersionsAndSchemasAcrossRestart(TestInfo test) throws Exception {
    // given: two schemas in two subjects, registered before a restart
    int v1;
    int v2;
    try (EmbeddedSchemaRegistry registry = start(test)) {
      RegistryHttp http = RegistryHttp.at(registry.url());
      v1 = http.postSchema("/subjects/users-value/versions", USER_V1).body().get("id").asInt();
      v2 = http.postSchema("/subjects/users-value/versions", USER_V2).body().get("id").asInt();
      http.postSchema("/subjects/people-value/versions", USER_V2);
    }

    // when: a new registry reads the same topic
    try (EmbeddedSchemaRegistry restarted = start(test)) {
      RegistryHttp http = RegistryHttp.at(restarted.url());

      // then: the same ids, versions and schemas come back, and new ids do not collide
      assertEquals(USER_V1, http.get("/schemas/ids/" + v1).body().get("schema").asText());
      assertEquals(USER_V2, http.get("/schemas/ids/" + v2).body().get("schema").asText());
      assertEquals(JSON.readTree("[\"people-value\",\"users-value\"]"), http.get("/subjects").body());
      assertEquals(registration("users-value", 2, v2, USER_V2), http.get("/subjects/users-value/versions/latest").body());
      assertEquals(registration("people-value", 1, v2, USER_V2), http.get("/subjects/people-value/versions/1").body());
      assertEquals(v1, http.postSchema("/subjects/users-value/versions", USER_V1).body().get("id").asInt());
      String v3Schema = USER_V2.replace("\"age\"", "\"years\"");
      int v3 = http.postSchema("/subjects/users-value/versions", v3Schema).body().get("id").asInt();
      assertEquals(Math.max(v1, v2) + 1, v3);
    }
  }

  @Test
  void shouldStoreOneConfluentFormatRecordPerRegistrationInCompactedTopic(TestInfo test) throws Exception {
    // given
    try (EmbeddedSchemaRegistry registry = start(test)) {
      RegistryHttp http = RegistryHttp.at(registry.url());

      // when: two new registrations and one repeat
      int id = http.postSchema("/subjects/users-value/versions", USER_V1).body().get("id").asInt();
      http.postSchema("/subjects/users-value/versions", USER_V1);
      http.postSchema("/subjects/people-value/versions", USER_V1);

      // then
      String topic = topic(test);
      TopicDescription description = kafka.admin().describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
      assertEquals(1, description.partitions().size());
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config = kafka.admin().describeConfigs(Set.of(resource)).all().get().get(resource);
      assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
      List<ConsumerRecord<String, String>> records = readAll(topic);
      assertEquals(2, records.size());
      assertEquals(JSON.readTree("{\"keytype\":\"SCHEMA\",\"subject\":\"users-value\",\"version\":1,\"magic\":1}"),
          JSON.readTree(records.get(0).key()));
      assertEquals(JSON.readTree("{\"subject\":\"people-value\",\"version\":1,\"id\":" + id + ",\"schema\":"
          + JSON.writeValueAsString(USER_V1) + ",\"deleted\":false}"), JSON.readTree(records.get(1).value()));
    }
  }

  @Test
  void shouldDemandBasicAuthWhenConfigured(TestInfo test) throws Exception {
    EmbeddedSchemaRegistry.Settings settings =
        EmbeddedSchemaRegistry.Settings.of(kafka.bootstrapServers()).withTopic(topic(test)).withBasicAuth("ops", "s3cret");
    try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(settings)) {
      // given
      RegistryHttp anonymous = RegistryHttp.at(registry.url());
      RegistryHttp wrongPassword = anonymous.withBasicAuth("ops", "guess");
      RegistryHttp authorized = anonymous.withBasicAuth("ops", "s3cret");

      // when
      Answer withoutCredentials = anonymous.postSchema("/subjects/users-value/versions", USER_V1);
      Answer withWrongCredentials = wrongPassword.get("/subjects");
      Answer withCredentials = authorized.postSchema("/subjects/users-value/versions", USER_V1);

      // then
      assertError(401, 401, "Unauthorized", withoutCredentials);
      assertEquals("Basic realm=\"cpner-schema-registry\"", withoutCredentials.wwwAuthenticate());
      assertError(401, 401, "Unauthorized", withWrongCredentials);
      assertEquals(200, withCredentials.status());
      assertEquals(JSON.readTree("[\"users-value\"]"), authorized.get("/subjects").body());
    }
  }

  private EmbeddedSchemaRegistry start(TestInfo test) {
    return EmbeddedSchemaRegistry.start(EmbeddedSchemaRegistry.Settings.of(kafka.bootstrapServers()).withTopic(topic(test)));
  }

  private static String topic(TestInfo test) {
    return "_schemas-" + test.getTestMethod().orElseThrow().getName();
  }

  private static JsonNode registration(String subject, int version, int id, String schema) {
    return JSON.valueToTree(Map.of("subject", subject, "version", version, "id", id, "schema", schema));
  }

  private static void assertError(int status, int errorCode, String message, Answer answer) {
    assertEquals(status, answer.status(), answer.body().toString());
    assertEquals(JSON.valueToTree(Map.of("error_code", errorCode, "message", message)), answer.body());
  }

  private List<ConsumerRecord<String, String>> readAll(String topic) {
    TopicPartition partition = new TopicPartition(topic, 0);
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (consumer.position(partition) < end && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
    }
    return records;
  }
}
