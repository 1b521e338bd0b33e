package io.cpner.ops.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.SharedPlm;
import io.cpner.model.PlmConfig;
import org.junit.jupiter.api.Test;

class MatmulCeilingTest {
  @Test
  void shouldMeasureBothPrecisionsAtEachOfTheEncodersFourProductShapes() throws Exception {
    // given the small PLM's shapes
    PlmConfig config = SharedPlm.get().config();
    // when each product is timed briefly in fp32 (MatMul) and int8 (MatMulInteger on uint8 activations)
    MatmulCeiling.Result result = MatmulCeiling.measure(config, 64, 1, 0.2);
    // then every shape has both rates, the work per token is the four products of every layer, and the
    // ceilings follow from the rates
    int h = config.hidden();
    int f = config.intermediate();
    assertEquals(4, result.shapes().size());
    result.shapes().forEach(s -> assertTrue(s.fp32GflopsPerSec() > 0 && s.int8GopsPerSec() > 0, s.toString()));
    assertEquals(2.0 * (4L * h * h + 2L * h * f) * config.layers(), result.flopsPerToken(), 1e-6);
    assertEquals(result.int8().gopsPerSec() * 1e9 / result.flopsPerToken(), result.int8().tokensPerSec(), 1e-6 * result.int8().tokensPerSec());
    assertTrue(result.fp32().tokensPerSec() > 0, result.toString());
  }
}
