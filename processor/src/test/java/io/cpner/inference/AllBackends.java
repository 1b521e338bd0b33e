package io.cpner.inference;

import io.cpner.model.Plm;
import io.cpner.model.onnx.PrefixedEncoderGraph.Precision;

/** One encoder of each backend and precision over the same PLM, for parity tests; closing closes all. */
record AllBackends(RowEncoder torch, RowEncoder ortFp32, RowEncoder ortInt8) implements AutoCloseable {
  static AllBackends open(Plm plm) {
    return new AllBackends(EncoderBackend.PYTORCH.open(plm, Precision.FP32, 2),
        EncoderBackend.ONNXRUNTIME.open(plm, Precision.FP32, 2), EncoderBackend.ONNXRUNTIME.open(plm, Precision.INT8, 2));
  }

  @Override
  public void close() {
    torch.close();
    ortFp32.close();
    ortInt8.close();
  }
}
