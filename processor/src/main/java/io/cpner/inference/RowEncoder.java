package io.cpner.inference;

import io.cpner.prefix.DomainPrefix;
import java.util.List;

/**
 * Runs the frozen encoder over one forward pass: rows of word-piece ids, each attending to its own
 * domain's prefix, padded to the longest row. Returns only the hidden states the heads read.
 * Implementations are thread-safe; {@link EncoderBackend} names them.
 */
public interface RowEncoder extends AutoCloseable {
  /**
   * @param rows word-piece ids per row, [CLS] and [SEP] in place, any lengths
   * @param prefixes one per row (null: the plain model)
   * @param positions flat indices {@code row * seq + position}, where {@code seq} is the longest row
   * @return the last hidden state at each position, {@code (positions, hidden)} row-major
   */
  float[] hiddenAt(List<long[]> rows, List<DomainPrefix> prefixes, long[] positions);

  /** Frees native resources (a session); the encoder must not be used afterwards. */
  @Override
  void close();
}
