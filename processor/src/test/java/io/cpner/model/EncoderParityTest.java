package io.cpner.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.cpner.ParitySentences;
import io.cpner.SharedPlm;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our DJL encoder, run with no prefix, must give the same sentence embeddings as the reference ONNX
 * model run by onnxruntime (langchain4j's all-MiniLM-L6-v2), within 1e-4 per component.
 */
class EncoderParityTest {
  private static final double TOLERANCE = 1e-4;

  static final List<String> SENTENCES = ParitySentences.ALL;

  private static Plm plm;
  private static List<float[]> reference;

  @BeforeAll
  static void computeReference() {
    plm = SharedPlm.get();
    AllMiniLmL6V2EmbeddingModel onnx = new AllMiniLmL6V2EmbeddingModel();
    reference = new ArrayList<>();
    for (String s : SENTENCES) {
      reference.add(onnx.embed(s).content().vector());
    }
  }

  @Test
  void shouldMatchOnnxRuntimeForEachSentenceAlone() {
    PrefixedEncoder encoder = new PrefixedEncoder(plm);
    for (int i = 0; i < SENTENCES.size(); i++) {
      float[][] ours = embed(encoder, List.of(SENTENCES.get(i)));
      assertClose(reference.get(i), ours[0], SENTENCES.get(i));
    }
  }

  @Test
  void shouldMatchOnnxRuntimeInOnePaddedBatch() {
    float[][] ours = embed(new PrefixedEncoder(plm), SENTENCES);
    for (int i = 0; i < SENTENCES.size(); i++) {
      assertClose(reference.get(i), ours[i], SENTENCES.get(i));
    }
  }

  private static float[][] embed(PrefixedEncoder encoder, List<String> texts) {
    List<long[]> ids = texts.stream().map(t -> plm.tokenizer().encodeText(t)).toList();
    int seq = ids.stream().mapToInt(a -> a.length).max().orElseThrow();
    long[] flatIds = new long[texts.size() * seq];
    float[] mask = new float[texts.size() * seq];
    for (int r = 0; r < ids.size(); r++) {
      for (int c = 0; c < ids.get(r).length; c++) {
        flatIds[r * seq + c] = ids.get(r)[c];
        mask[r * seq + c] = 1f;
      }
    }
    try (NDManager scope = plm.manager().newSubManager()) {
      Shape shape = new Shape(texts.size(), seq);
      NDArray maskArray = scope.create(mask, shape);
      NDArray hidden = encoder.forward(scope, scope.create(flatIds, shape), maskArray, null);
      float[] pooled = PrefixedEncoder.meanPooledNormalized(hidden, maskArray).toFloatArray();
      float[][] rows = new float[texts.size()][];
      int dim = plm.config().hidden();
      for (int r = 0; r < rows.length; r++) {
        rows[r] = java.util.Arrays.copyOfRange(pooled, r * dim, (r + 1) * dim);
      }
      return rows;
    }
  }

  private static void assertClose(float[] expected, float[] actual, String sentence) {
    assertEquals(expected.length, actual.length, "embedding width");
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(worst <= TOLERANCE, "max |difference| " + worst + " > " + TOLERANCE + " for: " + sentence);
  }
}
