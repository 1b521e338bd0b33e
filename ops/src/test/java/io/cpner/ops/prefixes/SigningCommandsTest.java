package io.cpner.ops.prefixes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.avro.HeadInputAvro;
import io.cpner.avro.PlmRef;
import io.cpner.avro.PrefixKindAvro;
import io.cpner.avro.PrefixUpdate;
import io.cpner.ops.Cpner;
import io.cpner.prefix.PrefixSigningKey;
import io.cpner.prefix.TrustedKeys;
import io.cpner.stream.control.PrefixSignatures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cpner keygen} writes a key pair that {@code cpner publish} and the processor read; publish insists on a signing choice. */
class SigningCommandsTest {
  @TempDir Path dir;

  private static int run(StringWriter err, String... args) {
    CommandLine cli = new CommandLine(new Cpner());
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void shouldWriteAKeyPairThatSignsAndVerifies() throws Exception {
    // when two keys are generated into one directory
    assertEquals(0, run(new StringWriter(), "keygen", "--out", dir.toString(), "--key-id", "release"));
    assertEquals(0, run(new StringWriter(), "keygen", "--out", dir.toString(), "--key-id", "backup"));

    // then each private key is its owner's alone, and one trusted-keys file trusts both
    Path privateFile = dir.resolve("release.private.pem");
    assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(privateFile));
    TrustedKeys trusted = TrustedKeys.load(dir.resolve("trusted-keys.properties"));
    assertEquals(Set.of("backup", "release"), trusted.keyIds());
    // and what the private key signs, its public half verifies (and the other key does not)
    PrefixUpdate signed = PrefixSignatures.sign(update(), PrefixSigningKey.load(privateFile, "release"));
    assertTrue(PrefixSignatures.verify(signed, trusted.get("release").orElseThrow()));
    assertFalse(PrefixSignatures.verify(signed, trusted.get("backup").orElseThrow()));
  }

  @Test
  void shouldNeverOverwriteAKey() throws Exception {
    assertEquals(0, run(new StringWriter(), "keygen", "--out", dir.toString(), "--key-id", "release"));
    String before = Files.readString(dir.resolve("release.private.pem"));
    StringWriter err = new StringWriter();
    assertEquals(1, run(err, "keygen", "--out", dir.toString(), "--key-id", "release"));
    assertTrue(err.toString().contains("a key with id 'release' exists; keys are never overwritten"), err.toString());
    assertEquals(before, Files.readString(dir.resolve("release.private.pem")));
    assertEquals(Set.of("release"), TrustedKeys.load(dir.resolve("trusted-keys.properties")).keyIds());
  }

  @Test
  void shouldRequirePublishToSignOrToSayUnsigned() {
    // neither a key nor --unsigned
    CommandLine.ParameterException none = assertThrows(CommandLine.ParameterException.class,
        () -> new CommandLine(new PublishCommand()).parseArgs("--config", "c.properties", "prefixes/news"));
    assertTrue(none.getMessage().startsWith("Error: Missing required argument (specify one of these): "), none.getMessage());
    // both
    CommandLine.ParameterException both = assertThrows(CommandLine.ParameterException.class,
        () -> new CommandLine(new PublishCommand()).parseArgs("--config", "c.properties", "--unsigned", "--signing-key", "k.pem",
            "--key-id", "release", "prefixes/news"));
    assertTrue(both.getMessage().contains("mutually exclusive"), both.getMessage());
    // a key without its id
    CommandLine.ParameterException noId = assertThrows(CommandLine.ParameterException.class,
        () -> new CommandLine(new PublishCommand()).parseArgs("--config", "c.properties", "--signing-key", "k.pem", "prefixes/news"));
    assertTrue(noId.getMessage().contains("--key-id"), noId.getMessage());

    // either choice alone parses
    PublishCommand signed = new PublishCommand();
    new CommandLine(signed).parseArgs("--config", "c.properties", "--signing-key", "k.pem", "--key-id", "release", "prefixes/news");
    assertEquals(java.util.Map.entry(Path.of("k.pem"), "release"), signed.signing.keyFileAndId().orElseThrow());
    PublishCommand unsigned = new PublishCommand();
    new CommandLine(unsigned).parseArgs("--config", "c.properties", "--unsigned", "prefixes/news");
    assertTrue(unsigned.signing.unsigned());
  }

  private static PrefixUpdate update() {
    return PrefixUpdate.newBuilder().setDomain("news").setVersion(1).setKind(PrefixKindAvro.TRAINED).setSources(List.of())
        .setLabels(List.of("O", "B-thing", "I-thing")).setHeadInput(HeadInputAvro.HIDDEN).setTensors(ByteBuffer.wrap(new byte[0]))
        .setSha256("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855").setPlm(new PlmRef("plm", "sha"))
        .setCreatedAt("2026-12-01T09:00:00Z").build();
  }
}
