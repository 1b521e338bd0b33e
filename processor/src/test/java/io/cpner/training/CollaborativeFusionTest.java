package io.cpner.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.cpner.SharedPlm;
import io.cpner.TestPrefixes;
import io.cpner.model.Plm;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.HeadInput;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CollaborativeFusionTest {
  private static Plm plm;
  private static DomainPrefix warmup; // a target's warm start
  private static List<DomainPrefix> sources; // two sources
  private static TrainingOptions options;

  @BeforeAll
  static void load() {
    plm = SharedPlm.get();
    warmup = TestPrefixes.random(plm, "target", 4, 21);
    sources = List.of(TestPrefixes.random(plm, "a", 4, 22), TestPrefixes.random(plm, "b", 4, 23));
    options = new TrainingOptions(1, 4, 1e-2, 1e-2, 1.0, 0.1, 0.01, 1.0, 0.1f, 4, 32, 0, HeadInput.HIDDEN, 1, true, 1, 0);
  }

  /** The target's trainable prefix, starting at the warm start. */
  private static ReparameterizedPrefix target(NDManager manager, Random random) {
    return new ReparameterizedPrefix(manager, plm.config(), options, plm.config().hidden(), TestPrefixes.LABELS, random, warmup,
        null, null, null);
  }

  @Test
  void shouldCombineSumNormalisedPrefixAndLabelSimilaritiesAsCpNerDoes() {
    // given prefix cosines 0.8, 0.4, -0.2 (sum 1.0) and label similarities already normalised to 0.45, 0.3, 0.25
    try (NDManager scope = plm.manager().newSubManager()) {
      float[] w = CollaborativeFusion.combine(scope.create(new float[] {0.8f, 0.4f, -0.2f}),
          scope.create(new float[] {0.45f, 0.3f, 0.25f})).toFloatArray();
      // then w_j = (s_j / sum(s) + l_j) / 2
      assertArrayEquals(new float[] {0.625f, 0.35f, 0.025f}, w, 1e-5f);
      // and with cosines summing to 0.5: s = 0.6/0.5, 0.2/0.5, -0.3/0.5
      w = CollaborativeFusion.combine(scope.create(new float[] {0.6f, 0.2f, -0.3f}),
          scope.create(new float[] {0.5f, 0.25f, 0.25f})).toFloatArray();
      assertArrayEquals(new float[] {(1.2f + 0.5f) / 2, (0.4f + 0.25f) / 2, (-0.6f + 0.25f) / 2}, w, 1e-5f);
    }
  }

  @Test
  void shouldFuseEveryLayerAsHalfTheTargetPlusTheWeightedSources() {
    // given a target starting at its warm-up prefix and two sources
    try (NDManager manager = plm.manager().newSubManager(); NDManager scope = manager.newSubManager()) {
      Random random = new Random(5);
      ReparameterizedPrefix target = target(manager, random);
      CollaborativeFusion fusion = new CollaborativeFusion(manager, target, sources, new float[] {0.7f, 0.3f},
          plm.config().hidden(), 16, random);
      // when the fused prefix is materialised
      float[] w = fusion.currentWeights(scope);
      TrainablePrefix.Tensors fused = fusion.materialise(scope, false);
      // then every layer's keys and values equal (p_t + w_a p_a + w_b p_b) / 2
      for (int layer = 0; layer < plm.config().layers(); layer++) {
        float[] pt = DomainPrefix.copyOf(warmup.value(layer));
        float[] pa = DomainPrefix.copyOf(sources.get(0).value(layer));
        float[] pb = DomainPrefix.copyOf(sources.get(1).value(layer));
        float[] expected = new float[pt.length];
        for (int i = 0; i < pt.length; i++) {
          expected[i] = (pt[i] + w[0] * pa[i] + w[1] * pb[i]) / 2;
        }
        assertArrayEquals(expected, fused.values().get(layer).toFloatArray(), 1e-5f, "layer " + layer);
      }
      assertEquals(0.7f + 0.3f + 1f, (w[0] + w[1]) * 2, 1e-4f, "s and l each sum to 1, so the weights sum to 1");
    }
  }

  @Test
  void shouldStartFromTheWarmStartItselfWhenTheSourcesShareIsZeroOrLearned() {
    // given a target starting at its warm-up prefix and two sources
    try (NDManager manager = plm.manager().newSubManager(); NDManager scope = manager.newSubManager()) {
      for (SourceShare share : List.of(new SourceShare(0, false), SourceShare.learnedFromZero(), new SourceShare(0.25, false))) {
        ReparameterizedPrefix target = target(manager, new Random(5));
        CollaborativeFusion fusion = new CollaborativeFusion(manager, target, sources, new float[] {0.7f, 0.3f},
            plm.config().hidden(), 16, new Random(5), FusionWeights.UNIFORM, share);
        // when the fused prefix is materialised
        TrainablePrefix.Tensors fused = fusion.materialise(scope, false);
        // then every layer is (1 - a) p_t + a (p_a + p_b) / 2: the warm start itself while a is 0
        double a = share.value();
        for (int layer = 0; layer < plm.config().layers(); layer++) {
          float[] pt = DomainPrefix.copyOf(warmup.key(layer));
          float[] pa = DomainPrefix.copyOf(sources.get(0).key(layer));
          float[] pb = DomainPrefix.copyOf(sources.get(1).key(layer));
          float[] expected = new float[pt.length];
          for (int i = 0; i < pt.length; i++) {
            expected[i] = (float) ((1 - a) * pt[i] + a * (pa[i] + pb[i]) / 2);
          }
          assertArrayEquals(expected, fused.keys().get(layer).toFloatArray(), 1e-5f, share + ", layer " + layer);
        }
        assertEquals(a, fusion.currentShare(), 1e-6, share.toString());
        // and only a learned share is a parameter that training moves (uniform weights train no projection)
        assertEquals(share.learned() ? 1 : 0, fusion.parameters().size() - target.parameters().size(), share.toString());
      }
    }
  }

  @Test
  void shouldParseASourceShareAsLearnedOrANumberFromZeroToOne() {
    assertEquals(SourceShare.CP_NER, SourceShare.parse("0.5"));
    assertEquals(SourceShare.learnedFromZero(), SourceShare.parse(" Learned "));
    assertEquals("a source share is between 0 and 1, found 1.5",
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> SourceShare.parse("1.5")).getMessage());
    assertEquals("a source share is 'learned' or a number between 0 and 1, found 'half'",
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> SourceShare.parse("half")).getMessage());
  }

  @Test
  void shouldWeighSourcesUniformlyOrByLabelsAloneOrByPrefixesAloneForTheAblation() {
    try (NDManager manager = plm.manager().newSubManager(); NDManager scope = manager.newSubManager()) {
      java.util.Map<FusionWeights, float[]> weights = new java.util.EnumMap<>(FusionWeights.class);
      java.util.Map<FusionWeights, Integer> parameters = new java.util.EnumMap<>(FusionWeights.class);
      for (FusionWeights mode : FusionWeights.values()) {
        ReparameterizedPrefix target = target(manager, new Random(5));
        CollaborativeFusion fusion = new CollaborativeFusion(manager, target, sources, new float[] {0.7f, 0.3f},
            plm.config().hidden(), 16, new Random(5), mode, SourceShare.CP_NER);
        weights.put(mode, fusion.currentWeights(scope));
        parameters.put(mode, fusion.parameters().size() - target.parameters().size());
      }
      assertArrayEquals(new float[] {0.5f, 0.5f}, weights.get(FusionWeights.UNIFORM), 1e-6f);
      assertArrayEquals(new float[] {0.7f, 0.3f}, weights.get(FusionWeights.LABEL_SIMILARITY), 1e-6f);
      float[] s = weights.get(FusionWeights.PREFIX_SIMILARITY);
      assertEquals(1f, s[0] + s[1], 1e-5f);
      float[] learned = weights.get(FusionWeights.LEARNED);
      assertArrayEquals(new float[] {(s[0] + 0.7f) / 2, (s[1] + 0.3f) / 2}, learned, 1e-5f);
      // only the weightings that use prefix similarity train the projection
      assertEquals(4, parameters.get(FusionWeights.LEARNED));
      assertEquals(4, parameters.get(FusionWeights.PREFIX_SIMILARITY));
      assertEquals(0, parameters.get(FusionWeights.UNIFORM));
      assertEquals(0, parameters.get(FusionWeights.LABEL_SIMILARITY));
    }
  }

  @Test
  void shouldEmbedCrossNerTagsAsTheWordsTheyStandFor() {
    assertEquals(List.of("musical", "artist"), CollaborativeFusion.typeWords("musicalartist"));
    assertEquals(List.of("programming", "language"), CollaborativeFusion.typeWords("programlang"));
    assertEquals(List.of("miscellaneous"), CollaborativeFusion.typeWords("MISC"));
    assertEquals(List.of("person"), CollaborativeFusion.typeWords("person"));
    assertEquals(List.of("gene", "product"), CollaborativeFusion.typeWords("gene_product"));
  }

  @Test
  void shouldFindSharedLabelNamesMoreSimilarThanUnrelatedOnes() {
    float[] l = CollaborativeFusion.labelSimilarity(plm, List.of("person", "location", "politician"),
        List.of(List.of("person", "location", "organisation"), List.of("algorithm", "metrics", "programlang")));
    assertEquals(1f, l[0] + l[1], 1e-5f);
    assertTrue(l[0] > l[1], "news labels should be closer to politics than AI labels: " + java.util.Arrays.toString(l));
  }
}
