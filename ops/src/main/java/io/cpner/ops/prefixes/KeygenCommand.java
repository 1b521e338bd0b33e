package io.cpner.ops.prefixes;

import io.cpner.prefix.Ed25519Keys;
import io.cpner.prefix.TrustedKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cpner keygen}: a new Ed25519 key pair for signing prefix updates. Writes the private key to
 * {@code DIR/<id>.private.pem} (PKCS#8 PEM, readable by the owner alone) for {@code cpner publish
 * --signing-key}, and adds {@code <id>=<public key>} to {@code DIR/trusted-keys.properties}, the file
 * processors name in {@code prefix.updates.trusted.keys}. Never overwrites a key.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = "Generate an Ed25519 key pair for signing prefix updates: DIR/<id>.private.pem and a line of DIR/trusted-keys.properties.")
public final class KeygenCommand implements Callable<Integer> {
  static final String TRUSTED_KEYS_FILE = "trusted-keys.properties";

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the key files (created if absent).")
  Path out;

  @Option(names = "--key-id", required = true, paramLabel = "ID", description = "The key's id, e.g. release-2026.")
  String keyId;

  @Override
  public Integer call() throws IOException {
    TrustedKeys.requireKeyId(keyId);
    Files.createDirectories(out);
    Path privateFile = out.resolve(keyId + ".private.pem");
    Path trustedFile = out.resolve(TRUSTED_KEYS_FILE);
    if (Files.exists(privateFile)) {
      throw new FileAlreadyExistsException(privateFile.toString(), null, "a key with id '" + keyId + "' exists; keys are never overwritten");
    }
    if (Files.exists(trustedFile) && TrustedKeys.load(trustedFile).get(keyId).isPresent()) {
      throw new IllegalArgumentException(trustedFile + " already trusts a key with id '" + keyId + "'");
    }
    KeyPair pair = Ed25519Keys.generate();
    writePrivate(privateFile, Ed25519Keys.privateKeyPem(pair.getPrivate()));
    String line = TrustedKeys.line(keyId, pair.getPublic()) + "\n";
    if (!Files.exists(trustedFile)) {
      line = "# trusted Ed25519 public keys for prefix.updates.trusted.keys: keyId=base64 X.509\n" + line;
    }
    Files.writeString(trustedFile, line, StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    System.out.printf("private key  %s (keep it secret; cpner publish --signing-key %s --key-id %s)%n", privateFile, privateFile,
        keyId);
    System.out.printf("public key   %s (processors: %s=%s)%n", trustedFile, "prefix.updates.trusted.keys", trustedFile);
    return 0;
  }

  /** Creates the file readable and writable by its owner alone where the file system has POSIX permissions. */
  private static void writePrivate(Path file, String pem) throws IOException {
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
    }
    Files.writeString(file, pem, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
  }
}
