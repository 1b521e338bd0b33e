package io.cpner.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** Plain HTTP calls to a registry, for tests that check the REST answers themselves. */
final class RegistryHttp {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** An answer: HTTP status, body as JSON, and the {@code WWW-Authenticate} header if any. */
  record Answer(int status, JsonNode body, String wwwAuthenticate) {}

  private final String baseUrl;
  private final String authorization;

  private RegistryHttp(String baseUrl, String authorization) {
    this.baseUrl = baseUrl;
    this.authorization = authorization;
  }

  static RegistryHttp at(String baseUrl) {
    return new RegistryHttp(baseUrl, null);
  }

  RegistryHttp withBasicAuth(String user, String password) {
    return new RegistryHttp(baseUrl, "Basic " + Base64.getEncoder().encodeToString(
        (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
  }

  Answer get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
  }

  /** POSTs {@code {"schema": schema}}. */
  Answer postSchema(String path, String schema) throws IOException, InterruptedException {
    String body = JSON.writeValueAsString(Map.of("schema", schema));
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), JSON.readTree(response.body()),
        response.headers().firstValue("WWW-Authenticate").orElse(null));
  }
}
