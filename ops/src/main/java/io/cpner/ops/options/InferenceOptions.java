package io.cpner.ops.options;

import io.cpner.inference.EncoderBackend;
import io.cpner.inference.EngineOptions;
import io.cpner.inference.NerEngine;
import io.cpner.model.Plm;
import io.cpner.model.onnx.PrefixedEncoderGraph.Precision;
import picocli.CommandLine.Option;

/** The encoder runtime options shared by the commands that tag: the same choices as the processor's inference.* keys. */
public final class InferenceOptions {
  @Option(names = "--backend", defaultValue = "ONNXRUNTIME",
      description = "Encoder runtime: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  EncoderBackend backend;

  @Option(names = "--precision",
      description = "Linear layers: ${COMPLETION-CANDIDATES} (default: the backend's, INT8 on ONNXRUNTIME, FP32 on PYTORCH).")
  Precision precision;

  @Option(names = "--threads", defaultValue = "0", description = "Threads of a forward pass; 0 = every core (default ${DEFAULT-VALUE}).")
  int threads;

  public NerEngine open(Plm plm) {
    int intraOp = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    return new NerEngine(plm, EngineOptions.defaults(plm.maxPieces()), backend.open(plm, precision == null ? backend.defaultPrecision() : precision, intraOp));
  }
}
