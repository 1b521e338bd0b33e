package io.cpner.model.safetensors;

import static io.cpner.model.safetensors.SafetensorsTest.littleEndian;
import static io.cpner.model.safetensors.SafetensorsTest.shorts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cpner.model.safetensors.Safetensors.Tensor;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** A tensor checks its bytes against its shape, and converts the floating-point dtypes to floats. */
class SafetensorsTensorTest {

  @Test
  void shouldWidenHalfPrecisionValuesExactly() {
    // given F16 bits for 1.0, -2.5, 0.1 (rounded), the smallest subnormal, +inf, -inf, NaN and -0.0
    short[] bits = {0x3C00, (short) 0xC100, 0x2E66, 0x0001, 0x7C00, (short) 0xFC00, 0x7E00, (short) 0x8000};

    // when
    float[] floats = new Tensor("h", "F16", new long[] {8}, shorts(bits)).toFloats();

    // then
    assertArrayEquals(new float[] {1.0f, -2.5f, 0.0999755859375f, 0x1p-24f,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, -0.0f}, floats);
    assertEquals(0.1f, floats[2], 1e-4f);
  }

  @Test
  void shouldWidenBfloat16ValuesExactly() {
    // given BF16 bits for 1.0, -2.5 and 0.1 (rounded)
    short[] bits = {0x3F80, (short) 0xC020, 0x3DCD};

    // when
    float[] floats = new Tensor("b", "BF16", new long[] {3}, shorts(bits)).toFloats();

    // then
    assertArrayEquals(new float[] {1.0f, -2.5f, 0.10009765625f}, floats);
    assertEquals(0.1f, floats[2], 1e-3f);
  }

  @Test
  void shouldNarrowDoublesToFloats() {
    // given
    ByteBuffer doubles = littleEndian(24).putDouble(0.1).putDouble(-2.5).putDouble(1e300).flip();

    // when
    float[] floats = new Tensor("d", "F64", new long[] {3}, doubles).toFloats();

    // then
    assertArrayEquals(new float[] {0.1f, -2.5f, Float.POSITIVE_INFINITY}, floats);
  }

  @Test
  void shouldRefuseToConvertIntegersToFloats() {
    // given
    Tensor ints = new Tensor("ids", "I32", new long[] {1}, littleEndian(4).putInt(3).flip());

    // when
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, ints::toFloats);

    // then
    assertEquals("expected tensor 'ids' to have a floating-point dtype (F32, F64, F16, BF16) but found I32",
        e.getMessage());
  }

  @Test
  void shouldRejectTensorsWhoseBytesDoNotMatchTheirShape() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Tensor("w", "F32", new long[] {2, 2}, ByteBuffer.allocate(12)));
    assertEquals("expected tensor 'w' (F32, shape [2, 2]) to have 16 bytes but found 12", e.getMessage());

    e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.ofFloats("w", new long[] {2, 3}, new float[5]));
    assertEquals("expected 6 values for tensor 'w' of shape [2, 3] but found 5", e.getMessage());
  }
}
