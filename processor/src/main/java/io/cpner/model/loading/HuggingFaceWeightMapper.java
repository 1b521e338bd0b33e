package io.cpner.model.loading;

import io.cpner.model.PlmWeights.HostTensor;
import io.cpner.model.safetensors.Safetensors;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Names the tensors of a Hugging Face BERT-family {@code model.safetensors} the way
 * {@link PlmWeights} expects: without the model prefix ({@code bert.}, {@code roberta.}), old
 * {@code gamma/beta} layer-norm names renamed, and every linear weight transposed from PyTorch's
 * {@code (out, in)} to {@code (in, out)}.
 */
final class HuggingFaceWeightMapper {
  private static final Pattern MODEL_PREFIX = Pattern.compile("^(bert|roberta|electra|model)\\.");
  private static final Pattern LINEAR_WEIGHT =
      Pattern.compile(".*\\.(query|key|value|dense)\\.weight$");

  private HuggingFaceWeightMapper() {}

  static Map<String, HostTensor> bertWeights(Safetensors.Contents contents) {
    Map<String, HostTensor> named = new HashMap<>();
    contents.tensors().forEach((rawName, tensor) -> {
      if (!tensor.type().isFloatingPoint()) {
        return; // e.g. the int64 position_ids buffer some checkpoints carry
      }
      String name = MODEL_PREFIX.matcher(rawName).replaceFirst("")
          .replace("LayerNorm.gamma", "LayerNorm.weight")
          .replace("LayerNorm.beta", "LayerNorm.bias");
      long[] shape = tensor.shape();
      float[] values = tensor.toFloats();
      if (LINEAR_WEIGHT.matcher(name).matches() && name.startsWith("encoder.") && shape.length == 2) {
        named.put(name, new HostTensor(new long[] {shape[1], shape[0]}, transpose(values, (int) shape[0], (int) shape[1])));
      } else {
        named.put(name, new HostTensor(shape, values));
      }
    });
    return named;
  }

  /** The transpose of a row-major {@code (rows, cols)} matrix. */
  static float[] transpose(float[] m, int rows, int cols) {
    float[] t = new float[m.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = m[r * cols + c];
      }
    }
    return t;
  }
}
