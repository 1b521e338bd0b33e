package io.cpner.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
  public float[] hiddenAt(List<long[]> rows, List<DomainPrefix> prefixes, long[] positions) {
    try (NDManager scope = plm.manager().newSubManager()) {
      PaddedIds input = PaddedIds.of(scope, rows);
      NDArray hidden = encoder.forward(scope, input.ids(), input.mask(),
          PrefixStacker.stack(scope, prefixes, plm.config().layers(), plm.config().heads(), plm.config().headDim()));
      NDArray flat = hidden.reshape((long) rows.size() * input.seq(), plm.config().hidden()); // (rows * seq, hidden)
      return TaggingHead.rowsAt(scope, flat, positions).toFloatArray();
    }
  }

  @Override
  public void close() {
    // the PLM's weights belong to the Plm
  }
}
