package io.cpner.stream;

import static io.cpner.stream.TopologyHarness.CONTROL;
import static io.cpner.stream.TopologyHarness.assertResult;
import static io.cpner.stream.TopologyHarness.document;
import static io.cpner.stream.TopologyHarness.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.TestPrefixes;
import io.cpner.avro.Document;
import io.cpner.avro.PlmRef;
import io.cpner.avro.PrefixUpdate;
import io.cpner.inference.Entity;
import io.cpner.inference.NerEngine;
import io.cpner.model.PlmConfig;
import io.cpner.model.Sha256;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.HeadInput;
import io.cpner.stream.control.PrefixUpdateStatus.Rejection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

/**
 * The control topic in the topology: a valid update is installed and tags the documents after it;
 * an invalid one (shape, checksum, version, PLM, ...) is rejected, counted under its reason, and the
 * installed prefix stays in use.
 */
class NerTopologyPrefixUpdateTest extends TopologyTestBase {
  private static final String WHERE = CONTROL + " record with key 'news'";

  /** A topology that runs every document at once, with news v1 (capitalised words are things) installed. */
  private TopologyHarness withNewsV1() {
    TopologyHarness t = new TopologyHarness(Map.of(ProcessorSettings.BATCH_MAX_DOCUMENTS, 1), serdes, plm, engine, stateDir);
    t.publish(update(capitalised, "news", 1));
    assertEquals(1, t.status.appliedCount(), t.status.lastRejection());
    return t;
  }

  private static List<Entity> alone(String text, DomainPrefix prefix) {
    return engine.tag(List.of(new NerEngine.Request(text, prefix))).get(0);
  }

  /** The update was counted under {@code reason} alone, and news v1 still tags the next document. */
  private static void assertRejectedAndV1StillInUse(TopologyHarness t, Rejection reason, int times, String lastDetail) {
    assertEquals(times, t.status.rejectedCount(reason), "rejections as " + reason);
    assertEquals(times, t.status.rejectedCount(), "rejections in all");
    assertEquals(reason + ": " + lastDetail, t.status.lastRejection());
    assertV1StillTags(t);
  }

  /** Only news v1 is installed, and it tags the next document. */
  private static void assertV1StillTags(TopologyHarness t) {
    assertEquals(1, t.status.appliedCount(), "applied updates");
    assertEquals(Map.of("news", 1L), t.prefixes.versions());
    Document doc = document("after", "news", "Alice met Bob in Paris.");
    t.pipe(doc, T0 + 100);
    assertResult(t.nextResult(), doc, T0 + 100, "news", 1, plm.id(), alone(doc.getText(), capitalised), 1, T0, T0);
    assertTrue(t.results.isEmpty());
    assertTrue(t.deadLetters.isEmpty());
  }

  @Test
  void shouldInstallAValidUpdateAndTagLaterDocumentsWithTheNewVersion() {
    try (TopologyHarness t = withNewsV1()) {
      // given a document tagged with v1
      Document before = document("before", "news", "Alice met Bob.");
      t.pipe(before, T0 + 1);
      assertResult(t.nextResult(), before, T0 + 1, "news", 1, plm.id(), alone(before.getText(), capitalised), 1, T0, T0);

      // when v2, a prefix that makes every word an entity, arrives on the control topic
      DomainPrefix everyWord = TestPrefixes.constant(plm, "B-thing");
      t.publish(update(everyWord, "news", 2));

      // then it is installed, and the next document is tagged with it and says so
      assertEquals(2, t.status.appliedCount());
      assertEquals(0, t.status.rejectedCount());
      assertEquals(Map.of("news", 2L), t.prefixes.versions());
      Document after = document("after", "news", "Alice met Bob.");
      t.pipe(after, T0 + 2);
      List<Entity> expected = alone(after.getText(), everyWord);
      assertEquals(List.of("Alice", "met", "Bob", "."), expected.stream().map(Entity::text).toList());
      assertResult(t.nextResult(), after, T0 + 2, "news", 2, plm.id(), expected, 1, T0, T0);
      assertTrue(t.results.isEmpty());
      assertTrue(t.deadLetters.isEmpty());
    }
  }

  @Test
  void shouldRejectAnUpdateWhoseTensorsDoNotFitThePlm() {
    try (TopologyHarness t = withNewsV1()) {
      // given a prefix that is consistent in itself but has 2 attention heads where the PLM has more
      PlmConfig c = plm.config();
      int heads = 2;
      int length = 3;
      List<float[]> kv = new ArrayList<>();
      for (int i = 0; i < c.layers(); i++) {
        kv.add(new float[heads * length * c.headDim()]);
      }
      DomainPrefix narrow = new DomainPrefix(TestPrefixes.metadata(plm, "news", 2, length, TestPrefixes.LABELS, HeadInput.HIDDEN),
          heads, c.headDim(), kv, kv, new float[c.hidden() * 3], new float[3]);
      assertTrue(c.heads() != heads);

      // when it arrives as v2
      t.publish(update(narrow, "news", 2));

      // then
      assertRejectedAndV1StillInUse(t, Rejection.INVALID, 1, "prefix 'news' v2 has (layers, heads, headDim) = (" + c.layers()
          + ", 2, " + c.headDim() + "), the PLM expects (" + c.layers() + ", " + c.heads() + ", " + c.headDim() + ")");
    }
  }

  @Test
  void shouldRejectAnUpdateWhoseTensorsDoNotMatchItsChecksum() {
    try (TopologyHarness t = withNewsV1()) {
      // given a valid v2 whose tensor bytes were altered after the checksum was taken
      PrefixUpdate tampered = update(TestPrefixes.constant(plm, "B-thing"), "news", 2);
      byte[] tensors = new byte[tampered.getTensors().remaining()];
      tampered.getTensors().duplicate().get(tensors);
      tensors[tensors.length - 1] ^= 0x01;
      tampered.setTensors(ByteBuffer.wrap(tensors));
      String declared = tampered.getSha256();

      // when it arrives
      t.publish(tampered);

      // then
      assertRejectedAndV1StillInUse(t, Rejection.INVALID, 1, WHERE + ": tensors checksum mismatch: metadata says sha256 "
          + declared + ", the tensors hash to " + Sha256.hex(tensors));
    }
  }

  @Test
  void shouldRejectAnUpdateThatIsNotNewerThanTheInstalledVersion() {
    try (TopologyHarness t = withNewsV1()) {
      // when another prefix arrives under the installed version 1
      t.publish(update(TestPrefixes.constant(plm, "B-thing"), "news", 1));

      // then
      assertRejectedAndV1StillInUse(t, Rejection.STALE_VERSION, 1, "version 1 of 'news' is not newer than the installed 1");
    }
  }

  @Test
  void shouldRejectAnUpdateMadeForAnotherPlm() {
    try (TopologyHarness t = withNewsV1()) {
      // given v2 made for another model, and v3 for a model of the same id with other weights
      String otherHash = Sha256.hex("other weights".getBytes(StandardCharsets.UTF_8));
      PrefixUpdate otherId = update(TestPrefixes.constant(plm, "B-thing"), "news", 2);
      otherId.setPlm(new PlmRef("bert-base-cased", plm.sha256()));
      PrefixUpdate otherWeights = update(TestPrefixes.constant(plm, "B-thing"), "news", 3);
      otherWeights.setPlm(new PlmRef(plm.id(), otherHash));

      // when both arrive
      t.publish(otherId);
      assertEquals("INVALID: prefix 'news' v2 was made for PLM bert-base-cased (sha256 " + abbreviate(plm.sha256())
          + "), but the loaded PLM is " + plm.id() + " (sha256 " + abbreviate(plm.sha256()) + ")", t.status.lastRejection());
      t.publish(otherWeights);

      // then both are rejected
      assertRejectedAndV1StillInUse(t, Rejection.INVALID, 2, "prefix 'news' v3 was made for PLM " + plm.id() + " (sha256 "
          + abbreviate(otherHash) + "), but the loaded PLM is " + plm.id() + " (sha256 " + abbreviate(plm.sha256()) + ")");
    }
  }

  @Test
  void shouldRejectTombstonesUndecodableUpdatesAndKeysThatAreNotTheDomain() {
    try (TopologyHarness t = withNewsV1()) {
      TestInputTopic<byte[], byte[]> raw = t.driver.createInputTopic(CONTROL, new ByteArraySerializer(), new ByteArraySerializer());
      byte[] news = "news".getBytes(StandardCharsets.UTF_8);

      // when a tombstone, bytes that are no PrefixUpdate, and a v2 of 'news' keyed 'sports' arrive
      raw.pipeInput(news, (byte[]) null);
      raw.pipeInput(news, "garbage".getBytes(StandardCharsets.UTF_8));
      t.control.pipeInput("sports", update(TestPrefixes.constant(plm, "B-thing"), "news", 2));

      // then each is counted under its own reason
      assertEquals(1, t.status.rejectedCount(Rejection.DELETE_UNSUPPORTED));
      assertEquals(1, t.status.rejectedCount(Rejection.UNDECODABLE));
      assertEquals(1, t.status.rejectedCount(Rejection.KEY_MISMATCH));
      assertEquals(3, t.status.rejectedCount());
      assertEquals("KEY_MISMATCH: record key 'sports' is not the update's domain 'news'", t.status.lastRejection());
      assertV1StillTags(t);
    }
  }

  private static String abbreviate(String hash) {
    return hash.substring(0, 12) + "...";
  }
}
