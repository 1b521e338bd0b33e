package io.cpner.model.onnx;

import com.google.protobuf.CodedInputStream;
import io.cpner.model.onnx.OnnxProto.ModelProto;
import io.cpner.model.onnx.OnnxProto.NodeProto;
import io.cpner.model.onnx.OnnxProto.TensorProto;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the parts of an ONNX {@code ModelProto} that weight loading needs: the graph's float
 * initializers (name, shape, values) and its nodes (name, op type, inputs, outputs).
 *
 * <p>It parses with the classes protoc generates from {@code onnx.proto} (src/main/proto).
 */
public final class OnnxGraphReader {
  /** A float initializer: row-major values of the given shape. */
  public record Initializer(String name, long[] shape, float[] values) {}

  /** A graph node: its name, operator and the names of its input and output values. */
  public record Node(String name, String opType, List<String> inputs, List<String> outputs) {}

  /** What weight loading needs of a graph. */
  public record Graph(Map<String, Initializer> initializers, List<Node> nodes) {}

  private OnnxGraphReader() {}

  /**
   * Parses a serialized ONNX model.
   *
   * @param source a name for error messages (file or resource)
   * @throws IllegalArgumentException if the bytes hold no graph or a tensor is malformed
   */
  public static Graph read(byte[] model, String source) {
    ModelProto proto;
    try {
      CodedInputStream in = CodedInputStream.newInstance(model);
      in.setSizeLimit(Integer.MAX_VALUE);
      proto = ModelProto.parseFrom(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          source + ": expected an ONNX ModelProto, found bytes that are not valid protobuf: " + e.getMessage(), e);
    }
    if (!proto.hasGraph()) {
      throw new IllegalArgumentException(source + ": expected an ONNX ModelProto with a graph (field 7), found none ("
          + model.length + " bytes); is this an ONNX file?");
    }
    Map<String, Initializer> initializers = new LinkedHashMap<>();
    for (TensorProto tensor : proto.getGraph().getInitializerList()) {
      Initializer init = floats(tensor, source);
      if (init != null) {
        initializers.put(init.name(), init);
      }
    }
    List<Node> nodes = new ArrayList<>();
    for (NodeProto n : proto.getGraph().getNodeList()) {
      nodes.add(new Node(n.getName(), n.getOpType(), List.copyOf(n.getInputList()), List.copyOf(n.getOutputList())));
    }
    return new Graph(Map.copyOf(initializers), List.copyOf(nodes));
  }

  /** The tensor as floats, or null for a non-float initializer (e.g. int64 shape constants). */
  private static Initializer floats(TensorProto tensor, String source) {
    if (tensor.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
      return null;
    }
    String name = tensor.getName();
    if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      throw new IllegalArgumentException(
          source + ": initializer '" + name + "' keeps its data in an external file; expected inline data");
    }
    long[] shape = tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    float[] values;
    if (tensor.hasRawData()) {
      values = new float[tensor.getRawData().size() / Float.BYTES];
      tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    } else {
      values = new float[tensor.getFloatDataCount()];
      for (int i = 0; i < values.length; i++) {
        values[i] = tensor.getFloatData(i);
      }
    }
    if (values.length != count) {
      throw new IllegalArgumentException(
          source + ": initializer '" + name + "' has shape " + java.util.Arrays.toString(shape)
              + " (" + count + " values) but holds " + values.length + " values");
    }
    return new Initializer(name, shape, values);
  }
}
