package io.cpner.prefix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.EdECPrivateKey;

/**
 * The Ed25519 private key that signs prefix updates, and the key id under which processors trust its
 * public half ({@link TrustedKeys}).
 */
public record PrefixSigningKey(String keyId, PrivateKey privateKey) {
  public PrefixSigningKey {
    TrustedKeys.requireKeyId(keyId);
    if (!(privateKey instanceof EdECPrivateKey ed && Ed25519Keys.ALGORITHM.equals(ed.getParams().getName()))) {
      throw new IllegalArgumentException("expected an Ed25519 private key, found "
          + (privateKey == null ? "none" : privateKey.getAlgorithm()));
    }
  }

  /**
   * Reads a PKCS#8 private key file (PEM, or bare base64), as {@code cpner keygen} writes it.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file if it holds no Ed25519 private key, or if the key id is invalid
   */
  public static PrefixSigningKey load(Path file, String keyId) throws IOException {
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    try {
      return new PrefixSigningKey(keyId, Ed25519Keys.privateKey(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Never shows the key. */
  @Override
  public String toString() {
    return "PrefixSigningKey[" + keyId + "]";
  }
}
