package io.cpner.inference;

import io.cpner.model.Plm;
import io.cpner.model.onnx.PrefixedEncoderGraph.Precision;

/**
 * Which runtime runs the frozen encoder at inference time. Training always runs on PyTorch (it needs
 * gradients); both backends compute the same pass over the same weights (a parity test holds them
 * to the same entities).
 */
public enum EncoderBackend {
  /** libtorch through DJL, fp32. */
  PYTORCH(Precision.FP32),
  /**
   * ONNX Runtime over a graph built from the loaded weights, int8 (default) or fp32 linear layers
   * (the README's Performance and Precision sections give what int8 gains and costs).
   */
  ONNXRUNTIME(Precision.INT8);

  private final Precision defaultPrecision;

  EncoderBackend(Precision defaultPrecision) {
    this.defaultPrecision = defaultPrecision;
  }

  /** The precision this backend runs when none is chosen. */
  public Precision defaultPrecision() {
    return defaultPrecision;
  }

  /**
   * Opens an encoder.
   *
   * @param precision the ONNX graph's precision; PyTorch takes only FP32
   * @param intraOpThreads threads one forward pass may use (ONNX Runtime; PyTorch's are process-wide)
   */
  public RowEncoder open(Plm plm, Precision precision, int intraOpThreads) {
    if (this == PYTORCH) {
      if (precision != Precision.FP32) {
        throw new IllegalArgumentException("the pytorch backend runs fp32 only, found precision " + precision);
      }
      return new TorchRowEncoder(plm);
    }
    return OrtRowEncoder.open(plm, precision, intraOpThreads);
  }
}
