package io.cpner.training;

import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixMetadata;
import java.util.ArrayList;
import java.util.List;

/** A weighted sum of prefixes' keys and values (same shapes), e.g. the single-source starting point. */
final class PrefixAverage {
  private PrefixAverage() {}

  /** {@code sum_j weights[j] * p_j} per layer for keys and values, with the last prefix's head (and decoding) and the given metadata. */
  static DomainPrefix of(List<DomainPrefix> prefixes, double[] weights, PrefixMetadata metadata) {
    DomainPrefix first = prefixes.get(0);
    for (DomainPrefix p : prefixes) {
      if (p.prefixLength() != first.prefixLength() || p.layers() != first.layers() || p.heads() != first.heads()) {
        throw new IllegalArgumentException("cannot average prefix '" + p.domain() + "' (P=" + p.prefixLength()
            + ") with '" + first.domain() + "' (P=" + first.prefixLength() + "): shapes differ");
      }
    }
    List<float[]> keys = new ArrayList<>();
    List<float[]> values = new ArrayList<>();
    for (int layer = 0; layer < first.layers(); layer++) {
      float[] k = new float[first.key(layer).remaining()];
      float[] v = new float[k.length];
      for (int j = 0; j < prefixes.size(); j++) {
        float w = (float) weights[j];
        var pk = prefixes.get(j).key(layer);
        var pv = prefixes.get(j).value(layer);
        for (int i = 0; i < k.length; i++) {
          k[i] += w * pk.get(i);
          v[i] += w * pv.get(i);
        }
      }
      keys.add(k);
      values.add(v);
    }
    DomainPrefix owner = prefixes.get(prefixes.size() - 1);
    return owner.withKeysAndValues(metadata, keys, values);
  }
}
