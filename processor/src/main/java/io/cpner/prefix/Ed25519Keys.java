package io.cpner.prefix;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 keys (the JDK's own provider) in their text forms: a public key as base64 of its X.509
 * SubjectPublicKeyInfo encoding, a private key as PKCS#8, in PEM ({@code -----BEGIN PRIVATE KEY-----})
 * or as bare base64. Decoding fails with an {@link IllegalArgumentException} that says what was
 * expected and what was found.
 */
public final class Ed25519Keys {
  public static final String ALGORITHM = "Ed25519";
  private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PEM_END = "-----END PRIVATE KEY-----";

  private Ed25519Keys() {}

  /** A fresh key pair from the platform's secure random source. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java 17 runtime has Ed25519", e);
    }
  }

  /** Base64 of the X.509 SubjectPublicKeyInfo encoding: one line of a trusted-keys file. */
  public static String publicKeyBase64(PublicKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  /** The PKCS#8 encoding in PEM, 64 characters a line. */
  public static String privateKeyPem(PrivateKey key) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .encodeToString(key.getEncoded());
    return PEM_BEGIN + "\n" + body + "\n" + PEM_END + "\n";
  }

  /**
   * @throws IllegalArgumentException if {@code base64} is not base64 of an Ed25519 X.509 public key
   */
  public static PublicKey publicKey(String base64) {
    byte[] der = decodeBase64(base64.strip(), "an Ed25519 public key in base64 (X.509 SubjectPublicKeyInfo)");
    try {
      return factory().generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("expected an Ed25519 public key (X.509 SubjectPublicKeyInfo), found " + der.length
          + " bytes that are not one: " + e.getMessage(), e);
    }
  }

  /**
   * @param text a PKCS#8 private key in PEM or as bare base64
   * @throws IllegalArgumentException if {@code text} is not an Ed25519 PKCS#8 private key
   */
  public static PrivateKey privateKey(String text) {
    String body = text.strip();
    if (body.startsWith(PEM_BEGIN)) {
      int end = body.indexOf(PEM_END);
      if (end < 0) {
        throw new IllegalArgumentException("expected a PEM private key ending in " + PEM_END + ", found no end line");
      }
      body = body.substring(PEM_BEGIN.length(), end);
    } else if (body.startsWith("-----BEGIN")) {
      String found = body.lines().findFirst().orElse("");
      throw new IllegalArgumentException("expected a PKCS#8 private key (" + PEM_BEGIN + "), found " + found);
    }
    byte[] der = decodeBase64(body.replaceAll("\\s", ""), "an Ed25519 private key (PKCS#8, PEM or base64)");
    try {
      return factory().generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("expected an Ed25519 private key (PKCS#8), found " + der.length
          + " bytes that are not one: " + e.getMessage(), e);
    }
  }

  private static byte[] decodeBase64(String text, String expected) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("expected " + expected + ", found nothing");
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected " + expected + ", found text that is not base64: " + e.getMessage(), e);
    }
  }

  private static KeyFactory factory() {
    try {
      return KeyFactory.getInstance(ALGORITHM);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java 17 runtime has Ed25519", e);
    }
  }
}
