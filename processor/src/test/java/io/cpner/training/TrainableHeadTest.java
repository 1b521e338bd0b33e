package io.cpner.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.cpner.prefix.CrfTransitions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The CRF head's loss against brute force: log Z over every well-formed sequence minus the gold score. */
class TrainableHeadTest {
  private static final List<String> LABELS = List.of("O", "B-a", "I-a", "B-b", "I-b");
  private static final int L = LABELS.size();

  @Test
  void shouldComputeTheCrfNegativeLogLikelihoodPerWordAndItsGradient() {
    Random random = new Random(3);
    int in = 4;
    int[] rowLengths = {3, 1, 2};
    int[] gold = {1, 2, 0, 3, 0, 1}; // B-a I-a O | B-b | O B-a
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      TrainableHead head = new TrainableHead(manager, LABELS, in, 1, true, gaussian(random, in * L), gaussian(random, L), null);
      // give the CRF non-zero transitions to test them too
      head.parameters().get(2).set(gaussian(random, L * L));
      head.parameters().get(3).set(gaussian(random, L));
      head.parameters().get(4).set(gaussian(random, L));
      float[] features = gaussian(random, gold.length * in);
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray logits = head.logits(manager.create(features, new Shape(gold.length, in)));
        NDArray loss = head.loss(manager, logits, gold, rowLengths);
        // then it equals the brute-force value
        float[] e = logits.toFloatArray();
        CrfTransitions crf = head.crfValues();
        double expected = 0;
        int at = 0;
        for (int length : rowLengths) {
          expected += logZ(crf, e, at, length) - score(crf, e, at, gold, length);
          at += length;
        }
        assertEquals(expected / gold.length, loss.getFloat(), 1e-4);
        collector.backward(loss);
        // and every head parameter gets a gradient
        for (NDArray p : head.parameters()) {
          assertTrue(p.getGradient().abs().sum().getFloat() > 0, "no gradient for " + p.getShape());
        }
      }
    }
  }

  private static double score(CrfTransitions crf, float[] e, int at, int[] y, int n) {
    double s = crf.start(y[at]) + e[at * L + y[at]];
    for (int t = 1; t < n; t++) {
      s += crf.transition(y[at + t - 1], y[at + t]) + e[(at + t) * L + y[at + t]];
    }
    return s + crf.end(y[at + n - 1]);
  }

  private static double logZ(CrfTransitions crf, float[] e, int at, int n) {
    double z = 0;
    for (int code = 0; code < Math.pow(L, n); code++) {
      int[] y = new int[at + n];
      int c = code;
      for (int t = 0; t < n; t++) {
        y[at + t] = c % L;
        c /= L;
      }
      z += Math.exp(score(crf, e, at, y, n));
    }
    return Math.log(z);
  }

  private static float[] gaussian(Random random, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) random.nextGaussian();
    }
    return out;
  }
}
