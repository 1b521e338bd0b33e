package io.cpner.ops.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.cpner.model.OnnxModelWriter;
import io.cpner.model.OnnxModelWriter.ElementType;
import io.cpner.model.PlmConfig;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The machine's fp32 matrix-multiply rate at the PLM's own shapes, through the runtime the engine
 * uses (ONNX Runtime, same thread count), and from it the ceiling in tokens/s: the encoder's
 * linear layers cost {@code 2 * (4 h^2 + 2 h f)} FLOPs per token and layer (h hidden, f feed-forward
 * width), which is all but ~1-2% of its FLOPs at sentence lengths (attention scores add
 * {@code 4 * seq * h}).
 */
public final class MatmulCeiling {
  /** One weight shape: {@code (tokens, in) x (in, out)}. */
  public record ShapeRate(int in, int out, int perLayer, double gflopsPerSec) {}

  /** The rates, the FLOPs of one token through the encoder's linear layers, and the ceiling. */
  public record Result(int tokens, List<ShapeRate> shapes, double flopsPerToken, double gflopsPerSec, double ceilingTokensPerSec) {}

  private MatmulCeiling() {}

  public static Result measure(PlmConfig config, int tokens, int threads, double secondsPerShape) throws OrtException {
    int h = config.hidden();
    int f = config.intermediate();
    // (in, out, how many per layer): Q, K, V, attention output; feed-forward in; feed-forward out
    int[][] shapes = {{h, h, 4}, {h, f, 1}, {f, h, 1}};
    List<ShapeRate> rates = new ArrayList<>();
    double secondsPerToken = 0;
    double flopsPerToken = 0;
    for (int[] s : shapes) {
      double gflops = rate(tokens, s[0], s[1], threads, secondsPerShape);
      rates.add(new ShapeRate(s[0], s[1], s[2], gflops));
      double flops = 2.0 * s[0] * s[1] * s[2] * config.layers();
      flopsPerToken += flops;
      secondsPerToken += flops / (gflops * 1e9);
    }
    return new Result(tokens, rates, flopsPerToken, flopsPerToken / secondsPerToken / 1e9, 1 / secondsPerToken);
  }

  /** GFLOP/s of {@code (tokens, in) x (in, out)} with the weight a constant, as in the encoder graph. */
  private static double rate(int tokens, int in, int out, int threads, double seconds) throws OrtException {
    Random random = new Random(7);
    float[] w = new float[in * out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian() * 0.05f;
    }
    OnnxModelWriter g = new OnnxModelWriter();
    g.input("x", ElementType.FLOAT, "tokens", (long) in);
    g.rename(g.node("MatMul", List.of("x", g.constant("w", new long[] {in, out}, w))), "y");
    g.output("y", ElementType.FLOAT, "tokens", (long) out);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      float[] x = new float[tokens * in];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextGaussian();
      }
      try (OrtSession session = env.createSession(g.toBytes("matmul", 17), options);
           OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {tokens, in})) {
        for (int i = 0; i < 3; i++) {
          session.run(Map.of("x", input)).close();
        }
        long runs = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < seconds * 1e9) {
          session.run(Map.of("x", input)).close();
          runs++;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return 2.0 * tokens * in * out * runs / elapsed / 1e9;
      }
    }
  }
}
