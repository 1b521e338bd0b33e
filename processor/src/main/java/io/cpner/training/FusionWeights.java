package io.cpner.training;

/**
 * How multi-source fusion weighs its sources: CP-NER's combination, and the ablations that show
 * what each half of it contributes. The fused prefix is {@code (p_t + sum_j w_j p_j) / 2} in every case.
 */
public enum FusionWeights {
  /** CP-NER: {@code w = (s / sum(s) + l) / 2}, prefix similarity through a trained projection plus label similarity. */
  LEARNED,
  /** Every source alike, {@code w_j = 1 / sources}. */
  UNIFORM,
  /** Prefix similarity alone, {@code w = s / sum(s)} (the projection still trains). */
  PREFIX_SIMILARITY,
  /** Label similarity alone, {@code w = l}, fixed. */
  LABEL_SIMILARITY;

  /** Whether the prefix-similarity projection takes part (and so trains). */
  boolean usesProjection() {
    return this == LEARNED || this == PREFIX_SIMILARITY;
  }
}
