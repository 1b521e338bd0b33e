package io.cpner.model.loading;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading the TensorFlow checkpoint inside the BERT-base artifact without TensorFlow: the real
 * {@code variables.index}, and data files that are truncated or corrupt, which must fail naming the
 * file, the tensor and what was expected.
 */
class TensorBundleTest {
  private static final long DATA_BYTES = 435_725_584L; // variables.data-00000-of-00001 in the artifact
  private static final String LAYER_NORM_BETA = "module/bert/embeddings/LayerNorm/beta";

  @TempDir static Path savedModel;
  private static byte[] index;

  @BeforeAll
  static void extractIndex() throws Exception {
    BertSavedModelImporter.extractSavedModel(savedModel, BertSavedModelImporter.INDEX::equals);
    index = Files.readAllBytes(savedModel.resolve(BertSavedModelImporter.INDEX));
  }

  @Test
  void shouldListEveryTensorOfTheCheckpointWithItsShape() {
    TensorBundle bundle = TensorBundle.open(index, "variables.index", savedModel.resolve("absent"));
    assertEquals(204, bundle.entries().size());
    TensorBundle.Entry words = bundle.entries().get("module/bert/embeddings/word_embeddings");
    assertArrayEquals(new long[] {28996, 768}, words.shape());
    assertEquals(TensorBundle.DT_FLOAT, words.dtype());
    assertEquals(28996L * 768 * 4, words.size());
    assertArrayEquals(new long[] {768, 3072},
        bundle.entries().get("module/bert/encoder/layer_11/intermediate/dense/kernel").shape());
    assertEquals(12, bundle.entries().keySet().stream().filter(n -> n.endsWith("attention/self/query/kernel")).count());
  }

  @Test
  void shouldNameTheTensorWhoseChecksumDoesNotMatch() throws Exception {
    // given a data file of the right size whose bytes are all zero
    Path data = savedModel.resolve("zeros.data");
    try (RandomAccessFile file = new RandomAccessFile(data.toFile(), "rw")) {
      file.setLength(DATA_BYTES); // sparse: no disk is used
    }
    TensorBundle bundle = TensorBundle.open(index, "variables.index", data);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bundle.floats(LAYER_NORM_BETA));
    assertTrue(e.getMessage().contains("tensor '" + LAYER_NORM_BETA + "' expected masked CRC32C"), e.getMessage());
    assertTrue(e.getMessage().contains(data.toString()) && e.getMessage().contains("corrupt"), e.getMessage());
  }

  @Test
  void shouldSayTheDataFileIsTruncated() throws Exception {
    Path data = Files.write(savedModel.resolve("short.data"), new byte[1000]);
    TensorBundle bundle = TensorBundle.open(index, "variables.index", data);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> bundle.floats("module/bert/encoder/layer_5/output/dense/kernel"));
    assertTrue(e.getMessage().contains("tensor 'module/bert/encoder/layer_5/output/dense/kernel' expected bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("found a file of 1000 bytes (truncated?)"), e.getMessage());
  }

  @Test
  void shouldRejectAnIndexBlockWhoseChecksumDoesNotMatch() {
    byte[] corrupt = index.clone();
    corrupt[200] ^= 0x40; // inside the first data block
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TensorBundle.open(corrupt, "variables.index", savedModel.resolve("absent")));
    assertTrue(e.getMessage().startsWith("variables.index: block at 0 expected masked CRC32C"), e.getMessage());
  }

  @Test
  void shouldRejectATruncatedIndex() {
    byte[] truncated = Arrays.copyOf(index, index.length - 10);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TensorBundle.open(truncated, "variables.index", savedModel.resolve("absent")));
    assertTrue(e.getMessage().contains("expected the table magic db4775248b80fb57 at the end"), e.getMessage());
  }

  @Test
  void shouldNameTheMissingFileOfASavedModel() throws Exception {
    Path incomplete = Files.createDirectories(savedModel.resolve("incomplete/assets"));
    Files.writeString(incomplete.resolve("model.json"), "{\"doLowerCase\": false}");
    Path out = Files.createDirectories(savedModel.resolve("out"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BertSavedModelImporter.convert(incomplete.getParent(), out));
    assertTrue(e.getMessage().contains("expected the SavedModel file assets/vocab.txt"), e.getMessage());
  }

  @Test
  void shouldRefuseAnUncasedModel() throws Exception {
    Path uncased = Files.createDirectories(savedModel.resolve("uncased/assets"));
    Files.writeString(uncased.resolve("model.json"), "{\"doLowerCase\": true}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BertSavedModelImporter.convert(uncased.getParent(), savedModel));
    assertTrue(e.getMessage().contains("expected doLowerCase false (a cased model), found true"), e.getMessage());
  }

  @Test
  void shouldMapTensorFlowNamesToHuggingFaceNames() {
    assertEquals("bert.encoder.layer.3.attention.self.query.weight",
        BertSavedModelImporter.huggingFaceName("module/bert/encoder/layer_3/attention/self/query/kernel"));
    assertEquals("bert.encoder.layer.11.output.LayerNorm.bias",
        BertSavedModelImporter.huggingFaceName("module/bert/encoder/layer_11/output/LayerNorm/beta"));
    assertEquals("bert.embeddings.word_embeddings.weight",
        BertSavedModelImporter.huggingFaceName("module/bert/embeddings/word_embeddings"));
    assertEquals("bert.embeddings.LayerNorm.weight", BertSavedModelImporter.huggingFaceName("module/bert/embeddings/LayerNorm/gamma"));
    assertEquals(null, BertSavedModelImporter.huggingFaceName("module/cls/predictions/output_bias"));
  }
}
