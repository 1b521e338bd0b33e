package io.cpner.model;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an ONNX {@code ModelProto}: graph inputs and outputs, float and int64 initializers, and
 * nodes with int, float and ints attributes. The counterpart of {@link OnnxGraphReader}: it encodes
 * the protobuf wire format directly with field numbers from {@code onnx.proto}.
 *
 * <p>Node outputs are named automatically ({@code op_N}); {@link #node} returns the name so that a
 * graph reads like the computation it describes.
 */
public final class OnnxModelWriter {
  /** ONNX element types used here. */
  public enum ElementType {
    FLOAT(1), INT8(3), INT64(7);

    final int code;

    ElementType(int code) {
      this.code = code;
    }
  }

  /** A node attribute: {@code value} is a Long, a Float or a long[]. */
  public record Attribute(String name, Object value) {}

  // onnx.proto field numbers
  private static final int MODEL_IR_VERSION = 1;
  private static final int MODEL_PRODUCER = 2;
  private static final int MODEL_GRAPH = 7;
  private static final int MODEL_OPSET = 8;
  private static final int OPSET_DOMAIN = 1;
  private static final int OPSET_VERSION = 2;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_NAME = 2;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_INPUT = 11;
  private static final int GRAPH_OUTPUT = 12;
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_NAME = 3;
  private static final int NODE_OP_TYPE = 4;
  private static final int NODE_ATTRIBUTE = 5;
  private static final int NODE_DOMAIN = 7;
  private static final int ATTR_NAME = 1;
  private static final int ATTR_F = 2;
  private static final int ATTR_I = 3;
  private static final int ATTR_INTS = 8;
  private static final int ATTR_TYPE = 20;
  private static final int ATTR_TYPE_FLOAT = 1;
  private static final int ATTR_TYPE_INT = 2;
  private static final int ATTR_TYPE_INTS = 7;
  private static final int TENSOR_DIMS = 1;
  private static final int TENSOR_DATA_TYPE = 2;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_RAW_DATA = 9;
  private static final int VALUE_NAME = 1;
  private static final int VALUE_TYPE = 2;
  private static final int TYPE_TENSOR = 1;
  private static final int TENSOR_TYPE_ELEM = 1;
  private static final int TENSOR_TYPE_SHAPE = 2;
  private static final int SHAPE_DIM = 1;
  private static final int DIM_VALUE = 1;
  private static final int DIM_PARAM = 2;
  /** IR version 8 goes with opset 17..18 (onnx/helper.py's table). */
  private static final long IR_VERSION = 8;

  private final List<byte[]> nodes = new ArrayList<>();
  private final List<byte[]> initializers = new ArrayList<>();
  private final List<byte[]> inputs = new ArrayList<>();
  private final List<byte[]> outputs = new ArrayList<>();
  private int counter;

  /** Declares a graph input; each dim is a Long (fixed) or a String (symbolic, e.g. "batch"). */
  public OnnxModelWriter input(String name, ElementType type, Object... dims) {
    inputs.add(valueInfo(name, type, dims));
    return this;
  }

  /** Declares a graph output. */
  public OnnxModelWriter output(String name, ElementType type, Object... dims) {
    outputs.add(valueInfo(name, type, dims));
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
    nodes.add(message(o -> {
      for (String i : in) {
        o.writeString(NODE_INPUT, i);
      }
      for (String x : out) {
        o.writeString(NODE_OUTPUT, x);
      }
      o.writeString(NODE_NAME, name);
      o.writeString(NODE_OP_TYPE, op);
      for (Attribute a : attributes) {
        o.writeByteArray(NODE_ATTRIBUTE, attribute(a));
      }
      if (!domain.isEmpty()) {
        o.writeString(NODE_DOMAIN, domain);
      }
    }));
    return out;
  }

  /** Gives a value a second name (an Identity node), e.g. to name a graph output. */
  public void rename(String from, String to) {
    nodes.add(message(o -> {
      o.writeString(NODE_INPUT, from);
      o.writeString(NODE_OUTPUT, to);
      o.writeString(NODE_NAME, to);
      o.writeString(NODE_OP_TYPE, "Identity");
    }));
  }

  /** The serialized model, importing the given ONNX opset and ONNX Runtime's contrib domain. */
  public byte[] toBytes(String graphName, int opset) {
    byte[] graph = message(o -> {
      for (byte[] n : nodes) {
        o.writeByteArray(GRAPH_NODE, n);
      }
      o.writeString(GRAPH_NAME, graphName);
      for (byte[] t : initializers) {
        o.writeByteArray(GRAPH_INITIALIZER, t);
      }
      for (byte[] i : inputs) {
        o.writeByteArray(GRAPH_INPUT, i);
      }
      for (byte[] out : outputs) {
        o.writeByteArray(GRAPH_OUTPUT, out);
      }
    });
    return message(o -> {
      o.writeInt64(MODEL_IR_VERSION, IR_VERSION);
      o.writeString(MODEL_PRODUCER, "cpner");
      o.writeByteArray(MODEL_GRAPH, graph);
      o.writeByteArray(MODEL_OPSET, message(s -> s.writeInt64(OPSET_VERSION, opset)));
      o.writeByteArray(MODEL_OPSET, message(s -> {
        s.writeString(OPSET_DOMAIN, "com.microsoft");
        s.writeInt64(OPSET_VERSION, 1);
      }));
    });
  }

  private String tensor(String name, long[] dims, ElementType type, byte[] raw) {
    initializers.add(message(o -> {
      for (long d : dims) {
        o.writeInt64(TENSOR_DIMS, d);
      }
      o.writeInt32(TENSOR_DATA_TYPE, type.code);
      o.writeString(TENSOR_NAME, name);
      o.writeBytes(TENSOR_RAW_DATA, ByteString.copyFrom(raw));
    }));
    return name;
  }

  private static byte[] valueInfo(String name, ElementType type, Object... dims) {
    byte[] shape = message(o -> {
      for (Object d : dims) {
        o.writeByteArray(SHAPE_DIM, message(dim -> {
          if (d instanceof String param) {
            dim.writeString(DIM_PARAM, param);
          } else {
            dim.writeInt64(DIM_VALUE, ((Number) d).longValue());
          }
        }));
      }
    });
    byte[] tensorType = message(o -> {
      o.writeInt32(TENSOR_TYPE_ELEM, type.code);
      o.writeByteArray(TENSOR_TYPE_SHAPE, shape);
    });
    return message(o -> {
      o.writeString(VALUE_NAME, name);
      o.writeByteArray(VALUE_TYPE, message(t -> t.writeByteArray(TYPE_TENSOR, tensorType)));
    });
  }

  private static byte[] attribute(Attribute a) {
    return message(o -> {
      o.writeString(ATTR_NAME, a.name());
      Object v = a.value();
      if (v instanceof Float f) {
        o.writeFloat(ATTR_F, f);
        o.writeInt32(ATTR_TYPE, ATTR_TYPE_FLOAT);
      } else if (v instanceof Long i) {
        o.writeInt64(ATTR_I, i);
        o.writeInt32(ATTR_TYPE, ATTR_TYPE_INT);
      } else if (v instanceof long[] ints) {
        for (long i : ints) {
          o.writeInt64(ATTR_INTS, i);
        }
        o.writeInt32(ATTR_TYPE, ATTR_TYPE_INTS);
      } else {
        throw new IllegalArgumentException("attribute " + a.name() + ": unsupported value " + v);
      }
    });
  }

  private interface Body {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] message(Body body) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      body.write(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
