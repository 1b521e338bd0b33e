package io.cpner.prefix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Ed25519 public keys whose signatures on prefix updates are trusted, by key id. Immutable.
 *
 * <p>The file format, one key a line ({@code #} starts a comment, blank lines are ignored):
 * <pre>
 *   # keyId=base64 of the X.509 SubjectPublicKeyInfo encoding
 *   release-2026=MCowBQYDK2VwAyEA...
 * </pre>
 * {@code cpner keygen} writes such lines. A key id appears once; a malformed line fails loading with
 * the file, the line number and what is wrong.
 */
public final class TrustedKeys {
  /** Key ids: letters, digits, '.', '_' and '-', 1 to 64 characters. */
  public static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final Map<String, PublicKey> byId;
  private final String source;

  private TrustedKeys(Map<String, PublicKey> byId, String source) {
    this.byId = Map.copyOf(byId);
    this.source = source;
  }

  /** No trusted keys: every signed update is refused (unsigned ones only pass where allowed). */
  public static TrustedKeys none() {
    return new TrustedKeys(Map.of(), "none");
  }

  /** The given keys (e.g. a throwaway demo key). */
  public static TrustedKeys of(Map<String, PublicKey> byId) {
    byId.keySet().forEach(TrustedKeys::requireKeyId);
    return new TrustedKeys(byId, "keys " + byId.keySet());
  }

  /**
   * Reads a trusted-keys file.
   *
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException naming the file and line of a malformed, duplicate or invalid key,
   *     or if the file holds no key
   */
  public static TrustedKeys load(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Map<String, PublicKey> byId = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String at = file + ":" + (i + 1) + ": ";
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(at + "expected keyId=base64 public key, found no '='");
      }
      String keyId = line.substring(0, eq).strip();
      if (!KEY_ID.matcher(keyId).matches()) {
        throw new IllegalArgumentException(at + "key id must match " + KEY_ID + ", found '" + keyId + "'");
      }
      if (byId.containsKey(keyId)) {
        throw new IllegalArgumentException(at + "key id '" + keyId + "' appears more than once");
      }
      try {
        byId.put(keyId, Ed25519Keys.publicKey(line.substring(eq + 1)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + "key '" + keyId + "': " + e.getMessage(), e);
      }
    }
    if (byId.isEmpty()) {
      throw new IllegalArgumentException(file + ": expected at least one keyId=base64 public key line, found none");
    }
    return new TrustedKeys(byId, file.toString());
  }

  /** The line of a trusted-keys file that trusts {@code key} under {@code keyId}. */
  public static String line(String keyId, PublicKey key) {
    return requireKeyId(keyId) + "=" + Ed25519Keys.publicKeyBase64(key);
  }

  /** @throws IllegalArgumentException unless {@code keyId} matches {@link #KEY_ID} */
  public static String requireKeyId(String keyId) {
    if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
      throw new IllegalArgumentException("key id must match " + KEY_ID + ", found '" + keyId + "'");
    }
    return keyId;
  }

  public Optional<PublicKey> get(String keyId) {
    return Optional.ofNullable(byId.get(keyId));
  }

  public Set<String> keyIds() {
    return new java.util.TreeSet<>(byId.keySet());
  }

  public boolean isEmpty() {
    return byId.isEmpty();
  }

  /** Where the keys came from and their ids, never the keys. */
  @Override
  public String toString() {
    return source + " " + keyIds();
  }
}
