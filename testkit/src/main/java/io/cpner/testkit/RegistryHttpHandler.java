package io.cpner.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the Confluent Schema Registry REST subset over a {@link SchemaStore} backed by a
 * {@link SchemaLog}:
 * <pre>
 * GET  /subjects                              ["a-value", ...]
 * POST /subjects/{s}/versions   {"schema"}    {"id"}          register (idempotent)
 * POST /subjects/{s}            {"schema"}    {"subject","version","id","schema"}   look up
 * GET  /subjects/{s}/versions                 [1, 2, ...]
 * GET  /subjects/{s}/versions/{v|latest}      {"subject","version","id","schema"}
 * GET  /subjects/{s}/versions/{v|latest}/schema   the schema itself
 * GET  /schemas/ids/{id}                      {"schema"}
 * GET  /config                                {"compatibilityLevel":"NONE"}
 * </pre>
 * Errors use Confluent's body {@code {"error_code":..,"message":..}}. With credentials configured,
 * every request needs matching HTTP basic authentication, else 401.
 */
final class RegistryHttpHandler implements HttpHandler {
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SchemaStore store;
  private final SchemaLog log;
  private final byte[] expectedAuthorization;

  /** {@code expectedAuthorization} is the whole {@code Authorization} header to demand, or null for none. */
  RegistryHttpHandler(SchemaStore store, SchemaLog log, String expectedAuthorization) {
    this.store = store;
    this.log = log;
    this.expectedAuthorization =
        expectedAuthorization == null ? null : expectedAuthorization.getBytes(StandardCharsets.UTF_8);
  }

  private record Answer(int status, Object body) {}

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String request = exchange.getRequestMethod() + " " + exchange.getRequestURI();
    Answer answer;
    try {
      authenticate(exchange);
      answer = route(exchange.getRequestMethod(), segments(exchange.getRequestURI().getRawPath()), exchange);
    } catch (RegistryError e) {
      if (e.status() >= 500) {
        LOG.warn("{} failed: {}", request, e.getMessage(), e);
      } else {
        LOG.debug("{} -> {} {}", request, e.status(), e.getMessage());
      }
      answer = errorAnswer(e);
    } catch (RuntimeException e) {
      LOG.error("{} failed unexpectedly", request, e);
      answer = new Answer(500, errorBody(50001, "Internal error: " + e));
    }
    try {
      send(exchange, answer);
    } finally {
      exchange.close();
    }
  }

  private void authenticate(HttpExchange exchange) {
    if (expectedAuthorization == null) {
      return;
    }
    String given = exchange.getRequestHeaders().getFirst("Authorization");
    if (given == null || !MessageDigest.isEqual(expectedAuthorization, given.getBytes(StandardCharsets.UTF_8))) {
      exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"cpner-schema-registry\"");
      throw RegistryError.unauthorized();
    }
  }

  private Answer route(String method, List<String> path, HttpExchange exchange) {
    int n = path.size();
    if (n == 0) {
      return get(method, Map.of());
    }
    switch (path.get(0)) {
      case "subjects":
        if (n == 1) {
          return get(method, store.subjects());
        }
        String subject = path.get(1);
        if (n == 2) {
          requireMethod(method, "POST");
          return new Answer(200, registrationBody(lookup(subject, schemaOf(exchange))));
        }
        if (!path.get(2).equals("versions")) {
          break;
        }
        if (n == 3 && method.equals("POST")) {
          String schema = schemaOf(exchange);
          SchemaRegistration registration = register(subject, schema);
          return new Answer(200, Map.of("id", registration.id()));
        }
        if (n == 3) {
          requireMethod(method, "GET");
          List<Integer> versions = store.versions(subject);
          if (versions.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
          }
          return new Answer(200, versions);
        }
        if (n == 4) {
          return get(method, registrationBody(version(subject, path.get(3))));
        }
        if (n == 5 && path.get(4).equals("schema")) {
          requireMethod(method, "GET");
          return new Answer(200, parseJson(version(subject, path.get(3)).schema()));
        }
        break;
      case "schemas":
        if (n == 3 && path.get(1).equals("ids")) {
          requireMethod(method, "GET");
          int id = parseId(path.get(2));
          String schema = store.schema(id).orElseThrow(() -> RegistryError.schemaNotFound(id));
          return new Answer(200, Map.of("schema", schema));
        }
        break;
      case "config":
        if (n == 1) {
          return get(method, Map.of("compatibilityLevel", "NONE"));
        }
        break;
      default:
        break;
    }
    throw RegistryError.notFound();
  }

  private SchemaRegistration register(String subject, String schema) {
    try {
      return store.register(subject, schema, log::append);
    } catch (IllegalStateException e) {
      throw RegistryError.storeError(e);
    }
  }

  private SchemaRegistration lookup(String subject, String schema) {
    if (!store.hasSubject(subject)) {
      throw RegistryError.subjectNotFound(subject);
    }
    return store.find(subject, schema).orElseThrow(RegistryError::schemaNotFound);
  }

  private SchemaRegistration version(String subject, String version) {
    if (!store.hasSubject(subject)) {
      throw RegistryError.subjectNotFound(subject);
    }
    if (version.equals("latest") || version.equals("-1")) {
      return store.latest(subject).orElseThrow(() -> RegistryError.subjectNotFound(subject));
    }
    int number;
    try {
      number = Integer.parseInt(version);
    } catch (NumberFormatException e) {
      throw RegistryError.invalidVersion(version);
    }
    if (number < 1) {
      throw RegistryError.invalidVersion(version);
    }
    return store.version(subject, number).orElseThrow(() -> RegistryError.versionNotFound(number));
  }

  /** The request's schema in Avro's normalized form, the form the store compares and keeps. */
  private static String schemaOf(HttpExchange exchange) {
    JsonNode request;
    try (InputStream body = exchange.getRequestBody()) {
      request = JSON.readTree(body);
    } catch (IOException e) {
      throw RegistryError.badRequest("Request body is not JSON: " + e.getMessage(), e);
    }
    if (request == null || !request.path("schema").isTextual() || request.path("schema").asText().isBlank()) {
      throw RegistryError.invalidSchema("Empty schema: expected a body {\"schema\": \"<Avro schema JSON>\"}", null);
    }
    String schemaType = request.path("schemaType").asText("AVRO");
    if (!schemaType.equals("AVRO")) {
      throw RegistryError.invalidSchema("only AVRO schemas are supported, found schemaType " + schemaType, null);
    }
    if (request.path("references").size() > 0) {
      throw RegistryError.invalidSchema("schema references are not supported", null);
    }
    return normalize(request.get("schema").asText());
  }

  /** Avro's normalized JSON of {@code text}; a 422 / 42201 error when it is no valid Avro schema. */
  static String normalize(String text) {
    try {
      return new Schema.Parser().parse(text).toString();
    } catch (AvroRuntimeException e) {
      throw RegistryError.invalidSchema(e.getMessage(), e);
    }
  }

  private static Map<String, Object> registrationBody(SchemaRegistration registration) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("subject", registration.subject());
    body.put("version", registration.version());
    body.put("id", registration.id());
    body.put("schema", registration.schema());
    return body;
  }

  private static Answer get(String method, Object body) {
    requireMethod(method, "GET");
    return new Answer(200, body);
  }

  private static void requireMethod(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw RegistryError.methodNotAllowed();
    }
  }

  private static int parseId(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw RegistryError.notFound();
    }
  }

  private static JsonNode parseJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored schema is not JSON: " + text, e);
    }
  }

  private static List<String> segments(String rawPath) {
    List<String> segments = new ArrayList<>();
    for (String raw : Arrays.asList(rawPath.split("/"))) {
      if (!raw.isEmpty()) {
        segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return segments;
  }

  private static Answer errorAnswer(RegistryError e) {
    return new Answer(e.status(), errorBody(e.errorCode(), e.getMessage()));
  }

  private static Map<String, Object> errorBody(int errorCode, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error_code", errorCode);
    body.put("message", message);
    return body;
  }

  private static void send(HttpExchange exchange, Answer answer) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(answer.body());
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.sendResponseHeaders(answer.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
