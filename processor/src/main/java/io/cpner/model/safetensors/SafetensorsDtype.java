package io.cpner.model.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The element types a safetensors header may name, each with its size in bytes.
 *
 * <p>The constant names are exactly the strings used in the {@code "dtype"} field of the header.
 * {@link #decodeFloats} turns little-endian data of the four floating-point types ({@code F32},
 * {@code F64}, {@code F16}, {@code BF16}) into Java floats; the other types are carried as raw bytes.
 */
public enum SafetensorsDtype {
  BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1),
  I16(2), U16(2), F16(2), BF16(2),
  I32(4), U32(4), F32(4),
  I64(8), U64(8), F64(8);

  private final int byteSize;

  SafetensorsDtype(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** Whether {@link #decodeFloats} accepts this type. */
  public boolean isFloatingPoint() {
    return this == F32 || this == F64 || this == F16 || this == BF16;
  }

  /**
   * Bytes that a tensor of this type and {@code shape} occupies (a scalar, shape {@code []}, holds
   * one element).
   *
   * @throws IllegalArgumentException when a dimension is negative or the size overflows a long
   */
  public long byteCount(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException(
            "expected every dimension to be >= 0 but found shape " + Arrays.toString(shape));
      }
      try {
        count = Math.multiplyExact(count, dim);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(
            "expected shape " + Arrays.toString(shape) + " to hold at most 2^63 elements but it overflows", e);
      }
    }
    try {
      return Math.multiplyExact(count, (long) byteSize);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("expected shape " + Arrays.toString(shape) + " of " + this
          + " to fit in 2^63 bytes but it overflows", e);
    }
  }

  /**
   * Looks up a dtype by its header name.
   *
   * @throws IllegalArgumentException naming the known dtypes when {@code name} is not one of them
   */
  public static SafetensorsDtype parse(String name) {
    for (SafetensorsDtype dtype : values()) {
      if (dtype.name().equals(name)) {
        return dtype;
      }
    }
    throw new IllegalArgumentException("expected dtype to be one of "
        + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "))
        + " but found '" + name + "'");
  }

  /**
   * Decodes {@code count} little-endian elements of this type, starting at the buffer's position,
   * into floats. F64 values are narrowed; F16 and BF16 values are widened exactly.
   *
   * @throws UnsupportedOperationException when this type is not floating point
   */
  float[] decodeFloats(ByteBuffer data, int count) {
    ByteBuffer in = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[count];
    switch (this) {
      case F32 -> in.asFloatBuffer().get(out);
      case F64 -> {
        for (int i = 0; i < count; i++) {
          out[i] = (float) in.getDouble();
        }
      }
      case F16 -> {
        for (int i = 0; i < count; i++) {
          out[i] = halfToFloat(in.getShort());
        }
      }
      case BF16 -> {
        for (int i = 0; i < count; i++) {
          out[i] = bfloat16ToFloat(in.getShort());
        }
      }
      default -> throw new UnsupportedOperationException(
          "expected a floating-point dtype (F32, F64, F16, BF16) but found " + this);
    }
    return out;
  }

  /** IEEE 754 binary16 (1 sign, 5 exponent, 10 mantissa bits) to float, exactly. */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      // infinity or NaN: keep the payload
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // zero or subnormal: mantissa * 2^-24
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    // normal: rebias the exponent from 15 to 127
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** bfloat16 is the upper half of a float32. */
  static float bfloat16ToFloat(short bfloat16) {
    return Float.intBitsToFloat((bfloat16 & 0xffff) << 16);
  }
}
