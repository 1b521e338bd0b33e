package io.cpner.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cpner.model.PlmConfig;
import io.cpner.prefix.DomainPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A domain prefix produced by CP-NER's reparameterisation MLP,
 * {@code Embedding(P, hidden) -> Linear(hidden, mid) -> tanh -> Linear(mid, layers * 2 * hidden)},
 * added to a fixed base prefix (zero when training from scratch; the averaged source and target
 * prefixes for single-source transfer; the target's warm-up prefix under fusion), with dropout on the
 * sum. Only the materialised keys and values are shipped; the MLP is dropped after training.
 */
final class ReparameterizedPrefix implements TrainablePrefix {
  private final PlmConfig config;
  private final int prefixLength;
  private final float dropout;
  private final Random random;
  private final NDArray embedding; // (P, hidden)
  private final NDArray w1; // (hidden, mid)
  private final NDArray b1; // (mid)
  private final NDArray w2; // (mid, layers * 2 * hidden)
  private final NDArray b2; // (layers * 2 * hidden)
  private final TrainableHead head;
  private final NDArray base; // constant, laid out as the MLP's output (P, layers * 2 * hidden), or null

  /**
   * @param base a fixed prefix the MLP's output is added to, or null; with a base, the MLP's last
   *     layer starts at zero so that training starts exactly from the base
   * @param headInit initial head weight {@code (in, labels)} row-major, or null for a random one
   * @param headFrom a prefix whose head's layer mix and CRF (and their shapes) the head starts from,
   *     or null for the options' shapes from scratch
   */
  ReparameterizedPrefix(NDManager manager, PlmConfig config, TrainingOptions options, int headIn, List<String> labelNames,
      Random random, DomainPrefix base, float[] headInit, float[] headBiasInit, DomainPrefix headFrom) {
    int labels = labelNames.size();
    if (base != null && base.prefixLength() != options.prefixLength()) {
      throw new IllegalArgumentException("base prefix '" + base.domain() + "' has " + base.prefixLength()
          + " slots, training uses " + options.prefixLength());
    }
    this.config = config;
    this.prefixLength = options.prefixLength();
    this.dropout = options.dropout();
    this.random = random;
    int hidden = config.hidden();
    int mid = options.mlpHidden();
    int out = config.layers() * 2 * hidden;
    this.embedding = param(manager, gaussian(random, prefixLength * hidden, 1.0), prefixLength, hidden);
    this.w1 = param(manager, uniform(random, hidden * mid, 1.0 / Math.sqrt(hidden)), hidden, mid);
    this.b1 = param(manager, new float[mid], mid);
    float[] w2Init = base == null ? uniform(random, mid * out, options.prefixInitScale() / Math.sqrt(mid)) : new float[mid * out];
    this.w2 = param(manager, w2Init, mid, out);
    this.b2 = param(manager, new float[out], out);
    float[] weight = headInit != null ? headInit : uniform(random, headIn * labels, 1.0 / Math.sqrt(headIn));
    int headLayers = headFrom != null ? headFrom.headLayers() : options.headLayers();
    boolean crf = headFrom != null ? headFrom.crf() != null : options.crf();
    this.head = new TrainableHead(manager, labelNames, headIn, headLayers, crf, weight,
        headBiasInit != null ? headBiasInit : new float[labels], headFrom);
    this.base = base == null ? null : flatBase(manager, base, config);
  }

  @Override
  public List<NDArray> parameters() {
    List<NDArray> all = new ArrayList<>(List.of(embedding, w1, b1, w2, b2));
    all.addAll(head.parameters());
    return all;
  }

  @Override
  public Tensors materialise(NDManager scope, boolean training) {
    int layers = config.layers();
    int heads = config.heads();
    int headDim = config.headDim();
    // 1. MLP over the prefix positions, plus the fixed base prefix if any.   (P, layers * 2 * hidden)
    NDArray flat = embedding.matMul(w1).add(b1).tanh().matMul(w2).add(b2);
    if (base != null) {
      base.tempAttach(scope);
      flat = flat.add(base);
    }
    // 2. Dropout on the whole prefix (as the reference code does), with a mask drawn from the seeded
    //    Java generator so runs are reproducible.
    if (training && dropout > 0) {
      float keep = 1f - dropout;
      float[] mask = new float[(int) flat.size()];
      for (int i = 0; i < mask.length; i++) {
        mask[i] = random.nextFloat() < keep ? 1f / keep : 0f;
      }
      flat = flat.mul(scope.create(mask, flat.getShape()));
    }
    // 3. Split into layers, keys/values and heads.                    (layers, 2, heads, P, headDim)
    NDArray split = flat.reshape(prefixLength, layers, 2, heads, headDim).transpose(1, 2, 3, 0, 4);
    List<NDArray> keys = new ArrayList<>(layers);
    List<NDArray> values = new ArrayList<>(layers);
    for (int i = 0; i < layers; i++) {
      keys.add(split.get(i, 0)); // (heads, P, headDim)
      values.add(split.get(i, 1));
    }
    return new Tensors(keys, values);
  }

  @Override
  public TrainableHead head() {
    return head;
  }

  /** A shipped prefix in the MLP output's layout: {@code [p][layer][key, value][head][d]}. */
  private static NDArray flatBase(NDManager manager, DomainPrefix prefix, PlmConfig config) {
    int p = prefix.prefixLength();
    int layers = config.layers();
    int heads = config.heads();
    int headDim = config.headDim();
    float[] flat = new float[p * layers * 2 * heads * headDim];
    for (int layer = 0; layer < layers; layer++) {
      for (int kv = 0; kv < 2; kv++) {
        float[] source = DomainPrefix.copyOf(kv == 0 ? prefix.key(layer) : prefix.value(layer)); // (heads, P, headDim)
        for (int h = 0; h < heads; h++) {
          for (int slot = 0; slot < p; slot++) {
            System.arraycopy(source, (h * p + slot) * headDim, flat,
                (((slot * layers + layer) * 2 + kv) * heads + h) * headDim, headDim);
          }
        }
      }
    }
    return manager.create(flat, new Shape(p, (long) layers * 2 * heads * headDim));
  }

  /** A shipped prefix's keys and values as constant arrays. */
  static Tensors constant(NDManager manager, DomainPrefix prefix) {
    Shape shape = new Shape(prefix.heads(), prefix.prefixLength(), prefix.headDim());
    List<NDArray> keys = new ArrayList<>();
    List<NDArray> values = new ArrayList<>();
    for (int i = 0; i < prefix.layers(); i++) {
      keys.add(manager.create(prefix.key(i), shape));
      values.add(manager.create(prefix.value(i), shape));
    }
    return new Tensors(keys, values);
  }

  private static NDArray param(NDManager manager, float[] values, long... shape) {
    NDArray array = manager.create(values, new Shape(shape));
    array.setRequiresGradient(true);
    return array;
  }

  static float[] gaussian(Random random, int n, double std) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (random.nextGaussian() * std);
    }
    return out;
  }

  static float[] uniform(Random random, int n, double bound) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
    }
    return out;
  }
}
