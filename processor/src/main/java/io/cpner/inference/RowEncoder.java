package io.cpner.inference;

import io.cpner.model.LayerMix;
import io.cpner.prefix.DomainPrefix;
import java.util.List;

/**
 * Runs the frozen encoder over one forward pass: rows of word-piece ids, each attending to its own
 * domain's prefix, padded to the longest row. Returns only what the heads read: at each word, its
 * domain's weighted sum of the last layers.
 * Implementations are thread-safe; {@link EncoderBackend} names them.
 */
public interface RowEncoder extends AutoCloseable {
  /**
   * @param rows word-piece ids per row, [CLS] and [SEP] in place, any lengths
   * @param prefixes one per row (null: the plain model)
   * @param positions flat indices {@code row * seq + position}, where {@code seq} is the longest row
   * @param layerMix {@code (positions, LayerMix.layers)} row-major: each position's weights over the
   *     last layers, oldest first ({@link LayerMix#write})
   * @return at each position the weighted sum of the last layers' hidden states, {@code (positions,
   *     hidden)} row-major
   */
  float[] hiddenAt(List<long[]> rows, List<DomainPrefix> prefixes, long[] positions, float[] layerMix);

  /** {@link #hiddenAt(List, List, long[], float[])} of the last layer alone. */
  default float[] hiddenAt(List<long[]> rows, List<DomainPrefix> prefixes, long[] positions) {
    int exposedLayers = exposedLayers();
    float[] mix = new float[positions.length * exposedLayers];
    for (int p = 0; p < positions.length; p++) {
      LayerMix.write(DomainPrefix.LAST_LAYER_ONLY, exposedLayers, mix, p * exposedLayers);
    }
    return hiddenAt(rows, prefixes, positions, mix);
  }

  /** How many last layers {@code layerMix} weighs ({@link LayerMix#layers} of the PLM). */
  int exposedLayers();

  /** Frees native resources (a session); the encoder must not be used afterwards. */
  @Override
  void close();
}
