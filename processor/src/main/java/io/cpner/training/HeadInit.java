package io.cpner.training;

import io.cpner.prefix.DomainPrefix;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Random;

/**
 * Initial head weights: a column for a label that a source domain also has (B-person, I-location,
 * O, ...) starts from the mean of those sources' columns; every other column starts random.
 */
record HeadInit(float[] weight, float[] bias) {
  static HeadInit from(List<String> labels, int in, List<DomainPrefix> sources, Random random) {
    int n = labels.size();
    float[] weight = ReparameterizedPrefix.uniform(random, in * n, 1.0 / Math.sqrt(in));
    float[] bias = new float[n];
    for (int l = 0; l < n; l++) {
      int count = 0;
      float[] column = new float[in];
      float b = 0;
      for (DomainPrefix source : sources) {
        int sl = source.labels().indexOf(labels.get(l));
        if (sl < 0 || source.headInputWidth() != in) {
          continue;
        }
        FloatBuffer w = source.headWeight();
        int sn = source.labels().size();
        for (int i = 0; i < in; i++) {
          column[i] += w.get(i * sn + sl);
        }
        b += source.headBias().get(sl);
        count++;
      }
      if (count > 0) {
        for (int i = 0; i < in; i++) {
          weight[i * n + l] = column[i] / count;
        }
        bias[l] = b / count;
      }
    }
    return new HeadInit(weight, bias);
  }
}
