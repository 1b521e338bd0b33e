package io.cpner.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cpner.model.Plm;
import io.cpner.prefix.DomainPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * CP-NER's collaborative domain-prefix fusion, trainable end to end.
 *
 * <p>For target t and sources j: the domain descriptor {@code d(p)} is the prefix's mean over
 * layers, keys/values and positions; prefix similarity {@code s_j = cos(P(d(p_t)), P(d(p_j)))} with
 * P a trainable Linear-tanh-Linear projection (trained through the sources' side only), {@code s /= sum(s)}; label similarity {@code l_j} is the
 * cosine of the mean label-name embeddings, {@code l /= sum(l)}; weights {@code w_j = (s_j + l_j) / 2};
 * the fused prefix, per layer and for keys and values, is {@code (p_t + sum_j w_j p_j) / 2}. The
 * target prefix (starting from its warm-up) and P are fine-tuned with the fusion in place. Other
 * weightings ({@link FusionWeights}) serve to measure what each half contributes, and other shares
 * of the sources ({@link SourceShare}: {@code (1 - a) p_t + a sum_j w_j p_j}, CP-NER's {@code a = 1/2})
 * what borrowing from them contributes at all.
 */
final class CollaborativeFusion implements TrainablePrefix {
  /**
   * A learned share is this times its parameter: Adam moves a parameter by about the prefix's
   * learning rate a step (5e-4), which would leave the share near 0 through a fine-tune's 40-80
   * steps; scaled, it can reach CP-NER's 1/2 within them.
   */
  static final float SHARE_SCALE = 20f;
  private final ReparameterizedPrefix target;
  private final List<Tensors> sources;
  private final NDArray sourceDescriptors; // (sources, hidden)
  private final float[] labelSimilarity; // normalised by its sum
  private final NDArray proj1; // (hidden, projection)
  private final NDArray projB1;
  private final NDArray proj2; // (projection, projection)
  private final NDArray projB2;
  private final FusionWeights mode;
  private final SourceShare share;
  private final NDArray learnedShare; // (1), the share / SHARE_SCALE, trained; null when the share is fixed

  CollaborativeFusion(NDManager manager, ReparameterizedPrefix target, List<DomainPrefix> sources, float[] labelSimilarity,
      int hidden, int projection, Random random) {
    this(manager, target, sources, labelSimilarity, hidden, projection, random, FusionWeights.LEARNED, SourceShare.CP_NER);
  }

  CollaborativeFusion(NDManager manager, ReparameterizedPrefix target, List<DomainPrefix> sources, float[] labelSimilarity,
      int hidden, int projection, Random random, FusionWeights mode, SourceShare share) {
    this.target = target;
    this.mode = mode;
    this.share = share;
    this.learnedShare = share.learned() ? param(manager, new float[] {(float) share.value() / SHARE_SCALE}, 1) : null;
    this.sources = new ArrayList<>();
    List<NDArray> descriptors = new ArrayList<>();
    for (DomainPrefix source : sources) {
      Tensors tensors = ReparameterizedPrefix.constant(manager, source);
      this.sources.add(tensors);
      descriptors.add(descriptor(tensors));
    }
    this.sourceDescriptors = NDArrays.stack(new ai.djl.ndarray.NDList(descriptors));
    this.labelSimilarity = labelSimilarity.clone();
    this.proj1 = param(manager, ReparameterizedPrefix.uniform(random, hidden * projection, 1 / Math.sqrt(hidden)), hidden, projection);
    this.projB1 = param(manager, new float[projection], projection);
    this.proj2 = param(manager, ReparameterizedPrefix.uniform(random, projection * projection, 1 / Math.sqrt(projection)),
        projection, projection);
    this.projB2 = param(manager, new float[projection], projection);
  }

  @Override
  public List<NDArray> parameters() {
    List<NDArray> all = new ArrayList<>(target.parameters());
    if (mode.usesProjection()) {
      all.addAll(List.of(proj1, projB1, proj2, projB2));
    }
    if (learnedShare != null) {
      all.add(learnedShare);
    }
    return all;
  }

  @Override
  public Tensors materialise(NDManager scope, boolean training) {
    attachConstants(scope);
    Tensors t = target.materialise(scope, training);
    NDArray w = weights(scope, t); // (sources)
    NDArray a = shareIn(scope);
    List<NDArray> keys = new ArrayList<>();
    List<NDArray> values = new ArrayList<>();
    for (int i = 0; i < t.keys().size(); i++) {
      keys.add(fuse(t.keys().get(i), w, a, sources.stream().map(s -> s.keys()).toList(), i));
      values.add(fuse(t.values().get(i), w, a, sources.stream().map(s -> s.values()).toList(), i));
    }
    return new Tensors(keys, values);
  }

  /** The current fusion weights, one per source, without dropout. */
  float[] currentWeights(NDManager scope) {
    parameters().forEach(p -> p.tempAttach(scope));
    attachConstants(scope);
    return weights(scope, target.materialise(scope, false)).toFloatArray();
  }

  /** The sources' current share of the fused prefix. */
  float currentShare() {
    return learnedShare != null ? learnedShare.toFloatArray()[0] * SHARE_SCALE : (float) share.value();
  }

  private NDArray shareIn(NDManager scope) {
    return learnedShare != null ? learnedShare.mul(SHARE_SCALE) : scope.create(new float[] {(float) share.value()});
  }

  /** Results of operations on constants must die with the step's scope, not pile up in the trainer's. */
  private void attachConstants(NDManager scope) {
    sourceDescriptors.tempAttach(scope);
    for (Tensors source : sources) {
      source.keys().forEach(a -> a.tempAttach(scope));
      source.values().forEach(a -> a.tempAttach(scope));
    }
  }

  @Override
  public TrainableHead head() {
    return target.head();
  }

  /** {@code w = (s / sum(s) + l) / 2} with {@code s_j = cos(P(d_t), P(d_j))}, or the mode's ablation of it. */
  private NDArray weights(NDManager scope, Tensors t) {
    int count = labelSimilarity.length;
    switch (mode) {
      case UNIFORM -> {
        return scope.ones(new Shape(count)).div(count);
      }
      case LABEL_SIMILARITY -> {
        return scope.create(labelSimilarity);
      }
      default -> {
        // the target's side is detached, as in the reference code: P learns through the sources alone
        NDArray qt = project(descriptor(t)).stopGradient(); // (projection)
        NDArray qs = project(sourceDescriptors); // (sources, projection)
        NDArray cos = qs.matMul(qt).div(qs.norm(new int[] {1}).mul(qt.norm()).add(1e-8f)); // (sources)
        if (mode == FusionWeights.PREFIX_SIMILARITY) {
          return combine(cos, scope.zeros(new Shape(count))).mul(2);
        }
        return combine(cos, scope.create(labelSimilarity));
      }
    }
  }

  /** CP-NER's weights from raw prefix cosines and sum-normalised label similarities. */
  static NDArray combine(NDArray prefixCosines, NDArray labelSimilarity) {
    NDArray sum = prefixCosines.sum();
    // keep the sign of the sum but never divide by (almost) zero
    NDArray safe = sum.add(sum.gte(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mul(2).sub(1).mul(1e-6f));
    return prefixCosines.div(safe).add(labelSimilarity).div(2);
  }

  /** {@code (1 - a) p_t + a sum_j w_j p_j} for one layer's keys or values ({@code a}: shape (1)). */
  static NDArray fuse(NDArray targetLayer, NDArray w, NDArray a, List<List<NDArray>> sourceLayers, int layer) {
    NDArray sum = null;
    for (int j = 0; j < sourceLayers.size(); j++) {
      NDArray term = sourceLayers.get(j).get(layer).mul(w.get(j));
      sum = sum == null ? term : sum.add(term);
    }
    return targetLayer.mul(a.neg().add(1)).add(sum.mul(a));
  }

  /** Mean of a prefix over layers, keys/values and positions: a {@code (hidden)} vector. */
  static NDArray descriptor(Tensors tensors) {
    List<NDArray> all = new ArrayList<>(tensors.keys());
    all.addAll(tensors.values());
    NDArray stacked = NDArrays.stack(new ai.djl.ndarray.NDList(all)); // (2 * layers, heads, P, headDim)
    NDArray mean = stacked.mean(new int[] {2}).mean(new int[] {0}); // (heads, headDim)
    return mean.reshape(-1); // (hidden)
  }

  private NDArray project(NDArray d) {
    return d.matMul(proj1).add(projB1).tanh().matMul(proj2).add(projB2);
  }

  /**
   * Label similarity of the target to each source: cosine between the mean embeddings of their
   * entity-type names (a name's embedding is the mean of the PLM's input embeddings of the pieces of
   * its words, {@link #typeWords}),
   * normalised by the sum.
   */
  static float[] labelSimilarity(Plm plm, List<String> targetTypes, List<List<String>> sourceTypes) {
    float[] t = meanTypeEmbedding(plm, targetTypes);
    float[] sims = new float[sourceTypes.size()];
    double sum = 0;
    for (int j = 0; j < sims.length; j++) {
      float[] s = meanTypeEmbedding(plm, sourceTypes.get(j));
      sims[j] = (float) cosine(t, s);
      sum += sims[j];
    }
    for (int j = 0; j < sims.length; j++) {
      sims[j] /= (float) sum;
    }
    return sims;
  }

  /**
   * CrossNER's joined type tags as the words they stand for ({@code musicalartist} -> {@code musical
   * artist}): a tag's word pieces ({@code music ##al ##art ##ist}) embed its meaning poorly. The
   * reference code embeds natural-language type names too.
   */
  private static final java.util.Map<String, String> TYPE_WORDS = java.util.Map.ofEntries(
      java.util.Map.entry("academicjournal", "academic journal"),
      java.util.Map.entry("astronomicalobject", "astronomical object"),
      java.util.Map.entry("chemicalcompound", "chemical compound"),
      java.util.Map.entry("chemicalelement", "chemical element"),
      java.util.Map.entry("literarygenre", "literary genre"),
      java.util.Map.entry("misc", "miscellaneous"),
      java.util.Map.entry("musicalartist", "musical artist"),
      java.util.Map.entry("musicalinstrument", "musical instrument"),
      java.util.Map.entry("musicgenre", "music genre"),
      java.util.Map.entry("politicalparty", "political party"),
      java.util.Map.entry("programlang", "programming language"));

  /** The words a type tag stands for: a known CrossNER tag spelled out, else the tag split at '_' and '-'. */
  static List<String> typeWords(String type) {
    String lower = type.toLowerCase(java.util.Locale.ROOT);
    return List.of(TYPE_WORDS.getOrDefault(lower, lower.replace('_', ' ').replace('-', ' ')).trim().split(" +"));
  }

  private static float[] meanTypeEmbedding(Plm plm, List<String> types) {
    int hidden = plm.config().hidden();
    float[] mean = new float[hidden];
    try (NDManager scope = plm.manager().newSubManager()) {
      for (String type : types) {
        long[] ids = plm.tokenizer().pieces(typeWords(type)).ids();
        NDArray rows = plm.weights().wordEmbeddings().get(scope.create(ids)); // (pieces, hidden)
        rows.attach(scope);
        float[] avg = rows.mean(new int[] {0}).toFloatArray();
        for (int k = 0; k < hidden; k++) {
          mean[k] += avg[k] / types.size();
        }
      }
    }
    return mean;
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  private static NDArray param(NDManager manager, float[] values, long... shape) {
    NDArray array = manager.create(values, new Shape(shape));
    array.setRequiresGradient(true);
    return array;
  }
}
