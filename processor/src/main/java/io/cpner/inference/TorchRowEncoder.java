package io.cpner.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cpner.inference.decoding.TaggingHead;
import io.cpner.model.LayerMix;
import io.cpner.model.Plm;
import io.cpner.model.PrefixedEncoder;
import io.cpner.prefix.DomainPrefix;
import java.util.List;

/** The encoder on libtorch through DJL: the same pass training differentiates through. */
final class TorchRowEncoder implements RowEncoder {
  private final Plm plm;
  private final PrefixedEncoder encoder;

  TorchRowEncoder(Plm plm) {
    this.plm = plm;
    this.encoder = new PrefixedEncoder(plm);
  }

  @Override
  public float[] hiddenAt(List<long[]> rows, List<DomainPrefix> prefixes, long[] positions, float[] layerMix) {
    int exposed = exposedLayers();
    try (NDManager scope = plm.manager().newSubManager()) {
      PaddedIds input = PaddedIds.of(scope, rows);
      List<NDArray> layers = encoder.forwardLayers(scope, input.ids(), input.mask(),
          PrefixStacker.stack(scope, prefixes, plm.config().layers(), plm.config().heads(), plm.config().headDim()), exposed);
      NDArray mix = scope.create(layerMix, new Shape(positions.length, exposed));
      return TaggingHead.mixAt(scope, layers, positions, mix).toFloatArray();
    }
  }

  @Override
  public int exposedLayers() {
    return LayerMix.layers(plm.config());
  }

  @Override
  public void close() {
    // the PLM's weights belong to the Plm
  }
}
