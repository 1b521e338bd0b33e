package io.cpner.ops.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpner.avro.Document;
import io.cpner.ops.options.ConfigFileOption;
import io.cpner.registry.AvroSerde;
import io.cpner.registry.SchemaRegistryClient;
import io.cpner.stream.ProcessorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cpner loadgen}: sends documents to the input topic at a target rate with a domain mix,
 * from a JSON-lines file or the demo's samples, printing the achieved rate as it goes.
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true,
    description = "Send documents at a target rate and domain mix to the input topic; prints the achieved rate.")
public final class LoadgenCommand implements Callable<Integer> {
  @Mixin ConfigFileOption config;

  @Option(names = "--rate", defaultValue = "50", description = "Documents per second, 0 = as fast as the producer goes (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--duration-s", defaultValue = "60", description = "How long to send (default ${DEFAULT-VALUE}).")
  double durationSeconds;

  @Option(names = "--mix", split = ",", description = "Domain weights, e.g. politics=3,science=1 (default: equal over the documents' domains).")
  Map<String, Double> mix = new LinkedHashMap<>();

  @Option(names = "--file", description = "JSON lines {\"domain\": ..., \"text\": ...} (default: the demo's sample documents).")
  Path file;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed of the domain and document choice.")
  long seed;

  @Override
  public Integer call() throws Exception {
    ProcessorConfig c = config.load();
    Map<String, List<Document>> byDomain = new HashMap<>();
    for (Document d : file == null ? DemoTraffic.samples() : read(file)) {
      byDomain.computeIfAbsent(d.getDomain(), k -> new ArrayList<>()).add(d);
    }
    Map<String, Double> weights = mix.isEmpty() ? equalWeights(byDomain) : mix;
    for (String domain : weights.keySet()) {
      if (!byDomain.containsKey(domain)) {
        throw new IllegalArgumentException("--mix names domain '" + domain + "', but the documents have only " + byDomain.keySet());
      }
    }
    double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    Random random = new Random(seed);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.putAll(c.streamsOverrides());
    long sent = 0;
    Pacer pacer = new Pacer(rate);
    long start = System.nanoTime();
    long lastReport = start;
    try (KafkaProducer<String, Document> producer = new KafkaProducer<>(p, new StringSerializer(),
        AvroSerde.forClass(Document.class, new SchemaRegistryClient(c.registryConfig()), false).serializer())) {
      while (System.nanoTime() - start < durationSeconds * 1e9) {
        String domain = pick(weights, total, random);
        List<Document> docs = byDomain.get(domain);
        Document template = docs.get(random.nextInt(docs.size()));
        String id = "load-" + seed + "-" + sent;
        producer.send(new ProducerRecord<>(c.topics().input(), id, new Document(id, domain, template.getText(), Map.of())));
        sent++;
        pacer.await(sent);
        long now = System.nanoTime();
        if (now - lastReport > 1e9) {
          System.err.printf("\rsent %d documents, %.1f/s (target %.1f/s)   ", sent, sent / ((now - start) / 1e9), rate);
          lastReport = now;
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.err.println();
    System.out.printf("sent %d documents in %.1f s: %.1f documents/s (target %.1f), mix %s%n", sent, seconds, sent / seconds, rate,
        weights);
    return 0;
  }

  private static String pick(Map<String, Double> weights, double total, Random random) {
    double r = random.nextDouble() * total;
    for (Map.Entry<String, Double> w : weights.entrySet()) {
      r -= w.getValue();
      if (r < 0) {
        return w.getKey();
      }
    }
    return weights.keySet().iterator().next();
  }

  private static Map<String, Double> equalWeights(Map<String, List<Document>> byDomain) {
    Map<String, Double> w = new LinkedHashMap<>();
    byDomain.keySet().stream().sorted().forEach(d -> w.put(d, 1.0));
    return w;
  }

  private static List<Document> read(Path file) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<Document> out = new ArrayList<>();
    int line = 0;
    for (String text : Files.readAllLines(file)) {
      line++;
      if (text.isBlank()) {
        continue;
      }
      JsonNode n = json.readTree(text);
      if (!n.hasNonNull("domain") || !n.hasNonNull("text")) {
        throw new IllegalArgumentException(file + " line " + line + ": expected {\"domain\": ..., \"text\": ...}, found " + text);
      }
      out.add(new Document("", n.get("domain").asText(), n.get("text").asText(), Map.of()));
    }
    return out;
  }
}
