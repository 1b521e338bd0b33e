package io.cpner.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * Rows of word-piece ids padded to the longest into one {@code (rows, seq)} id array and a matching
 * float mask (1 for a real token, 0 for padding), the encoder's inputs.
 */
public record PaddedIds(NDArray ids, NDArray mask, int seq) {
  /** Pads the rows; the arrays belong to {@code scope}. */
  public static PaddedIds of(NDManager scope, List<long[]> rows) {
    int seq = rows.stream().mapToInt(r -> r.length).max().orElseThrow();
    long[] ids = new long[rows.size() * seq];
    float[] mask = new float[rows.size() * seq];
    for (int r = 0; r < rows.size(); r++) {
      long[] row = rows.get(r);
      System.arraycopy(row, 0, ids, r * seq, row.length);
      Arrays.fill(mask, r * seq, r * seq + row.length, 1f);
    }
    Shape shape = new Shape(rows.size(), seq);
    return new PaddedIds(scope.create(ids, shape), scope.create(mask, shape), seq);
  }
}
