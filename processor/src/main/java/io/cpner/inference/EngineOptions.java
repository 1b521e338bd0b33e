package io.cpner.inference;

/**
 * How the engine cuts work into forward passes.
 *
 * @param windowPieces word pieces per window (the model's limit minus [CLS] and [SEP] at most)
 * @param windowOverlap pieces neighbouring windows of a long document share, at most a quarter window
 * @param maxPassRows most windows in one forward pass
 * @param maxPassTokens most padded tokens (rows x longest row) in one forward pass
 * @param maxPaddingRatio a forward pass stops taking (length-sorted) rows once its padded tokens would
 *     exceed this multiple of its real tokens; 0 for no limit
 */
public record EngineOptions(int windowPieces, int windowOverlap, int maxPassRows, int maxPassTokens, double maxPaddingRatio) {
  public EngineOptions {
    if (windowPieces < 4) {
      throw new IllegalArgumentException("windowPieces must be >= 4, found " + windowPieces);
    }
    if (windowOverlap < 0 || windowOverlap > windowPieces / 4) {
      throw new IllegalArgumentException("windowOverlap must be in [0, windowPieces/4 = " + windowPieces / 4 + "], found " + windowOverlap);
    }
    if (maxPassRows < 1) {
      throw new IllegalArgumentException("maxPassRows must be >= 1, found " + maxPassRows);
    }
    if (maxPaddingRatio != 0 && maxPaddingRatio < 1) {
      throw new IllegalArgumentException("maxPaddingRatio must be 0 (no limit) or >= 1, found " + maxPaddingRatio);
    }
    if (maxPassTokens < windowPieces + 2) {
      throw new IllegalArgumentException("maxPassTokens must hold one full window (" + (windowPieces + 2) + "), found " + maxPassTokens);
    }
  }

  /**
   * Full-length windows with a quarter overlap, up to 64 rows or 8192 tokens a pass, at most 50%
   * padding. The ONNX Runtime encoder packs rows, so padding costs only attention there (README,
   * Performance: 1.3 to 1.6 measured alike, 1.05 a fifth slower at batch 8 and 10% at batch 32).
   */
  public static EngineOptions defaults(int modelMaxPieces) {
    return new EngineOptions(modelMaxPieces, modelMaxPieces / 4, 64, Math.max(8192, modelMaxPieces + 2), 1.5);
  }

  /** These options with another row limit and token budget per forward pass. */
  public EngineOptions withPass(int rows, int tokens) {
    return new EngineOptions(windowPieces, windowOverlap, rows, tokens, maxPaddingRatio);
  }

  /** These options with another padding limit (0: none). */
  public EngineOptions withMaxPaddingRatio(double ratio) {
    return new EngineOptions(windowPieces, windowOverlap, maxPassRows, maxPassTokens, ratio);
  }
}
