package io.cpner.ops.bench.peers;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.cpner.inference.PinnedOrtEnvironment;
import io.cpner.model.PlmConfig;
import io.cpner.model.onnx.OnnxModelWriter.ElementType;
import io.cpner.model.onnx.OnnxModelWriter;
import io.cpner.model.onnx.PrefixedEncoderGraph.Precision;
import io.cpner.ops.bench.measure.TimedCalls;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The machine's matrix-multiply rate at the PLM's own shapes, through the runtime the engine uses
 * (ONNX Runtime, same thread count), in both of the engine's precisions, and from each the ceiling in
 * tokens/s: the encoder's linear layers cost {@code 2 * (4 h^2 + 2 h f)} operations per token and
 * layer (h hidden, f feed-forward width), which is all but ~1-2% of its work at sentence lengths
 * (attention scores add {@code 4 * seq * h}).
 *
 * <p>fp32 runs ONNX {@code MatMul} with a float weight constant; int8 runs the bare integer product
 * inside the engine's {@code MatMulIntegerToFloat}, ONNX {@code MatMulInteger}: uint8 activations
 * (zero point 128, already quantized: the engine's per-token quantization and rescaling are its own
 * cost) times an int8 weight constant {@code (in, out)}, into int32.
 */
public final class MatmulCeiling {
  /** One weight shape {@code (tokens, in) x (in, out)}: its rate in each precision, two operations a multiply-add. */
  public record ShapeRate(int in, int out, int perLayer, double fp32GflopsPerSec, double int8GopsPerSec) {}

  /** Operations a second over the whole layer mix and the tokens/s they allow, for one precision. */
  public record Ceiling(double gopsPerSec, double tokensPerSec) {}

  /** The rates, the operations of one token through the encoder's linear layers, and the two ceilings. */
  public record Result(int tokens, List<ShapeRate> shapes, double flopsPerToken, Ceiling fp32, Ceiling int8) {}

  private MatmulCeiling() {}

  public static Result measure(PlmConfig config, int tokens, int threads, double secondsPerShape) throws OrtException {
    int h = config.hidden();
    int f = config.intermediate();
    // (in, out, how many per layer), as the engine's graph multiplies: queries, keys and values in one
    // fused product; attention output; feed-forward in; feed-forward out
    int[][] shapes = {{h, 3 * h, 1}, {h, h, 1}, {h, f, 1}, {f, h, 1}};
    List<ShapeRate> rates = new ArrayList<>();
    double fp32SecondsPerToken = 0;
    double int8SecondsPerToken = 0;
    double flopsPerToken = 0;
    for (int[] s : shapes) {
      double fp32 = rate(tokens, s[0], s[1], Precision.FP32, threads, secondsPerShape);
      double int8 = rate(tokens, s[0], s[1], Precision.INT8, threads, secondsPerShape);
      rates.add(new ShapeRate(s[0], s[1], s[2], fp32, int8));
      double flops = 2.0 * s[0] * s[1] * s[2] * config.layers();
      flopsPerToken += flops;
      fp32SecondsPerToken += flops / (fp32 * 1e9);
      int8SecondsPerToken += flops / (int8 * 1e9);
    }
    return new Result(tokens, rates, flopsPerToken, ceiling(flopsPerToken, fp32SecondsPerToken),
        ceiling(flopsPerToken, int8SecondsPerToken));
  }

  private static Ceiling ceiling(double flopsPerToken, double secondsPerToken) {
    return new Ceiling(flopsPerToken / secondsPerToken / 1e9, 1 / secondsPerToken);
  }

  /**
   * Billions of operations a second of {@code (tokens, in) x (in, out)} with the weight a constant,
   * as in the encoder graph.
   */
  private static double rate(int tokens, int in, int out, Precision precision, int threads, double seconds) throws OrtException {
    Random random = new Random(7);
    OrtEnvironment env = PinnedOrtEnvironment.get();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      try (OrtSession session = env.createSession(graph(in, out, precision, random), options);
           OnnxTensor input = input(env, tokens, in, precision, random)) {
        TimedCalls.Timing timing = TimedCalls.run(3, seconds, () -> {
          session.run(Map.of("x", input)).close();
          return TimedCalls.NO_COUNTS;
        });
        return 2.0 * tokens * in * out * timing.calls() / timing.seconds() / 1e9;
      }
    }
  }

  /** Random activations {@code (tokens, in)}: Gaussian floats, or uint8 around 128 for int8. */
  private static OnnxTensor input(OrtEnvironment env, int tokens, int in, Precision precision, Random random) throws OrtException {
    long[] shape = {tokens, in};
    if (precision == Precision.FP32) {
      float[] x = new float[tokens * in];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextGaussian();
      }
      return OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
    }
    byte[] x = new byte[tokens * in];
    for (int i = 0; i < x.length; i++) {
      x[i] = (byte) (128 + (int) Math.max(-127, Math.min(127, Math.round(random.nextGaussian() * 40))));
    }
    return OnnxTensor.createTensor(env, ByteBuffer.wrap(x), shape, OnnxJavaType.UINT8);
  }

  /** {@code y (tokens, out) = x (tokens, in) W (in, out)}, W a random constant in the given precision. */
  private static byte[] graph(int in, int out, Precision precision, Random random) {
    OnnxModelWriter g = new OnnxModelWriter();
    g.input("x", precision == Precision.FP32 ? ElementType.FLOAT : ElementType.UINT8, "tokens", (long) in);
    long[] shape = {in, out};
    String y;
    if (precision == Precision.FP32) {
      float[] w = new float[in * out];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) random.nextGaussian() * 0.05f;
      }
      y = g.node("MatMul", List.of("x", g.constant("w", shape, w)));
    } else {
      byte[] w = new byte[in * out];
      for (int i = 0; i < w.length; i++) {
        w[i] = (byte) (random.nextInt(255) - 127);
      }
      y = g.node("MatMulInteger", List.of("x", g.constant("w_int8", shape, w),
          g.unsignedConstant("x_zero", new long[] {}, new byte[] {(byte) 128})));
    }
    g.rename(y, "y");
    g.output("y", precision == Precision.FP32 ? ElementType.FLOAT : ElementType.INT32, "tokens", (long) out);
    return g.toBytes("matmul", 17);
  }
}
