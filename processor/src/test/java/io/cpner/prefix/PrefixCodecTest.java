package io.cpner.prefix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.SharedPlm;
import io.cpner.TestPrefixes;
import io.cpner.model.Plm;
import io.cpner.model.safetensors.Safetensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrefixCodecTest {
  private static Plm plm;

  @TempDir Path dir;

  @BeforeAll
  static void load() {
    plm = SharedPlm.get();
  }

  @Test
  void shouldRoundTripTensorsAndMetadataThroughADirectory() throws Exception {
    DomainPrefix original = TestPrefixes.random(plm, "politics", 10, 5);
    PrefixCodec.write(original, dir);
    DomainPrefix read = PrefixCodec.read(dir);
    assertEquals(original.metadata().withTensorsSha256(read.metadata().tensorsSha256()), read.metadata());
    assertEquals(64, read.metadata().tensorsSha256().length());
    for (int i = 0; i < original.layers(); i++) {
      assertArrayEquals(DomainPrefix.copyOf(original.key(i)), DomainPrefix.copyOf(read.key(i)));
      assertArrayEquals(DomainPrefix.copyOf(original.value(i)), DomainPrefix.copyOf(read.value(i)));
    }
    assertArrayEquals(DomainPrefix.copyOf(original.headWeight()), DomainPrefix.copyOf(read.headWeight()));
    read.requireCompatible(plm.identity());
  }

  @Test
  void shouldRoundTripTheLayerMixAndTheCrf() throws Exception {
    // given a prefix whose head mixes the last 4 layers and decodes with a CRF
    DomainPrefix base = TestPrefixes.random(plm, "politics", 4, 5);
    float[] transitions = new float[9];
    for (int i = 0; i < transitions.length; i++) {
      transitions[i] = i * 0.5f - 2;
    }
    CrfTransitions crf = CrfTransitions.of(base.labels(), transitions, new float[] {1, 2, 3}, new float[] {-1, -2, -3});
    DomainPrefix original = new DomainPrefix(base.metadata(), base.heads(), base.headDim(), keys(base), keys(base),
        DomainPrefix.copyOf(base.headWeight()), DomainPrefix.copyOf(base.headBias()), new float[] {0.1f, 0.2f, 0.3f, 0.9f}, crf);
    // when it is written and read back
    PrefixCodec.write(original, dir);
    DomainPrefix read = PrefixCodec.read(dir);
    // then the head reads the same layers and the CRF has the same scores, BIO-forbidden ones at -inf
    assertEquals(4, read.headLayers());
    assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f, 0.9f}, DomainPrefix.copyOf(read.layerWeights()));
    assertArrayEquals(transitions, DomainPrefix.copyOf(read.crf().learnedTransitions()));
    assertEquals(-0.5, read.crf().transition(1, 0)); // B-thing -> O: learned, index 3
    assertEquals(Double.NEGATIVE_INFINITY, read.crf().transition(0, 2)); // O -> I-thing, forbidden
    assertEquals(Double.NEGATIVE_INFINITY, read.crf().start(2)); // no sequence starts inside an entity
    assertEquals(-3.0, read.crf().end(2));
    read.requireCompatible(plm.identity());
  }

  @Test
  void shouldReadAPrefixMadeBeforeTheLayerMixAndCrfAsLastLayerWithArgmax() throws Exception {
    // given a shipped prefix written before heads could mix layers or decode with a CRF
    DomainPrefix legacy = PrefixCodec.read(Path.of("..", "prefixes", "minilm", "politics"));
    // then it reads the last layer alone and labels each word by its argmax
    assertEquals(1, legacy.headLayers());
    assertArrayEquals(new float[] {1f}, DomainPrefix.copyOf(legacy.layerWeights()));
    assertEquals(null, legacy.crf());
    legacy.requireCompatible(plm.identity());
  }

  @Test
  void shouldRejectTensorsThatDoNotMatchTheirChecksum() throws Exception {
    PrefixCodec.write(TestPrefixes.random(plm, "politics", 2, 5), dir);
    byte[] tensors = Files.readAllBytes(dir.resolve(PrefixCodec.TENSORS_FILE));
    tensors[tensors.length - 1] ^= 1;
    Files.write(dir.resolve(PrefixCodec.TENSORS_FILE), tensors);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrefixCodec.read(dir));
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
  }

  @Test
  void shouldRejectKeysWhoseShapeDisagreesWithThePrefixLength() {
    DomainPrefix prefix = TestPrefixes.random(plm, "politics", 4, 5);
    PrefixCodec.Encoded encoded = PrefixCodec.encode(prefix);
    // rewrite the tensors with a 3-slot layer 0 key while the metadata still says 4
    Map<String, Safetensors.Tensor> tensors = new java.util.LinkedHashMap<>(Safetensors.fromBytes(encoded.tensors()).tensors());
    long[] wrong = {plm.config().heads(), 3, plm.config().headDim()};
    tensors.put("layers.0.key", Safetensors.Tensor.ofFloats("layers.0.key", wrong, new float[(int) (wrong[0] * wrong[1] * wrong[2])]));
    byte[] bytes = Safetensors.toBytes(tensors, Map.of());
    byte[] json = withSha(encoded.metadataJson(), bytes);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrefixCodec.decode(json, bytes, "test"));
    assertTrue(e.getMessage().contains("layers.0.key expected shape (heads, 4, headDim)"), e.getMessage());
  }

  @Test
  void shouldRefuseAPrefixMadeForAnotherPlm() {
    DomainPrefix prefix = TestPrefixes.random(plm, "politics", 2, 5);
    PrefixMetadata m = prefix.metadata();
    PrefixMetadata other = new PrefixMetadata(m.domain(), m.version(), m.kind(), m.labels(), m.sources(), null, null,
        "bert-base-cased", "ab".repeat(32), m.prefixLength(), m.headInput(), null, m.createdAt());
    DomainPrefix foreign = new DomainPrefix(other, prefix.heads(), prefix.headDim(), keys(prefix), keys(prefix),
        DomainPrefix.copyOf(prefix.headWeight()), DomainPrefix.copyOf(prefix.headBias()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> foreign.requireCompatible(plm.identity()));
    assertTrue(e.getMessage().contains("was made for PLM bert-base-cased"), e.getMessage());
  }

  @Test
  void shouldRefuseAPrefixWithTheWrongNumberOfLayers() {
    DomainPrefix prefix = TestPrefixes.random(plm, "politics", 2, 5);
    List<float[]> threeLayers = keys(prefix).subList(0, 3);
    DomainPrefix shallow = new DomainPrefix(prefix.metadata(), prefix.heads(), prefix.headDim(), threeLayers, threeLayers,
        DomainPrefix.copyOf(prefix.headWeight()), DomainPrefix.copyOf(prefix.headBias()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> shallow.requireCompatible(plm.identity()));
    assertTrue(e.getMessage().contains("(layers, heads, headDim) = (3, 12, 32), the PLM expects (6, 12, 32)"), e.getMessage());
  }

  @Test
  void shouldNameTheMissingFile() throws Exception {
    PrefixCodec.write(TestPrefixes.random(plm, "politics", 2, 5), dir);
    Files.delete(dir.resolve(PrefixCodec.TENSORS_FILE));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrefixCodec.read(dir));
    assertTrue(e.getMessage().contains("found no prefix.safetensors"), e.getMessage());
  }

  @Test
  void shouldRejectMetadataWithMalformedLabels() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TestPrefixes.metadata(plm, "politics", 1, 2, List.of("O", "PER"), HeadInput.HIDDEN));
    assertTrue(e.getMessage().contains("found 'PER'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TestPrefixes.metadata(plm, "Politics!", 1, 2, TestPrefixes.LABELS, HeadInput.HIDDEN));
    assertTrue(e.getMessage().contains("'Politics!'"), e.getMessage());
  }

  private static byte[] withSha(byte[] json, byte[] tensors) {
    String text = new String(json, java.nio.charset.StandardCharsets.UTF_8);
    String sha = io.cpner.model.Sha256.hex(tensors);
    return text.replaceAll("\"tensorsSha256\" : \"[0-9a-f]+\"", "\"tensorsSha256\" : \"" + sha + "\"")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static List<float[]> keys(DomainPrefix p) {
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < p.layers(); i++) {
      out.add(DomainPrefix.copyOf(p.key(i)));
    }
    return out;
  }


}
