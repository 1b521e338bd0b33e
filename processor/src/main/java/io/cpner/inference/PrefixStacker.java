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
 * Lays out one forward pass's prefixes from each row's domain prefix: rows are stacked, shorter
 * prefixes (and rows without one) are zero-padded to the longest and masked out. The host-side
 * layout is shared by both encoder backends; {@link #stack} makes DJL arrays of it.
 */
final class PrefixStacker {
  private PrefixStacker() {}

  /** Prefix slots of the pass: the longest prefix among the rows (0 if none has one). */
  static int slots(List<DomainPrefix> rowPrefixes) {
    return rowPrefixes.stream().mapToInt(p -> p == null ? 0 : p.prefixLength()).max().orElse(0);
  }

  /** {@code (rows, slots)}: 1 for a row's real prefix slot, 0 for padding. */
  static float[] mask(List<DomainPrefix> rowPrefixes, int slots) {
    float[] mask = new float[rowPrefixes.size() * slots];
    for (int r = 0; r < rowPrefixes.size(); r++) {
      DomainPrefix p = rowPrefixes.get(r);
      for (int s = 0; p != null && s < p.prefixLength(); s++) {
        mask[r * slots + s] = 1f;
      }
    }
    return mask;
  }

  /**
   * Writes one layer's keys or values, {@code (rows, heads, slots, headDim)} row-major and
   * zero-padded, at {@code out}'s position (which must hold zeros where padding goes).
   */
  static void gather(List<DomainPrefix> rowPrefixes, int layer, boolean key, int heads, int slots, int headDim,
      FloatBuffer out) {
    int base = out.position();
    for (int r = 0; r < rowPrefixes.size(); r++) {
      DomainPrefix p = rowPrefixes.get(r);
      if (p == null || p.prefixLength() == 0) {
        continue;
      }
      FloatBuffer src = key ? p.key(layer) : p.value(layer); // (heads, P, headDim)
      if (p.prefixLength() == slots) { // the common case: one run per row
        out.position(base + r * heads * slots * headDim);
        out.put(src);
        continue;
      }
      int run = p.prefixLength() * headDim;
      for (int h = 0; h < heads; h++) {
        src.limit((h + 1) * run).position(h * run);
        out.position(base + ((r * heads + h) * slots) * headDim);
        out.put(src);
      }
    }
    out.position(base + rowPrefixes.size() * heads * slots * headDim);
  }

  /**
   * The pass's prefixes as DJL arrays.
   *
   * @param rowPrefixes one entry per row, null for a row that runs the plain model
   * @return the batch, or null when no row has any prefix slot
   */
  static PrefixBatch stack(NDManager scope, List<DomainPrefix> rowPrefixes, int layers, int heads, int headDim) {
    int rows = rowPrefixes.size();
    int slots = slots(rowPrefixes);
    if (slots == 0) {
      return null;
    }
    Shape shape = new Shape(rows, heads, slots, headDim);
    List<NDArray> keys = new ArrayList<>(layers);
    List<NDArray> values = new ArrayList<>(layers);
    for (int layer = 0; layer < layers; layer++) {
      for (boolean key : new boolean[] {true, false}) {
        FloatBuffer host = FloatBuffer.allocate((int) shape.size());
        gather(rowPrefixes, layer, key, heads, slots, headDim, host);
        (key ? keys : values).add(scope.create(host.flip(), shape));
      }
    }
    return new PrefixBatch(keys, values, scope.create(mask(rowPrefixes, slots), new Shape(rows, slots)));
  }
}
