package io.cpner.registry;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpner.testkit.SharedKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code src/test/python/confluent_interop.py} (Confluent's own Python client: schema-registry
 * client, AvroSerializer/AvroDeserializer, librdkafka) against our registry and the shared broker.
 */
public final class ConfluentPython {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Path SCRIPT = Path.of("src/test/python/confluent_interop.py");
  private static final ObjectMapper JSON = new ObjectMapper();

  private ConfluentPython() {}

  /**
   * Runs one command of the script and returns its stdout as JSON.
   *
   * @param user basic-auth user, or null for none
   */
  public static JsonNode run(Path temp, String registryUrl, String user, String password, String... command)
      throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString(),
        "--registry", registryUrl, "--bootstrap", SharedKafka.get().bootstrapServers()));
    if (user != null) {
      line.addAll(List.of("--user", user, "--password", password));
    }
    line.addAll(List.of(command));
    Path stderr = Files.createTempFile(temp, "python", ".err");
    Process process = new ProcessBuilder(line).redirectError(stderr.toFile()).start();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("Python interop script did not finish in 90 s: " + line);
    }
    if (process.exitValue() != 0) {
      fail("Python interop script failed (exit " + process.exitValue() + "): " + line + "\n" + Files.readString(stderr));
    }
    return JSON.readTree(stdout);
  }

  /** Null when /usr/bin/python3 can import Confluent's Avro serializer, else why not. */
  public static String whyMissing() throws IOException, InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      return PYTHON + " not found";
    }
    Process check = new ProcessBuilder(PYTHON.toString(), "-c", "import confluent_kafka.schema_registry.avro")
        .redirectErrorStream(true).start();
    String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!check.waitFor(30, TimeUnit.SECONDS)) {
      check.destroyForcibly();
      return PYTHON + " did not import confluent_kafka within 30 s";
    }
    if (check.exitValue() != 0) {
      String last = output.lines().reduce((first, second) -> second).orElse("");
      return PYTHON + " cannot import confluent_kafka.schema_registry.avro (" + last + "); it needs the Debian "
          + "packages python3-confluent-kafka and python3-requests, and fastavro";
    }
    return null;
  }
}
