package io.cpner.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.prefix.Ed25519Keys;
import io.cpner.prefix.TrustedKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prefix-update security settings: defaults, and start-up failures that name the key. */
class ProcessorConfigSigningTest {
  @TempDir Path dir;

  private static Map<String, Object> minimal() {
    Map<String, Object> m = new HashMap<>();
    m.put(ProcessorSettings.BOOTSTRAP_SERVERS, "localhost:9092");
    m.put(ProcessorSettings.REGISTRY_URL, "http://localhost:8081");
    return m;
  }

  @Test
  void shouldRefuseToStartWithoutTrustedKeysUnlessUnsignedUpdatesAreAllowed() {
    ConfigException e = assertThrows(ConfigException.class, () -> ProcessorConfig.parse(minimal()));
    assertEquals("Invalid value  for configuration prefix.updates.trusted.keys: required unless "
        + "prefix.updates.allow.unsigned=true: prefix updates must be signed by a trusted key", e.getMessage());

    Map<String, Object> demo = minimal();
    demo.put(ProcessorSettings.ALLOW_UNSIGNED, "true");
    ProcessorConfig config = ProcessorConfig.parse(demo);
    assertTrue(config.control().allowUnsigned());
    assertTrue(config.control().trustedKeys().isEmpty());
  }

  @Test
  void shouldLoadTheTrustedKeysAndDefaultTheOtherSettings() throws Exception {
    // given a trusted-keys file with one key
    Path file = Files.writeString(dir.resolve("trusted.properties"),
        TrustedKeys.line("release", Ed25519Keys.generate().getPublic()) + "\n");
    Map<String, Object> m = minimal();
    m.put(ProcessorSettings.TRUSTED_KEYS, file.toString());

    // when
    ProcessorConfig config = ProcessorConfig.parse(m);

    // then
    assertEquals(Set.of("release"), config.control().trustedKeys().keyIds());
    assertFalse(config.control().allowUnsigned());
    assertEquals(16 * 1024 * 1024, config.control().maxBytes());
    assertEquals("prefix-updates-status", config.topics().status());
  }

  @Test
  void shouldNameTheTrustedKeysSettingWhenItsFileIsMissingOrMalformed() throws Exception {
    Map<String, Object> missing = minimal();
    Path absent = dir.resolve("absent.properties");
    missing.put(ProcessorSettings.TRUSTED_KEYS, absent.toString());
    ConfigException e = assertThrows(ConfigException.class, () -> ProcessorConfig.parse(missing));
    assertEquals("Invalid value " + absent + " for configuration prefix.updates.trusted.keys: cannot read the file: "
        + "java.nio.file.NoSuchFileException: " + absent, e.getMessage());

    Map<String, Object> malformed = minimal();
    Path file = Files.writeString(dir.resolve("bad.properties"), "release: not a key\n");
    malformed.put(ProcessorSettings.TRUSTED_KEYS, file.toString());
    e = assertThrows(ConfigException.class, () -> ProcessorConfig.parse(malformed));
    assertEquals("Invalid value " + file + " for configuration prefix.updates.trusted.keys: " + file
        + ":1: expected keyId=base64 public key, found no '='", e.getMessage());
  }

  @Test
  void shouldRefuseAMaximumUpdateSizeBelowOneByte() {
    Map<String, Object> m = minimal();
    m.put(ProcessorSettings.ALLOW_UNSIGNED, "true");
    m.put(ProcessorSettings.UPDATE_MAX_BYTES, "0");
    ConfigException e = assertThrows(ConfigException.class, () -> ProcessorConfig.parse(m));
    assertEquals("Invalid value 0 for configuration prefix.updates.max.bytes: Value must be at least 1", e.getMessage());
  }
}
