package io.cpner.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryConfigTest {

  @Test
  void shouldParseConfluentStyleSettings() {
    // when
    RegistryConfig config = RegistryConfig.fromMap(Map.of(
        "schema.registry.url", "http://registry:8081",
        "basic.auth.user.info", "svc:pa:ss",
        "auto.register.schemas", "false",
        "schema.registry.request.timeout.ms", "2500",
        "bootstrap.servers", "ignored:9092"));

    // then: the password is everything after the first colon
    assertEquals(URI.create("http://registry:8081"), config.url());
    assertEquals("svc", config.basicAuthUser());
    assertEquals("pa:ss", config.basicAuthPassword());
    assertFalse(config.autoRegister());
    assertEquals(Duration.ofMillis(2500), config.requestTimeout());
  }

  @Test
  void shouldDefaultToAutoRegisterWithoutAuthAndTenSecondTimeout() {
    // when
    RegistryConfig config = RegistryConfig.of("https://registry.example:8081/prefix");

    // then
    assertTrue(config.autoRegister());
    assertFalse(config.hasBasicAuth());
    assertNull(config.basicAuthUser());
    assertEquals(Duration.ofSeconds(10), config.requestTimeout());
  }

  @Test
  void shouldNameTheKeyOfEachInvalidSetting() {
    assertMessage("schema.registry.url is required", () -> RegistryConfig.fromMap(Map.of()));
    assertMessage("schema.registry.url must be an absolute http(s) URL with a host, found 'ftp://registry'",
        () -> RegistryConfig.of("ftp://registry"));
    assertMessage("schema.registry.url must be an absolute http(s) URL with a host, found 'registry:8081'",
        () -> RegistryConfig.of("registry:8081"));
    assertMessage("basic.auth.user.info must be user:password, found no ':'",
        () -> RegistryConfig.fromMap(Map.of("schema.registry.url", "http://r:1", "basic.auth.user.info", "svc")));
    assertMessage("auto.register.schemas must be true or false, found 'yes'",
        () -> RegistryConfig.fromMap(Map.of("schema.registry.url", "http://r:1", "auto.register.schemas", "yes")));
    assertMessage("schema.registry.request.timeout.ms must be a whole number of milliseconds, found '1s'",
        () -> RegistryConfig.fromMap(Map.of("schema.registry.url", "http://r:1", "schema.registry.request.timeout.ms", "1s")));
    assertMessage("schema.registry.request.timeout.ms must be positive, found PT0S",
        () -> RegistryConfig.of("http://r:1").withRequestTimeout(Duration.ZERO));
    assertMessage("basic.auth.user.info needs both a user and a password, found only the user",
        () -> RegistryConfig.of("http://r:1").withBasicAuth("svc", null));
  }

  @Test
  void shouldNotPrintThePassword() {
    // given
    RegistryConfig config = RegistryConfig.of("http://r:1").withBasicAuth("svc", "s3cret");

    // when
    String text = config.toString();

    // then
    assertFalse(text.contains("s3cret"), text);
    assertTrue(text.contains("basicAuthUser=svc"), text);
  }

  private static void assertMessage(String expected, Runnable invalid) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, invalid::run);
    assertEquals(expected, e.getMessage());
  }
}
