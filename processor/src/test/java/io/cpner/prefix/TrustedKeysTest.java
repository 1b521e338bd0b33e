package io.cpner.prefix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a trusted-keys file: what is accepted, and what each mistake is told as. */
class TrustedKeysTest {
  @TempDir Path dir;

  private Path file(String content) throws Exception {
    return Files.writeString(dir.resolve("trusted-keys.properties"), content);
  }

  private String loadError(String content) throws Exception {
    Path file = file(content);
    return assertThrows(IllegalArgumentException.class, () -> TrustedKeys.load(file)).getMessage()
        .replace(file.toString(), "FILE");
  }

  @Test
  void shouldReadOneKeyALineSkippingCommentsAndBlankLines() throws Exception {
    // given two keys written as cpner keygen writes them, with a comment and a blank line
    PublicKey release = Ed25519Keys.generate().getPublic();
    PublicKey backup = Ed25519Keys.generate().getPublic();
    Path file = file("# trusted\n\n" + TrustedKeys.line("release", release) + "\n  " + TrustedKeys.line("backup-2", backup) + "  \n");

    // when
    TrustedKeys keys = TrustedKeys.load(file);

    // then
    assertEquals(Set.of("backup-2", "release"), keys.keyIds());
    assertEquals(Optional.of(release), keys.get("release"));
    assertEquals(Optional.of(backup), keys.get("backup-2"));
    assertEquals(Optional.empty(), keys.get("other"));
    assertEquals(file + " [backup-2, release]", keys.toString());
  }

  @Test
  void shouldSayWhichLineIsWrongAndWhy() throws Exception {
    String valid = Ed25519Keys.publicKeyBase64(Ed25519Keys.generate().getPublic());
    assertEquals("FILE:2: expected keyId=base64 public key, found no '='", loadError("# keys\nrelease MCowBQYDK2VwAyEA\n"));
    assertEquals("FILE:1: key id must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}, found 'my key'", loadError("my key=" + valid));
    assertEquals("FILE:2: key id 'release' appears more than once", loadError("release=" + valid + "\nrelease=" + valid));
    assertEquals("FILE:1: key 'release': expected an Ed25519 public key in base64 (X.509 SubjectPublicKeyInfo), found text "
        + "that is not base64: Illegal base64 character 21", loadError("release=not!base64"));
    assertEquals("FILE:1: key 'release': expected an Ed25519 public key in base64 (X.509 SubjectPublicKeyInfo), found nothing",
        loadError("release="));
    assertEquals("FILE: expected at least one keyId=base64 public key line, found none", loadError("# nothing yet\n\n"));
  }

  @Test
  void shouldRefuseAPublicKeyOfAnotherAlgorithm() throws Exception {
    // given a 2048-bit RSA public key (294 bytes of X.509) where an Ed25519 one belongs
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    String encoded = Base64.getEncoder().encodeToString(rsa.generateKeyPair().getPublic().getEncoded());

    // when / then
    String message = loadError("release=" + encoded);
    assertTrue(message.startsWith("FILE:1: key 'release': expected an Ed25519 public key (X.509 SubjectPublicKeyInfo), found "
        + "294 bytes that are not one: "), message);
  }
}
