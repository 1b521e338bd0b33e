package io.cpner.ops.bench.measure;

import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Many distinct domains for scale tests: each a copy of a real prefix with its own small random
 * perturbation of every key and value, under its own name, so that no two rows of a batch share
 * prefix memory and every domain holds its own tensors.
 */
public final class SyntheticDomains {
  private SyntheticDomains() {}

  /** {@code count} domains named {@code synthetic-0000...}, cycling through {@code bases}. */
  public static List<DomainPrefix> derive(List<DomainPrefix> bases, int count, long seed) {
    Random random = new Random(seed);
    List<DomainPrefix> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      DomainPrefix base = bases.get(i % bases.size());
      PrefixMetadata m = base.metadata();
      PrefixMetadata named = new PrefixMetadata(String.format("synthetic-%04d", i), 1, m.kind(), m.labels(), m.sources(),
          m.trainingDataSha256(), m.devF1(), m.plmId(), m.plmSha256(), m.prefixLength(), m.headInput(), m.tensorsSha256(),
          m.createdAt());
      List<float[]> keys = new ArrayList<>();
      List<float[]> values = new ArrayList<>();
      for (int layer = 0; layer < base.layers(); layer++) {
        keys.add(perturbed(DomainPrefix.copyOf(base.key(layer)), random));
        values.add(perturbed(DomainPrefix.copyOf(base.value(layer)), random));
      }
      out.add(new DomainPrefix(named, base.heads(), base.headDim(), keys, values,
          DomainPrefix.copyOf(base.headWeight()), DomainPrefix.copyOf(base.headBias())));
    }
    return out;
  }

  private static float[] perturbed(float[] values, Random random) {
    for (int i = 0; i < values.length; i++) {
      values[i] += (float) random.nextGaussian() * 0.01f;
    }
    return values;
  }

  /** Bytes of a prefix's tensors: keys and values of every layer, head weight and bias, as float32. */
  public static long tensorBytes(DomainPrefix p) {
    long floats = 2L * p.layers() * p.heads() * p.prefixLength() * p.headDim()
        + p.headWeight().remaining() + p.headBias().remaining();
    return floats * Float.BYTES;
  }
}
