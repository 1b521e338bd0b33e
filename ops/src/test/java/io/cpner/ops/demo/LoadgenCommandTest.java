package io.cpner.ops.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.avro.Document;
import io.cpner.ops.Cpner;
import io.cpner.registry.AvroSerde;
import io.cpner.registry.RegistryConfig;
import io.cpner.registry.SchemaRegistryClient;
import io.cpner.testkit.EmbeddedSchemaRegistry;
import io.cpner.testkit.SharedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LoadgenCommandTest {
  @TempDir Path temp;

  @Test
  void shouldSendDocumentsOfTheRequestedDomainsAtAboutTheTargetRate() throws Exception {
    var kafka = SharedKafka.get();
    kafka.createTopic("documents-loadgen", 1, false);
    try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
        EmbeddedSchemaRegistry.Settings.of(kafka.bootstrapServers()).withTopic("_schemas-loadgen"))) {
      Path config = temp.resolve("processor.properties");
      Files.writeString(config, String.join("\n", "bootstrap.servers=" + kafka.bootstrapServers(),
          "schema.registry.url=" + registry.url(), "topic.input=documents-loadgen", "prefix.updates.allow.unsigned=true"));
      // when 100 documents/s are sent for 2 s, three parts politics to one part science
      int exit = new CommandLine(new Cpner()).execute("loadgen", "--config", config.toString(), "--rate", "100",
          "--duration-s", "2", "--mix", "politics=3,science=1");
      assertEquals(0, exit);
      // then about 200 documents arrived, of those two domains only, each with a unique id
      AvroSerde<Document> serde = AvroSerde.forClass(Document.class, new SchemaRegistryClient(RegistryConfig.of(registry.url())), false);
      List<Document> docs = new ArrayList<>();
      try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, "loadgen-test",
          ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
        consumer.subscribe(List.of("documents-loadgen"));
        long deadline = System.currentTimeMillis() + 5_000;
        while (System.currentTimeMillis() < deadline) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            docs.add(serde.deserializer().deserialize(r.topic(), r.value()));
          }
        }
      }
      assertTrue(docs.size() >= 190 && docs.size() <= 201, "sent " + docs.size());
      Set<String> domains = new HashSet<>();
      docs.forEach(d -> domains.add(d.getDomain()));
      assertEquals(Set.of("politics", "science"), domains);
      long politics = docs.stream().filter(d -> d.getDomain().equals("politics")).count();
      assertTrue(politics > docs.size() / 2, "politics is three quarters of the mix: " + politics + " of " + docs.size());
      assertEquals(docs.size(), docs.stream().map(Document::getId).distinct().count());
    }
  }
}
