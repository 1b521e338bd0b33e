package io.cpner.ops.options;

import io.cpner.prefix.PrefixSigningKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * How {@code cpner publish} signs: {@code --signing-key FILE --key-id ID}, or an explicit
 * {@code --unsigned} (accepted only by processors with prefix.updates.allow.unsigned=true). One of
 * the two is required.
 */
public final class SigningOptions {
  @ArgGroup(exclusive = false)
  Key key;

  @Option(names = "--unsigned", required = true,
      description = "Publish without a signature (processors refuse it unless prefix.updates.allow.unsigned=true).")
  boolean unsigned;

  /** The private key and its id. */
  static final class Key {
    @Option(names = "--signing-key", required = true, paramLabel = "FILE",
        description = "Ed25519 private key, PKCS#8 PEM or base64 (cpner keygen writes one).")
    Path file;

    @Option(names = "--key-id", required = true, paramLabel = "ID",
        description = "The id processors trust the key's public half under (prefix.updates.trusted.keys).")
    String keyId;
  }

  /** Whether {@code --unsigned} was given. */
  public boolean unsigned() {
    return unsigned;
  }

  /** The key file and its id as given, or empty for {@code --unsigned}. */
  public Optional<Map.Entry<Path, String>> keyFileAndId() {
    return key == null ? Optional.empty() : Optional.of(Map.entry(key.file, key.keyId));
  }

  /** The signing key, or empty for {@code --unsigned}. */
  public Optional<PrefixSigningKey> load() throws IOException {
    return key == null ? Optional.empty() : Optional.of(PrefixSigningKey.load(key.file, key.keyId));
  }
}
