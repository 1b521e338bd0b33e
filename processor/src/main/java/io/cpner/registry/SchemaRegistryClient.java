package io.cpner.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for the subset of the Confluent Schema Registry REST API that Avro serdes need:
 * register a schema under a subject, look up the id of a schema already registered, and fetch a
 * schema by its global id.
 *
 * <p>Answers are cached in both directions (schema to id per subject, id to schema), so each
 * schema costs one round trip per process; ids are immutable in a registry, so the caches never
 * expire. The client is thread-safe and meant to be shared by every serde of a process. Each
 * failure is a {@link SchemaRegistryException} carrying the HTTP status and the registry's
 * {@code error_code} and {@code message}.
 */
public final class SchemaRegistryClient implements SchemaRegistry {
  /** The registry's own media type, sent as {@code Content-Type} and preferred in {@code Accept}. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String ACCEPT =
      CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
  private static final int MAX_BODY_IN_MESSAGE = 300;
  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);

  private final RegistryConfig config;
  private final String baseUrl;
  private final String authorization;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final ConcurrentMap<String, ConcurrentMap<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
  private final ConcurrentMap<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  /** Ids the registry said it does not know, with when that answer expires (ms): a stream of bad ids costs one request per id. */
  private final ConcurrentMap<Integer, Long> unknownIdsUntil = new ConcurrentHashMap<>();
  /** How long a "schema not found" answer is trusted (an id may be issued later). */
  static final long UNKNOWN_ID_TTL_MS = 30_000;
  /**
   * After the registry gave no answer, requests fail at once for this long with that failure, so a
   * stream of records with uncached schema ids costs one request a second, not one (and its
   * timeout) each.
   */
  static final long UNAVAILABLE_HOLD_MS = 1_000;
  /** The last no-answer failure and until when (ms) requests repeat it instead of being sent. */
  private volatile Unavailable unavailable;

  private record Unavailable(SchemaRegistryException failure, long untilMs) {}

  public SchemaRegistryClient(RegistryConfig config) {
    this.config = config;
    String url = config.url().toString();
    this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.authorization = config.hasBasicAuth()
        ? "Basic " + Base64.getEncoder().encodeToString(
            (config.basicAuthUser() + ":" + config.basicAuthPassword()).getBytes(StandardCharsets.UTF_8))
        : null;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(config.requestTimeout())
        .build();
  }

  @Override
  public boolean autoRegister() {
    return config.autoRegister();
  }

  /** The configuration this client was built with. */
  public RegistryConfig config() {
    return config;
  }

  /**
   * The id of {@code schema} under {@code subject}: registered when {@link RegistryConfig#autoRegister()}
   * is on, else looked up (and a {@link SchemaRegistryException} with status 404 when it is not registered).
   */
  @Override
  public int schemaId(String subject, Schema schema) {
    return config.autoRegister() ? register(subject, schema) : lookup(subject, schema);
  }

  /**
   * Registers {@code schema} under {@code subject} ({@code POST /subjects/{subject}/versions}) and
   * returns its global id; registering a schema the subject already has returns the existing id.
   */
  public int register(String subject, Schema schema) {
    Integer cached = cachedId(subject, schema);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
    int id = requireInt(answer, "id", "POST /subjects/" + subject + "/versions");
    remember(subject, schema, id);
    LOG.debug("Schema {} is id {} under subject {}", schema.getFullName(), id, subject);
    return id;
  }

  /**
   * The global id of {@code schema} already registered under {@code subject}
   * ({@code POST /subjects/{subject}}); a {@link SchemaRegistryException} with status 404 and
   * error code 40401 (no such subject) or 40403 (schema not under it) when it is not registered.
   */
  public int lookup(String subject, Schema schema) {
    Integer cached = cachedId(subject, schema);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
    int id = requireInt(answer, "id", "POST /subjects/" + subject);
    remember(subject, schema, id);
    return id;
  }

  /** The schema with global id {@code id} ({@code GET /schemas/ids/{id}}); 404 / 40403 when unknown. */
  @Override
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    String where = "GET /schemas/ids/" + id;
    Long unknownUntil = unknownIdsUntil.get(id);
    if (unknownUntil != null && System.currentTimeMillis() < unknownUntil) {
      throw new SchemaRegistryException(where + ": schema id " + id + " is unknown to the registry (answer cached)", 404,
          SchemaRegistryException.SCHEMA_NOT_FOUND, null);
    }
    JsonNode answer;
    try {
      answer = send("GET", "/schemas/ids/" + id, null);
    } catch (SchemaRegistryException e) {
      if (e.isNotFound()) {
        unknownIdsUntil.put(id, System.currentTimeMillis() + UNKNOWN_ID_TTL_MS);
      }
      throw e;
    }
    JsonNode text = answer.get("schema");
    if (text == null || !text.isTextual()) {
      throw protocolError(where, "an answer with a \"schema\" string", answer);
    }
    String schemaType = answer.path("schemaType").asText("AVRO");
    if (!schemaType.equals("AVRO")) {
      throw new SchemaRegistryException(
          where + ": expected an AVRO schema, found schemaType " + schemaType, 200, SchemaRegistryException.NO_ERROR_CODE, null);
    }
    Schema schema;
    try {
      schema = new Schema.Parser().parse(text.asText());
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException(
          where + ": the registry returned an invalid Avro schema: " + e.getMessage(), 200,
          SchemaRegistryException.NO_ERROR_CODE, e);
    }
    Schema previous = schemasById.putIfAbsent(id, schema);
    return previous == null ? schema : previous;
  }

  private Integer cachedId(String subject, Schema schema) {
    Map<Schema, Integer> ids = idsBySubject.get(subject);
    return ids == null ? null : ids.get(schema);
  }

  private void remember(String subject, Schema schema, int id) {
    idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
    schemasById.putIfAbsent(id, schema);
  }

  private String schemaBody(Schema schema) {
    try {
      return json.writeValueAsString(Map.of("schema", schema.toString()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON string", e);
    }
  }

  private JsonNode send(String method, String path, String body) {
    Unavailable down = unavailable;
    if (down != null && System.currentTimeMillis() < down.untilMs()) {
      throw new SchemaRegistryException(down.failure().getMessage() + " (not asked again for " + UNAVAILABLE_HOLD_MS
          + " ms; this was " + method + " " + path + ")", down.failure().httpStatus(), down.failure().errorCode(), down.failure());
    }
    try {
      return sendNow(method, path, body);
    } catch (SchemaRegistryException e) {
      if (e.isUnavailable()) {
        unavailable = new Unavailable(e, System.currentTimeMillis() + UNAVAILABLE_HOLD_MS);
      }
      throw e;
    }
  }

  private JsonNode sendNow(String method, String path, String body) {
    String where = method + " " + path;
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(config.requestTimeout())
        .header("Accept", ACCEPT)
        .method(method, body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      request.header("Content-Type", CONTENT_TYPE);
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SchemaRegistryException(
          "Schema registry at " + baseUrl + " did not answer " + where + ": " + e, SchemaRegistryException.NO_RESPONSE,
          SchemaRegistryException.NO_ERROR_CODE, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(
          "Interrupted while waiting for the schema registry (" + where + ")", SchemaRegistryException.NO_RESPONSE,
          SchemaRegistryException.NO_ERROR_CODE, e);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      try {
        return json.readTree(response.body());
      } catch (JsonProcessingException e) {
        throw new SchemaRegistryException(
            where + ": HTTP " + status + " with a body that is not JSON: " + abbreviate(response.body()), status,
            SchemaRegistryException.NO_ERROR_CODE, e);
      }
    }
    throw errorFrom(where, status, response.body());
  }

  /** Turns a Confluent error body ({@code {"error_code":40403,"message":"..."}}) into an exception. */
  private SchemaRegistryException errorFrom(String where, int status, String body) {
    int errorCode = SchemaRegistryException.NO_ERROR_CODE;
    String message = abbreviate(body);
    try {
      JsonNode error = json.readTree(body);
      if (error != null && error.has("error_code")) {
        errorCode = error.get("error_code").asInt();
        message = error.path("message").asText("");
      }
    } catch (JsonProcessingException notJson) {
      // the body is plain text (a proxy, a servlet container): it is shown as it is, below
      message = abbreviate(body);
    }
    String code = errorCode == SchemaRegistryException.NO_ERROR_CODE ? "" : ", error_code " + errorCode;
    return new SchemaRegistryException(
        "Schema registry " + where + " failed: HTTP " + status + code + ": " + message, status, errorCode, null);
  }

  private static SchemaRegistryException protocolError(String where, String expected, JsonNode found) {
    return new SchemaRegistryException(
        where + ": expected " + expected + ", found " + abbreviate(String.valueOf(found)), 200,
        SchemaRegistryException.NO_ERROR_CODE, null);
  }

  private static int requireInt(JsonNode answer, String field, String where) {
    JsonNode value = answer == null ? null : answer.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw protocolError(where, "an answer with an integer \"" + field + "\"", answer);
    }
    return value.intValue();
  }

  private static String encode(String pathSegment) {
    return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String abbreviate(String text) {
    if (text == null || text.isEmpty()) {
      return "(empty body)";
    }
    return text.length() <= MAX_BODY_IN_MESSAGE ? text : text.substring(0, MAX_BODY_IN_MESSAGE) + "...";
  }
}
