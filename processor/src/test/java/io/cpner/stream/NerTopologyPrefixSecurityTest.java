package io.cpner.stream;

import static io.cpner.stream.TopologyHarness.CONTROL;
import static io.cpner.stream.TopologyHarness.INSTANCE;
import static io.cpner.stream.TopologyHarness.assertResult;
import static io.cpner.stream.TopologyHarness.document;
import static io.cpner.stream.TopologyHarness.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.TestPrefixes;
import io.cpner.avro.Document;
import io.cpner.avro.PrefixUpdate;
import io.cpner.avro.PrefixUpdateRejection;
import io.cpner.avro.PrefixUpdateStatusRecord;
import io.cpner.inference.NerEngine;
import io.cpner.model.Sha256;
import io.cpner.model.safetensors.Safetensors.Tensor;
import io.cpner.model.safetensors.Safetensors;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.Ed25519Keys;
import io.cpner.prefix.PrefixSigningKey;
import io.cpner.prefix.TrustedKeys;
import io.cpner.stream.control.PrefixSignatures;
import io.cpner.stream.control.PrefixUpdateStatus.Rejection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Control-topic security in the topology: with a trusted key configured and unsigned updates not
 * allowed, only updates that key signed over exactly what they carry are installed; every other one
 * (unsigned, tampered, signed by an unknown key, replayed, oversized, with NaN/Inf) is refused under
 * its reason, counted, reported on the status sink, and the installed prefix stays in use.
 */
class NerTopologyPrefixSecurityTest extends TopologyTestBase {
  private static final KeyPair RELEASE = Ed25519Keys.generate();
  private static final PrefixSigningKey SIGNER = new PrefixSigningKey("release", RELEASE.getPrivate());
  private static final String APPLICATION_ID = "cpner-stream";

  @TempDir Path keysDir;

  /** A topology trusting the "release" key alone (plus {@code settings}), with news v1 signed and installed. */
  private TopologyHarness signedNewsV1(Map<String, Object> settings) throws IOException {
    Path trusted = Files.writeString(keysDir.resolve("trusted-keys.properties"),
        TrustedKeys.line(SIGNER.keyId(), RELEASE.getPublic()) + "\n");
    Map<String, Object> all = new HashMap<>();
    all.put(ProcessorSettings.BATCH_MAX_DOCUMENTS, 1);
    all.put(ProcessorSettings.TRUSTED_KEYS, trusted.toString());
    all.put(ProcessorSettings.ALLOW_UNSIGNED, false);
    all.putAll(settings);
    TopologyHarness t = new TopologyHarness(all, serdes, plm, engine, stateDir);
    t.publish(signed(update(capitalised, "news", 1)));
    assertEquals(1, t.status.appliedCount(), t.status.lastRejection());
    assertEquals(accepted("news", 1, "installed prefix 'news' v1 (TRAINED, P=0, 3 labels, signed by 'release')", "release", 0),
        t.statusRecords.next());
    return t;
  }

  private TopologyHarness signedNewsV1() throws IOException {
    return signedNewsV1(Map.of());
  }

  private static PrefixUpdate signed(PrefixUpdate update) {
    return PrefixSignatures.sign(update, SIGNER);
  }

  private static PrefixUpdateStatusRecord accepted(String domain, long version, String detail, String keyId, long offset) {
    return status(domain, version, null, detail, keyId, offset);
  }

  private static PrefixUpdateStatusRecord refused(String domain, Long version, Rejection reason, String detail, String keyId,
      long offset) {
    return status(domain, version, PrefixUpdateRejection.valueOf(reason.name()), detail, keyId, offset);
  }

  private static PrefixUpdateStatusRecord status(String domain, Long version, PrefixUpdateRejection reason, String detail,
      String keyId, long offset) {
    return new PrefixUpdateStatusRecord(domain, version, reason == null, reason, detail, keyId, CONTROL, 0, offset,
        APPLICATION_ID, INSTANCE, T0);
  }

  /**
   * Counted {@code times} under {@code reason} and under no other, the last report is {@code expected}
   * and nothing more was reported, and news v{@code version} ({@code prefix}) still tags the next document.
   */
  private static void assertRefusedAndStillTagging(TopologyHarness t, Rejection reason, int times,
      PrefixUpdateStatusRecord expected, long version, DomainPrefix prefix) {
    assertEquals(times, t.status.rejectedCount(reason), "rejections as " + reason);
    assertEquals(times, t.status.rejectedCount(), "rejections in all");
    assertEquals(reason + ": " + expected.getDetail(), t.status.lastRejection());
    assertEquals(expected, t.statusRecords.next());
    assertTrue(t.statusRecords.isEmpty(), "no more status records");
    assertStillTagging(t, version, prefix);
  }

  /** Only news v{@code version} is installed, and it tags the next document. */
  private static void assertStillTagging(TopologyHarness t, long version, DomainPrefix prefix) {
    assertEquals(Map.of("news", version), t.prefixes.versions());
    Document doc = document("after", "news", "Alice met Bob in Paris.");
    t.pipe(doc, T0 + 100);
    assertResult(t.nextResult(), doc, T0 + 100, "news", version, plm.id(),
        engine.tag(List.of(new NerEngine.Request(doc.getText(), prefix))).get(0), 1, T0, T0);
    assertTrue(t.results.isEmpty());
    assertTrue(t.deadLetters.isEmpty());
  }

  @Test
  void shouldInstallAnUpdateSignedByATrustedKeyAndReportItAccepted() throws IOException {
    try (TopologyHarness t = signedNewsV1()) {
      // when v2, signed by the trusted key, arrives
      DomainPrefix everyWord = TestPrefixes.constant(plm, "B-thing");
      t.publish(signed(update(everyWord, "news", 2)));

      // then it is installed, reported accepted, and tags the next document
      assertEquals(2, t.status.appliedCount());
      assertEquals(0, t.status.rejectedCount());
      assertEquals(accepted("news", 2, "installed prefix 'news' v2 (TRAINED, P=0, 3 labels, signed by 'release')", "release", 1),
          t.statusRecords.next());
      assertTrue(t.statusRecords.isEmpty());
      assertStillTagging(t, 2, everyWord);
      // and both installed versions are recorded for restarts, each under its own key
      assertEquals(List.of("news@1", "news@2"), t.acceptedKeys);
    }
  }

  @Test
  void shouldRefuseAnUnsignedUpdate() throws IOException {
    try (TopologyHarness t = signedNewsV1()) {
      // when an unsigned v2 arrives
      t.publish(update(TestPrefixes.constant(plm, "B-thing"), "news", 2));

      // then
      assertRefusedAndStillTagging(t, Rejection.UNSIGNED, 1, refused("news", 2L, Rejection.UNSIGNED,
          "the update has no signature and prefix.updates.allow.unsigned is false", null, 1), 1, capitalised);
      assertEquals(List.of("news@1"), t.acceptedKeys, "a refused update is not recorded");
    }
  }

  @Test
  void shouldInstallAnUnsignedUpdateWhereUnsignedUpdatesAreAllowedButStillRefuseABadSignature() throws IOException {
    try (TopologyHarness t = signedNewsV1(Map.of(ProcessorSettings.ALLOW_UNSIGNED, true))) {
      // when a signed v2 whose labels were changed after signing, then an unsigned v3, arrive
      PrefixUpdate tampered = signed(update(TestPrefixes.constant(plm, "B-thing"), "news", 2));
      tampered.setLabels(List.of("O", "B-person", "I-person"));
      t.publish(tampered);
      DomainPrefix everyWord = TestPrefixes.constant(plm, "B-thing");
      t.publish(update(everyWord, "news", 3));

      // then the signed one must still verify, and the unsigned one is installed
      assertEquals(1, t.status.rejectedCount(Rejection.BAD_SIGNATURE));
      assertEquals(refused("news", 2L, Rejection.BAD_SIGNATURE, "the signature does not verify with trusted key 'release'",
          "release", 1), t.statusRecords.next());
      assertEquals(accepted("news", 3, "installed prefix 'news' v3 (TRAINED, P=0, 3 labels, unsigned)", null, 2),
          t.statusRecords.next());
      assertTrue(t.statusRecords.isEmpty());
      assertEquals(2, t.status.appliedCount());
      assertStillTagging(t, 3, everyWord);
    }
  }

  @Test
  void shouldRefuseAnUpdateWhoseLabelsWereChangedAfterSigning() throws IOException {
    try (TopologyHarness t = signedNewsV1()) {
      // given a v2 signed by the trusted key, whose labels were then changed
      PrefixUpdate tampered = signed(update(TestPrefixes.constant(plm, "B-thing"), "news", 2));
      tampered.setLabels(List.of("O", "B-person", "I-person"));

      // when it arrives
      t.publish(tampered);

      // then
      assertRefusedAndStillTagging(t, Rejection.BAD_SIGNATURE, 1, refused("news", 2L, Rejection.BAD_SIGNATURE,
          "the signature does not verify with trusted key 'release'", "release", 1), 1, capitalised);
    }
  }

  @Test
  void shouldRefuseAnUpdateWhoseTensorsWereChangedAfterSigning() throws IOException {
    try (TopologyHarness t = signedNewsV1()) {
      // given a signed v2 whose tensor bytes were then altered
      PrefixUpdate tampered = signed(update(TestPrefixes.constant(plm, "B-thing"), "news", 2));
      byte[] tensors = bytes(tampered.getTensors());
      tensors[tensors.length - 1] ^= 0x01;
      tampered.setTensors(ByteBuffer.wrap(tensors));

      // when it arrives
      t.publish(tampered);

      // then
      assertRefusedAndStillTagging(t, Rejection.BAD_SIGNATURE, 1, refused("news", 2L, Rejection.BAD_SIGNATURE,
          "the tensors hash to " + Sha256.hex(tensors) + ", not to the signed sha256 " + tampered.getSha256(), "release", 1),
          1, capitalised);
    }
  }

  @Test
  void shouldRefuseAnUpdateSignedByAKeyThatIsNotTrusted() throws IOException {
    try (TopologyHarness t = signedNewsV1()) {
      // given v2 signed by a key the processor does not know, under its own id and under the trusted id
      PrefixSigningKey rogue = new PrefixSigningKey("rogue", Ed25519Keys.generate().getPrivate());
      PrefixUpdate unknown = PrefixSignatures.sign(update(TestPrefixes.constant(plm, "B-thing"), "news", 2), rogue);
      PrefixUpdate impostor = PrefixSignatures.sign(update(TestPrefixes.constant(plm, "B-thing"), "news", 2),
          new PrefixSigningKey("release", rogue.privateKey()));

      // when both arrive
      t.publish(unknown);
      assertEquals(refused("news", 2L, Rejection.UNKNOWN_KEY, "key id 'rogue' is not trusted; trusted: [release]", "rogue", 1),
          t.statusRecords.next());
      t.publish(impostor);

      // then an unknown key id and a trusted id on another key's signature are refused under their own reasons
      assertEquals(1, t.status.rejectedCount(Rejection.UNKNOWN_KEY));
      assertEquals(1, t.status.rejectedCount(Rejection.BAD_SIGNATURE));
      assertEquals(2, t.status.rejectedCount());
      assertEquals(refused("news", 2L, Rejection.BAD_SIGNATURE, "the signature does not verify with trusted key 'release'",
          "release", 2), t.statusRecords.next());
      assertTrue(t.statusRecords.isEmpty());
      assertStillTagging(t, 1, capitalised);
    }
  }

  @Test
  void shouldRefuseAReplayedOrOlderVersion() throws IOException {
    try (TopologyHarness t = signedNewsV1()) {
      // given v2, signed, installed after v1
      PrefixUpdate v1 = signed(update(capitalised, "news", 1));
      DomainPrefix everyWord = TestPrefixes.constant(plm, "B-thing");
      PrefixUpdate v2 = signed(update(everyWord, "news", 2));
      t.publish(v2);
      assertEquals(accepted("news", 2, "installed prefix 'news' v2 (TRAINED, P=0, 3 labels, signed by 'release')", "release", 1),
          t.statusRecords.next());

      // when the genuine v1 record is replayed, and v2 again
      t.publish(v1);
      assertEquals(refused("news", 1L, Rejection.STALE_VERSION, "version 1 of 'news' is not newer than the installed 2", "release",
          2), t.statusRecords.next());
      t.publish(v2);

      // then both are refused and v2 stays
      assertEquals(2, t.status.appliedCount());
      assertRefusedAndStillTagging(t, Rejection.STALE_VERSION, 2, refused("news", 2L, Rejection.STALE_VERSION,
          "version 2 of 'news' is not newer than the installed 2", "release", 3), 2, everyWord);
    }
  }

  @Test
  void shouldRefuseAnOversizedRecordBeforeDecodingIt() throws IOException {
    // given a limit of exactly the size of the signed v1 record
    int limit = serdes.prefixUpdate().serializer().serialize(CONTROL, signed(update(capitalised, "news", 1))).length;
    try (TopologyHarness t = signedNewsV1(Map.of(ProcessorSettings.UPDATE_MAX_BYTES, limit))) {
      // when a larger signed v2, and bytes one over the limit that are no update at all, arrive
      PrefixUpdate larger = signed(update(TestPrefixes.random(plm, "news", 2, 7), "news", 2));
      int largerBytes = serdes.prefixUpdate().serializer().serialize(CONTROL, larger).length;
      assertTrue(largerBytes > limit);
      t.publish(larger);
      assertEquals(refused("news", null, Rejection.OVERSIZED, "record of " + largerBytes
          + " bytes is larger than prefix.updates.max.bytes=" + limit, null, 1), t.statusRecords.next());
      t.driver.createInputTopic(CONTROL, new ByteArraySerializer(), new ByteArraySerializer())
          .pipeInput("news".getBytes(StandardCharsets.UTF_8), new byte[limit + 1]);

      // then both are refused by size, neither was decoded (no version, no key id, not UNDECODABLE)
      assertEquals(0, t.status.rejectedCount(Rejection.UNDECODABLE));
      assertRefusedAndStillTagging(t, Rejection.OVERSIZED, 2, refused("news", null, Rejection.OVERSIZED, "record of "
          + (limit + 1) + " bytes is larger than prefix.updates.max.bytes=" + limit, null, 2), 1, capitalised);
    }
  }

  @Test
  void shouldRefuseAnUpdateWithNaNOrInfinityInItsTensors() throws IOException {
    try (TopologyHarness t = signedNewsV1()) {
      // given signed updates whose tensors (checksum and signature consistent) hold NaN in a value, +Inf in the head bias
      DomainPrefix random = TestPrefixes.random(plm, "news", 2, 7);
      PrefixUpdate nan = signed(withValue(update(random, "news", 2), "layers.2.value", 5, Float.NaN));
      PrefixUpdate inf = signed(withValue(update(random, "news", 3), "head.bias", 1, Float.POSITIVE_INFINITY));

      // when both arrive
      t.publish(nan);
      assertEquals(refused("news", 2L, Rejection.NON_FINITE,
          "prefix for 'news' v2: layers.2.value holds NaN at index 5; every value must be finite", "release", 1),
          t.statusRecords.next());
      t.publish(inf);

      // then
      assertRefusedAndStillTagging(t, Rejection.NON_FINITE, 2, refused("news", 3L, Rejection.NON_FINITE,
          "prefix for 'news' v3: head.bias holds Infinity at index 1; every value must be finite", "release", 2), 1, capitalised);
    }
  }

  /** The update with one value of one F32 tensor replaced, and its sha256 updated to match (unsigned). */
  private static PrefixUpdate withValue(PrefixUpdate update, String tensor, int index, float value) {
    Safetensors.Contents contents = Safetensors.fromBytes(bytes(update.getTensors()));
    Map<String, Tensor> tensors = new LinkedHashMap<>(contents.tensors());
    Tensor original = tensors.get(tensor);
    float[] values = original.toFloats();
    values[index] = value;
    tensors.put(tensor, Tensor.ofFloats(tensor, original.shape(), values));
    byte[] changed = Safetensors.toBytes(tensors, contents.metadata());
    update.setTensors(ByteBuffer.wrap(changed));
    update.setSha256(Sha256.hex(changed));
    return update;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }
}
