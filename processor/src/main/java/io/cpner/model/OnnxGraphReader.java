package io.cpner.model;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the parts of an ONNX {@code ModelProto} that weight loading needs: the graph's float
 * initializers (name, shape, values) and its nodes (name, op type, inputs, outputs).
 *
 * <p>It decodes the protobuf wire format directly with field numbers from {@code onnx.proto}, so no
 * generated classes are needed. Anything it does not need (attributes, value infos, docs) is skipped.
 */
public final class OnnxGraphReader {
  /** A float initializer: row-major values of the given shape. */
  public record Initializer(String name, long[] shape, float[] values) {}

  /** A graph node: its name, operator and the names of its input and output values. */
  public record Node(String name, String opType, List<String> inputs, List<String> outputs) {}

  /** What weight loading needs of a graph. */
  public record Graph(Map<String, Initializer> initializers, List<Node> nodes) {}

  // onnx.proto field numbers
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_NAME = 3;
  private static final int NODE_OP_TYPE = 4;
  private static final int TENSOR_DIMS = 1;
  private static final int TENSOR_DATA_TYPE = 2;
  private static final int TENSOR_FLOAT_DATA = 4;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_RAW_DATA = 9;
  private static final int TENSOR_DATA_LOCATION = 14;
  private static final int DATA_TYPE_FLOAT = 1;

  private OnnxGraphReader() {}

  /**
   * Parses a serialized ONNX model.
   *
   * @param source a name for error messages (file or resource)
   * @throws IllegalArgumentException if the bytes hold no graph or a tensor is malformed
   */
  public static Graph read(byte[] model, String source) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(model);
      in.setSizeLimit(Integer.MAX_VALUE);
      Graph graph = null;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (WireFormat.getTagFieldNumber(tag) == MODEL_GRAPH) {
          graph = readGraph(in.readBytes().newCodedInput(), source);
        } else {
          in.skipField(tag);
        }
      }
      if (graph == null) {
        throw new IllegalArgumentException(
            source + ": expected an ONNX ModelProto with a graph (field 7), found none ("
                + model.length + " bytes); is this an ONNX file?");
      }
      return graph;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          source + ": expected an ONNX ModelProto, found bytes that are not valid protobuf: " + e.getMessage(), e);
    }
  }

  private static Graph readGraph(CodedInputStream in, String source) throws IOException {
    in.setSizeLimit(Integer.MAX_VALUE);
    Map<String, Initializer> initializers = new LinkedHashMap<>();
    List<Node> nodes = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case GRAPH_NODE -> nodes.add(readNode(in.readBytes().newCodedInput()));
        case GRAPH_INITIALIZER -> {
          Initializer init = readTensor(in.readBytes().newCodedInput(), source);
          if (init != null) {
            initializers.put(init.name(), init);
          }
        }
        default -> in.skipField(tag);
      }
    }
    return new Graph(Map.copyOf(initializers), List.copyOf(nodes));
  }

  private static Node readNode(CodedInputStream in) throws IOException {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    String name = "";
    String opType = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case NODE_INPUT -> inputs.add(in.readString());
        case NODE_OUTPUT -> outputs.add(in.readString());
        case NODE_NAME -> name = in.readString();
        case NODE_OP_TYPE -> opType = in.readString();
        default -> in.skipField(tag);
      }
    }
    return new Node(name, opType, List.copyOf(inputs), List.copyOf(outputs));
  }

  /** Returns the tensor as floats, or null for a non-float initializer (e.g. int64 shape constants). */
  private static Initializer readTensor(CodedInputStream in, String source) throws IOException {
    in.setSizeLimit(Integer.MAX_VALUE);
    List<Long> dims = new ArrayList<>();
    int dataType = 0;
    String name = "";
    byte[] raw = null;
    List<Float> floatData = new ArrayList<>();
    boolean external = false;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      int wire = WireFormat.getTagWireType(tag);
      if (field == TENSOR_DIMS && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int limit = in.pushLimit(in.readRawVarint32());
        while (in.getBytesUntilLimit() > 0) {
          dims.add(in.readInt64());
        }
        in.popLimit(limit);
      } else if (field == TENSOR_DIMS) {
        dims.add(in.readInt64());
      } else if (field == TENSOR_DATA_TYPE) {
        dataType = in.readInt32();
      } else if (field == TENSOR_FLOAT_DATA && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int limit = in.pushLimit(in.readRawVarint32());
        while (in.getBytesUntilLimit() > 0) {
          floatData.add(in.readFloat());
        }
        in.popLimit(limit);
      } else if (field == TENSOR_FLOAT_DATA) {
        floatData.add(in.readFloat());
      } else if (field == TENSOR_NAME) {
        name = in.readString();
      } else if (field == TENSOR_RAW_DATA) {
        raw = in.readByteArray();
      } else if (field == TENSOR_DATA_LOCATION) {
        external = in.readEnum() == 1;
      } else {
        in.skipField(tag);
      }
    }
    if (dataType != DATA_TYPE_FLOAT) {
      return null;
    }
    if (external) {
      throw new IllegalArgumentException(
          source + ": initializer '" + name + "' keeps its data in an external file; expected inline data");
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    float[] values;
    if (raw != null) {
      values = new float[raw.length / Float.BYTES];
      ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    } else {
      values = new float[floatData.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = floatData.get(i);
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
