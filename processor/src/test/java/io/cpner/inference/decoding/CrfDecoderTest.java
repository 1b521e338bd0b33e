package io.cpner.inference.decoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.eval.BioTransitions;
import io.cpner.prefix.CrfTransitions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Viterbi and forward-backward against brute-force enumeration of every label sequence. */
class CrfDecoderTest {
  private static final List<String> LABELS = List.of("O", "B-a", "I-a", "B-b", "I-b");
  private static final int L = LABELS.size();

  @Test
  void shouldFindTheBestWellFormedSequenceAndExactSpanProbabilities() {
    Random random = new Random(7);
    for (int trial = 0; trial < 20; trial++) {
      int n = 1 + random.nextInt(5);
      CrfTransitions crf = CrfTransitions.of(LABELS, gaussian(random, L * L, 2), gaussian(random, L, 1), gaussian(random, L, 1));
      float[] emissions = gaussian(random, n * L, 3);
      CrfDecoder decoder = new CrfDecoder(crf, emissions, n);
      // brute force over all L^n sequences
      double z = 0;
      double best = Double.NEGATIVE_INFINITY;
      int[] bestPath = null;
      double spanMass = 0; // P(words [0, 2) form one entity of type a), when n >= 2
      double[] label0 = new double[L];
      for (int code = 0; code < Math.pow(L, n); code++) {
        int[] y = decodeIndex(code, n);
        double s = score(crf, emissions, y);
        if (s == Double.NEGATIVE_INFINITY) {
          continue;
        }
        z += Math.exp(s);
        label0[y[0]] += Math.exp(s);
        if (s > best) {
          best = s;
          bestPath = y;
        }
        if (n >= 2 && y[0] == 1 && y[1] == 2 && (n == 2 || y[2] != 2)) {
          spanMass += Math.exp(s);
        }
      }
      assertArrayEquals(bestPath, decoder.viterbi(), "trial " + trial);
      for (int y = 0; y < L; y++) {
        assertEquals(label0[y] / z, decoder.labelProbability(0, y), 1e-9);
      }
      if (n >= 2) {
        assertEquals(spanMass / z, decoder.spanProbability(0, 2, 1, 2), 1e-9, "trial " + trial);
      }
    }
  }

  @Test
  void shouldNeverStartOrContinueWithAnInsideLabelThatBioForbids() {
    // given emissions that all but demand I-b, then I-a: an argmax per word would emit "I-b I-a"
    CrfTransitions crf = CrfTransitions.of(LABELS, new float[L * L], new float[L], new float[L]);
    float[] emissions = {0, 0, 0, 0, 9, 0, 0, 9, 0, 0};
    int[] path = new CrfDecoder(crf, emissions, 2).viterbi();
    // then the decoded sequence is well formed
    boolean[][] allowed = BioTransitions.allowed(LABELS);
    assertTrue(BioTransitions.allowedAtStart(LABELS)[path[0]], "starts with " + LABELS.get(path[0]));
    assertTrue(allowed[path[0]][path[1]], LABELS.get(path[0]) + " -> " + LABELS.get(path[1]));
  }

  private static double score(CrfTransitions crf, float[] emissions, int[] y) {
    double s = crf.start(y[0]) + emissions[y[0]];
    for (int t = 1; t < y.length; t++) {
      s += crf.transition(y[t - 1], y[t]) + emissions[t * L + y[t]];
    }
    return s + crf.end(y[y.length - 1]);
  }

  private static int[] decodeIndex(int code, int n) {
    int[] y = new int[n];
    for (int t = 0; t < n; t++) {
      y[t] = code % L;
      code /= L;
    }
    return y;
  }

  static float[] gaussian(Random random, int n, double std) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (random.nextGaussian() * std);
    }
    return out;
  }
}
