package io.cpner.model.onnx;

import com.google.protobuf.ByteString;
import io.cpner.model.onnx.OnnxProto.AttributeProto;
import io.cpner.model.onnx.OnnxProto.GraphProto;
import io.cpner.model.onnx.OnnxProto.ModelProto;
import io.cpner.model.onnx.OnnxProto.NodeProto;
import io.cpner.model.onnx.OnnxProto.OperatorSetIdProto;
import io.cpner.model.onnx.OnnxProto.TensorProto;
import io.cpner.model.onnx.OnnxProto.TensorShapeProto;
import io.cpner.model.onnx.OnnxProto.TypeProto;
import io.cpner.model.onnx.OnnxProto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an ONNX {@code ModelProto} with the classes protoc generates from {@code onnx.proto}: graph
 * inputs and outputs, float, int8 and int64 initializers, and nodes with int, float and ints
 * attributes.
 *
 * <p>Node outputs are named automatically ({@code op_N}); {@link #node} returns the name so that a
 * graph reads like the computation it describes.
 */
public final class OnnxModelWriter {
  /** ONNX element types used here. */
  public enum ElementType {
    FLOAT(TensorProto.DataType.FLOAT), INT8(TensorProto.DataType.INT8), UINT8(TensorProto.DataType.UINT8),
    INT32(TensorProto.DataType.INT32), INT64(TensorProto.DataType.INT64);

    final TensorProto.DataType code;

    ElementType(TensorProto.DataType code) {
      this.code = code;
    }
  }

  /** A node attribute: {@code value} is a Long, a Float or a long[]. */
  public record Attribute(String name, Object value) {}

  /** IR version 8 goes with opset 17..18 (onnx/helper.py's table). */
  private static final long IR_VERSION = 8;

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private int counter;

  /** Declares a graph input; each dim is a Long (fixed) or a String (symbolic, e.g. "batch"). */
  public OnnxModelWriter input(String name, ElementType type, Object... dims) {
    graph.addInput(valueInfo(name, type, dims));
    return this;
  }

  /** Declares a graph output. */
  public OnnxModelWriter output(String name, ElementType type, Object... dims) {
    graph.addOutput(valueInfo(name, type, dims));
    return this;
  }

  /** A float constant, row-major. Returns its name. */
  public String constant(String name, long[] dims, float[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    return tensor(name, dims, ElementType.FLOAT, raw.array());
  }

  /** An int64 constant. Returns its name. */
  public String constant(String name, long[] dims, long[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    return tensor(name, dims, ElementType.INT64, raw.array());
  }

  /** An int8 constant. Returns its name. */
  public String constant(String name, long[] dims, byte[] values) {
    return tensor(name, dims, ElementType.INT8, values);
  }

  /** A uint8 constant: {@code values} read as unsigned bytes. */
  public String unsignedConstant(String name, long[] dims, byte[] values) {
    return tensor(name, dims, ElementType.UINT8, values);
  }

  /** An ONNX-domain node with one output; returns the output's name. */
  public String node(String op, List<String> in, Attribute... attributes) {
    return node("", op, in, attributes);
  }

  /** A node of the given operator domain ("" for ONNX, "com.microsoft" for ONNX Runtime's own). */
  public String node(String domain, String op, List<String> in, Attribute... attributes) {
    return node(domain, op, in, 1, attributes).get(0);
  }

  /** A node with {@code outputs} outputs; returns their names in order. */
  public List<String> node(String domain, String op, List<String> in, int outputs, Attribute... attributes) {
    String name = op.toLowerCase() + "_" + counter++;
    List<String> out = new ArrayList<>();
    for (int i = 0; i < outputs; i++) {
      out.add(outputs == 1 ? name : name + "_" + i);
    }
    NodeProto.Builder node = NodeProto.newBuilder().addAllInput(in).addAllOutput(out).setName(name).setOpType(op);
    for (Attribute a : attributes) {
      node.addAttribute(attribute(a));
    }
    if (!domain.isEmpty()) {
      node.setDomain(domain);
    }
    graph.addNode(node);
    return out;
  }

  /** Gives a value a second name (an Identity node), e.g. to name a graph output. */
  public void rename(String from, String to) {
    graph.addNode(NodeProto.newBuilder().addInput(from).addOutput(to).setName(to).setOpType("Identity"));
  }

  /** The serialized model, importing the given ONNX opset and ONNX Runtime's contrib domain. */
  public byte[] toBytes(String graphName, int opset) {
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("cpner")
        .setGraph(graph.setName(graphName))
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(opset))
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1))
        .build()
        .toByteArray();
  }

  private String tensor(String name, long[] dims, ElementType type, byte[] raw) {
    graph.addInitializer(TensorProto.newBuilder()
        .addAllDims(java.util.Arrays.stream(dims).boxed().toList())
        .setDataType(type.code.getNumber())
        .setName(name)
        .setRawData(ByteString.copyFrom(raw)));
    return name;
  }

  private static ValueInfoProto valueInfo(String name, ElementType type, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String param) {
        dim.setDimParam(param);
      } else {
        dim.setDimValue(((Number) d).longValue());
      }
      shape.addDim(dim);
    }
    TypeProto.Tensor tensor = TypeProto.Tensor.newBuilder().setElemType(type.code.getNumber()).setShape(shape).build();
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
  }

  private static AttributeProto attribute(Attribute a) {
    AttributeProto.Builder b = AttributeProto.newBuilder().setName(a.name());
    Object v = a.value();
    if (v instanceof Float f) {
      return b.setF(f).setType(AttributeProto.AttributeType.FLOAT).build();
    } else if (v instanceof Long i) {
      return b.setI(i).setType(AttributeProto.AttributeType.INT).build();
    } else if (v instanceof long[] ints) {
      return b.addAllInts(java.util.Arrays.stream(ints).boxed().toList()).setType(AttributeProto.AttributeType.INTS).build();
    }
    throw new IllegalArgumentException("attribute " + a.name() + ": unsupported value " + v);
  }
}
