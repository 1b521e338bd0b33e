package io.cpner.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cpner.model.PrefixBatch;
import io.cpner.prefix.DomainPrefix;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds one forward pass's {@link PrefixBatch} from each row's domain prefix: rows are stacked,
 * shorter prefixes (and rows without one) are zero-padded to the longest and masked out.
 */
final class PrefixStacker {
  private PrefixStacker() {}

  /**
   * @param rowPrefixes one entry per row, null for a row that runs the plain model
   * @return the batch, or null when no row has any prefix slot
   */
  static PrefixBatch stack(NDManager scope, List<DomainPrefix> rowPrefixes, int layers, int heads, int headDim) {
    int rows = rowPrefixes.size();
    int slots = rowPrefixes.stream().mapToInt(p -> p == null ? 0 : p.prefixLength()).max().orElse(0);
    if (slots == 0) {
      return null;
    }
    float[] mask = new float[rows * slots]; // (rows, slots)
    for (int r = 0; r < rows; r++) {
      DomainPrefix p = rowPrefixes.get(r);
      for (int s = 0; p != null && s < p.prefixLength(); s++) {
        mask[r * slots + s] = 1f;
      }
    }
    Shape shape = new Shape(rows, heads, slots, headDim);
    List<NDArray> keys = new ArrayList<>(layers);
    List<NDArray> values = new ArrayList<>(layers);
    for (int layer = 0; layer < layers; layer++) {
      keys.add(scope.create(gather(rowPrefixes, layer, true, heads, slots, headDim), shape));
      values.add(scope.create(gather(rowPrefixes, layer, false, heads, slots, headDim), shape));
    }
    return new PrefixBatch(keys, values, scope.create(mask, new Shape(rows, slots)));
  }

  /** Row-major {@code (rows, heads, slots, headDim)} of one layer's keys or values, zero-padded. */
  private static float[] gather(List<DomainPrefix> rowPrefixes, int layer, boolean key, int heads, int slots, int headDim) {
    float[] out = new float[rowPrefixes.size() * heads * slots * headDim];
    for (int r = 0; r < rowPrefixes.size(); r++) {
      DomainPrefix p = rowPrefixes.get(r);
      if (p == null || p.prefixLength() == 0) {
        continue;
      }
      FloatBuffer src = key ? p.key(layer) : p.value(layer); // (heads, P, headDim)
      int run = p.prefixLength() * headDim;
      for (int h = 0; h < heads; h++) {
        src.position(h * run);
        src.get(out, ((r * heads + h) * slots) * headDim, run);
      }
    }
    return out;
  }
}
