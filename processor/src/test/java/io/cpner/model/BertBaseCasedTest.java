package io.cpner.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cpner.SharedPlm;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixCodec;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The imported cased BERT-base: shape, cased tokenization and the hidden states TensorFlow itself
 * computed on the SavedModel for one sentence (figures from the issue that asked for this PLM; the
 * full comparison against TF-Java runs in {@code TensorFlowParityTest}).
 */
class BertBaseCasedTest {
  @Test
  void shouldHaveTheShapeOfBertBase() {
    Plm plm = SharedPlm.bertBaseCased();
    assertEquals("bert-base-cased", plm.id());
    assertEquals(new PlmConfig(28996, 768, 12, 12, 3072, 512, 2, 1e-12f, PlmConfig.Activation.GELU_TANH), plm.config());
    assertEquals(107_719_680L, plm.weights().parameterCount()); // BERT-base cased without pooler
  }

  @Test
  void shouldTokenizeWithCaseAndAccentsKept() {
    PlmTokenizer tokenizer = SharedPlm.bertBaseCased().tokenizer();
    assertArrayEquals(new long[] {101, 14319, 7661, 3891, 2123, 1105, 7302, 119, 102},
        tokenizer.encodeText("Barack Obama visited Paris and Apple ."));
    long[] upper = tokenizer.encodeText("Apple");
    long[] lower = tokenizer.encodeText("apple");
    assertTrue(upper[1] != lower[1], "cased: Apple and apple are different pieces");
    assertFalse(Arrays.equals(tokenizer.encodeText("Zürich"), tokenizer.encodeText("Zurich")), "accents are kept");
  }

  @Test
  void shouldRefuseAPrefixTrainedOnAnotherPlm() throws Exception {
    DomainPrefix minilmPrefix = PrefixCodec.read(Path.of("..", "prefixes", "minilm", "conll2003"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> minilmPrefix.requireCompatible(SharedPlm.bertBaseCased().identity()));
    assertTrue(e.getMessage().contains("was made for PLM sentence-transformers/all-MiniLM-L6-v2"), e.getMessage());
    assertTrue(e.getMessage().contains("but the loaded PLM is bert-base-cased"), e.getMessage());
  }

  @Test
  void shouldReproduceTensorFlowsHiddenStatesForTheReferenceSentence() {
    // sequence_output[0][0][:3] and [0][1][:3] as TensorFlow computed them on the SavedModel
    Plm plm = SharedPlm.bertBaseCased();
    long[] ids = {101, 14319, 7661, 3891, 2123, 1105, 7302, 119, 102};
    try (NDManager scope = plm.manager().newSubManager()) {
      Shape shape = new Shape(1, ids.length);
      NDArray hidden = new PrefixedEncoder(plm).forward(scope, scope.create(ids, shape), scope.ones(shape), null);
      float[] h = hidden.toFloatArray();
      assertArrayEquals(new float[] {0.26520f, -0.08248f, -0.00219f}, new float[] {h[0], h[1], h[2]}, 1e-4f);
      assertArrayEquals(new float[] {-0.17322f, -0.37126f, 0.15261f}, new float[] {h[768], h[769], h[770]}, 1e-4f);
    }
  }
}
