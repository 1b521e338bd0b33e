package io.cpner.model.onnx;

import io.cpner.model.PlmWeights.HostTensor;
import io.cpner.model.onnx.OnnxGraphReader.Graph;
import io.cpner.model.onnx.OnnxGraphReader.Initializer;
import io.cpner.model.onnx.OnnxGraphReader.Node;
import java.util.HashMap;
import java.util.Map;

/**
 * Names the initializers of a BERT ONNX export in Hugging Face style.
 *
 * <p>Biases and norms keep their PyTorch names, but the exporter renames every MatMul weight to
 * {@code onnx::MatMul_N}. The node that consumes it carries the module path instead, e.g.
 * {@code /encoder/layer.0/attention/self/query/MatMul}, which maps to
 * {@code encoder.layer.0.attention.self.query.weight}. ONNX MatMul weights are already {@code (in, out)}.
 */
public final class OnnxWeightMapper {
  private OnnxWeightMapper() {}

  public static Map<String, HostTensor> bertWeights(Graph graph) {
    Map<String, HostTensor> named = new HashMap<>();
    for (Initializer init : graph.initializers().values()) {
      if (!init.name().startsWith("onnx::")) {
        named.put(stripModelPrefix(init.name()), new HostTensor(init.shape(), init.values()));
      }
    }
    for (Node node : graph.nodes()) {
      if (!node.opType().equals("MatMul") || !node.name().endsWith("/MatMul")) {
        continue;
      }
      for (String input : node.inputs()) {
        Initializer weight = graph.initializers().get(input);
        if (weight != null) {
          String module = node.name().substring(1, node.name().length() - "/MatMul".length()).replace('/', '.');
          named.put(stripModelPrefix(module) + ".weight", new HostTensor(weight.shape(), weight.values()));
        }
      }
    }
    return named;
  }

  private static String stripModelPrefix(String name) {
    return name.startsWith("bert.") ? name.substring("bert.".length()) : name;
  }
}
