package io.cpner.stream.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.avro.HeadInputAvro;
import io.cpner.avro.PlmRef;
import io.cpner.avro.PrefixKindAvro;
import io.cpner.avro.PrefixUpdate;
import io.cpner.avro.SourceDomain;
import io.cpner.prefix.Ed25519Keys;
import io.cpner.prefix.PrefixSigningKey;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The signed canonical form of a prefix update: its exact layout, and that every signed field is covered. */
class PrefixSignaturesTest {
  private static final KeyPair KEYS = Ed25519Keys.generate();
  private static final PrefixSigningKey SIGNER = new PrefixSigningKey("release", KEYS.getPrivate());

  /** A small update built by hand (the tensors are not a real prefix: signing only covers their hash). */
  private static PrefixUpdate update() {
    return PrefixUpdate.newBuilder()
        .setDomain("news")
        .setVersion(7)
        .setKind(PrefixKindAvro.FUSED)
        .setSources(List.of(new SourceDomain("music", 0.25), new SourceDomain("science", 0.75)))
        .setLabels(List.of("O", "B-thing", "I-thing"))
        .setHeadInput(HeadInputAvro.HIDDEN_AND_WORD_SHAPE)
        .setTensors(ByteBuffer.wrap(new byte[] {1, 2, 3}))
        .setSha256("abc123")
        .setPlm(new PlmRef("all-MiniLM-L6-v2", "def456"))
        .setDevF1(null)
        .setTrainingDataSha256("0f0f")
        .setCreatedAt("2026-12-01T09:00:00Z")
        .build();
  }

  @Test
  void shouldLayOutTheCanonicalFormAsDocumented() {
    // given the documented layout written out field by field
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    string(expected, "cpner-prefix-update-v1");
    string(expected, "news");
    expected.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, 7});
    string(expected, "FUSED");
    expected.writeBytes(new byte[] {0, 0, 0, 2});
    string(expected, "music");
    expected.writeBytes(ByteBuffer.allocate(8).putDouble(0.25).array());
    string(expected, "science");
    expected.writeBytes(ByteBuffer.allocate(8).putDouble(0.75).array());
    expected.writeBytes(new byte[] {0, 0, 0, 3});
    string(expected, "O");
    string(expected, "B-thing");
    string(expected, "I-thing");
    string(expected, "HIDDEN_AND_WORD_SHAPE");
    string(expected, "abc123");
    string(expected, "all-MiniLM-L6-v2");
    string(expected, "def456");
    expected.write(0); // devF1 absent
    expected.write(1); // trainingDataSha256 present
    string(expected, "0f0f");
    string(expected, "2026-12-01T09:00:00Z");

    // then
    assertArrayEquals(expected.toByteArray(), PrefixSignatures.canonicalBytes(update()));
  }

  @Test
  void shouldVerifyWhatItSignedWithTheMatchingPublicKeyOnly() {
    // when an update is signed
    PrefixUpdate signed = PrefixSignatures.sign(update(), SIGNER);

    // then it names the key, carries a 64-byte signature, and verifies with that key alone
    assertEquals("release", signed.getKeyId());
    assertEquals(64, signed.getSignature().remaining());
    assertTrue(PrefixSignatures.verify(signed, KEYS.getPublic()));
    assertFalse(PrefixSignatures.verify(signed, Ed25519Keys.generate().getPublic()));
  }

  static Stream<Arguments> signedFieldChanges() {
    return Stream.of(
        change("domain", u -> u.setDomain("sports")),
        change("version", u -> u.setVersion(8L)),
        change("kind", u -> u.setKind(PrefixKindAvro.TRAINED)),
        change("a source's domain", u -> u.setSources(List.of(new SourceDomain("musik", 0.25), new SourceDomain("science", 0.75)))),
        change("a source's weight", u -> u.setSources(List.of(new SourceDomain("music", 0.75), new SourceDomain("science", 0.25)))),
        change("the sources' order", u -> u.setSources(List.of(new SourceDomain("science", 0.75), new SourceDomain("music", 0.25)))),
        change("a label", u -> u.setLabels(List.of("O", "B-person", "I-thing"))),
        change("the labels' order", u -> u.setLabels(List.of("O", "I-thing", "B-thing"))),
        change("headInput", u -> u.setHeadInput(HeadInputAvro.HIDDEN)),
        change("sha256", u -> u.setSha256("abc124")),
        change("plm id", u -> u.setPlm(new PlmRef("bert-base-cased", "def456"))),
        change("plm sha256", u -> u.setPlm(new PlmRef("all-MiniLM-L6-v2", "def457"))),
        change("devF1", u -> u.setDevF1(0.0)),
        change("trainingDataSha256", u -> u.setTrainingDataSha256(null)),
        change("createdAt", u -> u.setCreatedAt("2026-12-01T09:00:01Z")),
        // the same characters split differently: strings carry their length
        change("the labels' boundaries", u -> u.setLabels(List.of("O", "B-thingI", "-thing"))));
  }

  private static Arguments change(String field, Consumer<PrefixUpdate> mutation) {
    return Arguments.of(field, mutation);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signedFieldChanges")
  void shouldNotVerifyOnceASignedFieldChanges(String field, Consumer<PrefixUpdate> mutation) {
    // given a signed update
    PrefixUpdate signed = PrefixSignatures.sign(update(), SIGNER);
    assertTrue(PrefixSignatures.verify(signed, KEYS.getPublic()));

    // when one signed field changes
    mutation.accept(signed);

    // then the signature no longer verifies
    assertFalse(PrefixSignatures.verify(signed, KEYS.getPublic()), field);
  }

  @Test
  void shouldLeaveTheTensorsToTheirHashAndTheKeyIdToKeySelection() {
    // given a signed update
    PrefixUpdate signed = PrefixSignatures.sign(update(), SIGNER);
    byte[] canonical = PrefixSignatures.canonicalBytes(signed);

    // when its tensor bytes and key id change (its sha256 does not)
    signed.setTensors(ByteBuffer.wrap(new byte[] {9, 9}));
    signed.setKeyId("other");

    // then the canonical form is the same: tensors are covered by the sha256 the verifier re-checks
    assertArrayEquals(canonical, PrefixSignatures.canonicalBytes(signed));
  }

  @Test
  void shouldRefuseToVerifyAMissingOrMalformedSignature() {
    PrefixUpdate unsigned = update();
    assertEquals("the update is not signed",
        assertThrows(IllegalArgumentException.class, () -> PrefixSignatures.verify(unsigned, KEYS.getPublic())).getMessage());
    PrefixUpdate truncated = PrefixSignatures.sign(update(), SIGNER);
    truncated.setSignature(ByteBuffer.wrap(new byte[63]));
    assertEquals("expected a 64-byte Ed25519 signature, found 63 bytes",
        assertThrows(IllegalArgumentException.class, () -> PrefixSignatures.verify(truncated, KEYS.getPublic())).getMessage());
  }

  private static void string(ByteArrayOutputStream out, String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(4).putInt(utf8.length).array());
    out.writeBytes(utf8);
  }
}
