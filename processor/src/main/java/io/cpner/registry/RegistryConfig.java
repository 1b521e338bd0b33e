package io.cpner.registry;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How to reach a Confluent-compatible schema registry, validated on construction.
 *
 * <p>Every invalid value fails with an {@link IllegalArgumentException} that names its
 * configuration key ({@link #URL}, {@link #BASIC_AUTH_USER_INFO}, ...), so a bad setting stops the
 * application at start-up rather than on the first record.
 *
 * @param url base URL of the registry, {@code http} or {@code https}, e.g. {@code http://localhost:8081}
 * @param basicAuthUser user for HTTP basic authentication, or {@code null} for none
 * @param basicAuthPassword password for HTTP basic authentication; set exactly when the user is
 * @param autoRegister whether serializers register their schema, or only look up one already registered
 * @param requestTimeout limit for connecting and for each request, positive
 */
public record RegistryConfig(
    URI url, String basicAuthUser, String basicAuthPassword, boolean autoRegister, Duration requestTimeout) {

  /** Key of the registry base URL (one URL; Confluent's comma-separated list is not supported). */
  public static final String URL = "schema.registry.url";
  /** Key of the basic-auth credentials, {@code user:password}, as in Confluent's serializers. */
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
  /** Key of the auto-registration switch, {@code true} or {@code false}. */
  public static final String AUTO_REGISTER = "auto.register.schemas";
  /** Key of the request timeout in milliseconds. */
  public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";

  /** Request timeout when none is configured. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  public RegistryConfig {
    if (url == null) {
      throw new IllegalArgumentException(URL + " is required");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
      throw new IllegalArgumentException(URL + " must be an absolute http(s) URL with a host, found '" + url + "'");
    }
    if (url.getQuery() != null || url.getFragment() != null) {
      throw new IllegalArgumentException(URL + " must not have a query or fragment, found '" + url + "'");
    }
    if ((basicAuthUser == null) != (basicAuthPassword == null)) {
      throw new IllegalArgumentException(
          BASIC_AUTH_USER_INFO + " needs both a user and a password, found only the "
              + (basicAuthUser == null ? "password" : "user"));
    }
    if (basicAuthUser != null && (basicAuthUser.isEmpty() || basicAuthUser.contains(":"))) {
      throw new IllegalArgumentException(
          BASIC_AUTH_USER_INFO + " user must be non-empty and contain no ':', found '" + basicAuthUser + "'");
    }
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException(REQUEST_TIMEOUT_MS + " must be positive, found " + requestTimeout);
    }
  }

  /** A registry at {@code url} without authentication, auto-registering, with the default timeout. */
  public static RegistryConfig of(String url) {
    return new RegistryConfig(parseUrl(url), null, null, true, DEFAULT_REQUEST_TIMEOUT);
  }

  /** The settings as {@link #fromMap} reads them, e.g. to hand them to a component Kafka configures. */
  public Map<String, String> toMap() {
    Map<String, String> settings = new java.util.HashMap<>();
    settings.put(URL, url.toString());
    if (basicAuthUser != null) {
      settings.put(BASIC_AUTH_USER_INFO, basicAuthUser + ":" + basicAuthPassword);
    }
    settings.put(AUTO_REGISTER, String.valueOf(autoRegister));
    settings.put(REQUEST_TIMEOUT_MS, String.valueOf(requestTimeout.toMillis()));
    return settings;
  }

  /**
   * Parses Confluent-style settings: {@link #URL} (required), {@link #BASIC_AUTH_USER_INFO}
   * ({@code user:password}), {@link #AUTO_REGISTER} (default {@code true}) and
   * {@link #REQUEST_TIMEOUT_MS} (default 10000). Other keys are ignored, so a whole Kafka client
   * configuration can be passed.
   */
  public static RegistryConfig fromMap(Map<String, ?> settings) {
    Object url = settings.get(URL);
    if (url == null) {
      throw new IllegalArgumentException(URL + " is required");
    }
    String user = null;
    String password = null;
    Object userInfo = settings.get(BASIC_AUTH_USER_INFO);
    if (userInfo != null && !userInfo.toString().isEmpty()) {
      String text = userInfo.toString();
      int colon = text.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(BASIC_AUTH_USER_INFO + " must be user:password, found no ':'");
      }
      user = text.substring(0, colon);
      password = text.substring(colon + 1);
    }
    boolean autoRegister = parseBoolean(settings.get(AUTO_REGISTER), AUTO_REGISTER, true);
    Duration timeout = parseMillis(settings.get(REQUEST_TIMEOUT_MS), REQUEST_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT);
    return new RegistryConfig(parseUrl(url.toString()), user, password, autoRegister, timeout);
  }

  /** This configuration with basic authentication as {@code user} / {@code password}. */
  public RegistryConfig withBasicAuth(String user, String password) {
    return new RegistryConfig(url, user, password, autoRegister, requestTimeout);
  }

  /** This configuration with auto-registration switched on or off. */
  public RegistryConfig withAutoRegister(boolean enabled) {
    return new RegistryConfig(url, basicAuthUser, basicAuthPassword, enabled, requestTimeout);
  }

  /** This configuration with another request timeout. */
  public RegistryConfig withRequestTimeout(Duration timeout) {
    return new RegistryConfig(url, basicAuthUser, basicAuthPassword, autoRegister, timeout);
  }

  /** Whether requests carry basic-auth credentials. */
  public boolean hasBasicAuth() {
    return basicAuthUser != null;
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "RegistryConfig[url=" + url + ", basicAuthUser=" + basicAuthUser
        + ", basicAuthPassword=" + (basicAuthPassword == null ? "null" : "****")
        + ", autoRegister=" + autoRegister + ", requestTimeout=" + requestTimeout + "]";
  }

  private static URI parseUrl(String text) {
    try {
      return URI.create(text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(URL + " is not a valid URL: '" + text + "' (" + e.getMessage() + ")", e);
    }
  }

  private static boolean parseBoolean(Object value, String key, boolean fallback) {
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String text = value.toString().trim().toLowerCase(Locale.ROOT);
    if (text.equals("true") || text.equals("false")) {
      return Boolean.parseBoolean(text);
    }
    throw new IllegalArgumentException(key + " must be true or false, found '" + value + "'");
  }

  private static Duration parseMillis(Object value, String key, Duration fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      long millis = value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim());
      return Duration.ofMillis(millis);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number of milliseconds, found '" + value + "'", e);
    }
  }
}
