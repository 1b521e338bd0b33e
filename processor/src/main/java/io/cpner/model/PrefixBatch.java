package io.cpner.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Per-row attention prefixes for one forward pass: for every layer, keys and values of shape
 * {@code (batch, heads, P, headDim)}, and a mask {@code (batch, P)} with 1 for a real prefix slot
 * and 0 for padding. Rows whose domain has a shorter prefix, or none, are padded and masked, so one
 * batch can mix domains freely.
 */
public record PrefixBatch(List<NDArray> keys, List<NDArray> values, NDArray mask) {
  public PrefixBatch {
    if (keys.size() != values.size()) {
      throw new IllegalArgumentException("prefix keys and values must cover the same layers: " + keys.size() + " vs " + values.size());
    }
    keys = List.copyOf(keys);
    values = List.copyOf(values);
  }

  /** Prefix slots per row (the longest prefix in the batch). */
  public long length() {
    return mask.getShape().get(1);
  }
}
