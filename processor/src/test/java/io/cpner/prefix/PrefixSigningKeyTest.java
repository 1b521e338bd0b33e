package io.cpner.prefix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the private key that signs prefix updates: PEM or base64 PKCS#8, and clear refusals. */
class PrefixSigningKeyTest {
  @TempDir Path dir;

  @Test
  void shouldReadAPemPrivateKeyAsKeygenWritesIt() throws Exception {
    // given a PEM file
    KeyPair pair = Ed25519Keys.generate();
    String pem = Ed25519Keys.privateKeyPem(pair.getPrivate());
    assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n") && pem.endsWith("\n-----END PRIVATE KEY-----\n"), pem);
    Path file = Files.writeString(dir.resolve("release.private.pem"), pem);

    // when
    PrefixSigningKey key = PrefixSigningKey.load(file, "release");

    // then
    assertEquals("release", key.keyId());
    assertArrayEquals(pair.getPrivate().getEncoded(), key.privateKey().getEncoded());
    assertEquals("PrefixSigningKey[release]", key.toString());
  }

  @Test
  void shouldReadABareBase64PrivateKey() throws Exception {
    KeyPair pair = Ed25519Keys.generate();
    Path file = Files.writeString(dir.resolve("key.b64"), Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n");
    assertArrayEquals(pair.getPrivate().getEncoded(), PrefixSigningKey.load(file, "release").privateKey().getEncoded());
  }

  @Test
  void shouldSayWhatTheFileHoldsInsteadOfAnEd25519PrivateKey() throws Exception {
    Path publicPem = Files.writeString(dir.resolve("public.pem"), "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n");
    assertEquals(publicPem + ": expected a PKCS#8 private key (-----BEGIN PRIVATE KEY-----), found -----BEGIN PUBLIC KEY-----",
        assertThrows(IllegalArgumentException.class, () -> PrefixSigningKey.load(publicPem, "release")).getMessage());

    Path truncated = Files.writeString(dir.resolve("truncated.pem"), "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n");
    assertEquals(truncated + ": expected a PEM private key ending in -----END PRIVATE KEY-----, found no end line",
        assertThrows(IllegalArgumentException.class, () -> PrefixSigningKey.load(truncated, "release")).getMessage());

    Path empty = Files.writeString(dir.resolve("empty.pem"), "\n");
    assertEquals(empty + ": expected an Ed25519 private key (PKCS#8, PEM or base64), found nothing",
        assertThrows(IllegalArgumentException.class, () -> PrefixSigningKey.load(empty, "release")).getMessage());

    String rsa = Base64.getEncoder().encodeToString(KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate().getEncoded());
    Path rsaFile = Files.writeString(dir.resolve("rsa.b64"), rsa);
    String message = assertThrows(IllegalArgumentException.class, () -> PrefixSigningKey.load(rsaFile, "release")).getMessage();
    assertTrue(message.startsWith(rsaFile + ": expected an Ed25519 private key (PKCS#8), found "), message);
  }

  @Test
  void shouldRefuseAnInvalidKeyId() throws Exception {
    Path file = Files.writeString(dir.resolve("k.pem"), Ed25519Keys.privateKeyPem(Ed25519Keys.generate().getPrivate()));
    assertEquals(file + ": key id must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}, found 'has space'",
        assertThrows(IllegalArgumentException.class, () -> PrefixSigningKey.load(file, "has space")).getMessage());
  }

  @Test
  void shouldReportAMissingFile() {
    Path absent = dir.resolve("absent.pem");
    assertEquals(absent.toString(),
        assertThrows(java.nio.file.NoSuchFileException.class, () -> PrefixSigningKey.load(absent, "release")).getMessage());
  }
}
