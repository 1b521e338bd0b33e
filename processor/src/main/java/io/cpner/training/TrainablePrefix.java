package io.cpner.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * What the trainer optimises: something that yields, inside the autograd graph, per-layer prefix
 * keys and values {@code (heads, P, headDim)}, and a tagging head, from a list of trainable arrays.
 * A plain reparameterised prefix and a collaboratively fused one both are.
 */
interface TrainablePrefix {
  /** Per-layer prefix keys and values, each {@code (heads, P, headDim)}. */
  record Tensors(List<NDArray> keys, List<NDArray> values) {}

  /** Every array the optimiser updates, the head's included. */
  List<NDArray> parameters();

  /** The tagging head; its arrays are among {@link #parameters()} and learn at the head's learning rate. */
  TrainableHead head();

  /**
   * The prefix as the model sees it.
   *
   * @param training apply dropout
   */
  Tensors materialise(NDManager scope, boolean training);
}
