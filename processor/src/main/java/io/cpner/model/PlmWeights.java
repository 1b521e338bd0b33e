package io.cpner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The frozen weights of a BERT-family encoder as NDArrays, shared read-only by every caller.
 *
 * <p>Names follow Hugging Face's BERT ({@code embeddings.word_embeddings.weight},
 * {@code encoder.layer.3.attention.self.query.weight}, ...). Linear weights are kept as
 * {@code (in, out)} so that a projection is {@code x.matMul(w).add(b)}. The arrays belong to the
 * manager they were created in; the owning {@link Plm} closes it.
 */
public record PlmWeights(
    NDArray wordEmbeddings, // (vocab, hidden)
    NDArray positionEmbeddings, // (maxPositions, hidden)
    NDArray tokenTypeEmbeddings, // (typeVocab, hidden)
    NDArray embeddingNormGamma, // (hidden)
    NDArray embeddingNormBeta, // (hidden)
    List<Layer> layers) {

  /** One transformer layer's weights. */
  public record Layer(
      NDArray queryW, NDArray queryB, // (hidden, hidden), (hidden)
      NDArray keyW, NDArray keyB,
      NDArray valueW, NDArray valueB,
      NDArray attnOutW, NDArray attnOutB, // (hidden, hidden), (hidden)
      NDArray attnNormGamma, NDArray attnNormBeta, // (hidden)
      NDArray ffnInW, NDArray ffnInB, // (hidden, intermediate), (intermediate)
      NDArray ffnOutW, NDArray ffnOutB, // (intermediate, hidden), (hidden)
      NDArray ffnNormGamma, NDArray ffnNormBeta) {} // (hidden)

  /** A named float tensor in row-major order, as read from a weight file. */
  public record HostTensor(long[] shape, float[] values) {}

  /**
   * Builds the weights from host tensors named in Hugging Face BERT style, with every linear weight
   * already in {@code (in, out)} layout, checking each shape against the config.
   *
   * @param source names the file in error messages
   */
  public static PlmWeights create(
      NDManager manager, PlmConfig config, Map<String, HostTensor> tensors, String source) {
    var loader = new Loader(manager, tensors, source);
    int h = config.hidden();
    int ff = config.intermediate();
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < config.layers(); i++) {
      String p = "encoder.layer." + i + ".";
      layers.add(
          new Layer(
              loader.get(p + "attention.self.query.weight", h, h), loader.get(p + "attention.self.query.bias", h),
              loader.get(p + "attention.self.key.weight", h, h), loader.get(p + "attention.self.key.bias", h),
              loader.get(p + "attention.self.value.weight", h, h), loader.get(p + "attention.self.value.bias", h),
              loader.get(p + "attention.output.dense.weight", h, h), loader.get(p + "attention.output.dense.bias", h),
              loader.get(p + "attention.output.LayerNorm.weight", h), loader.get(p + "attention.output.LayerNorm.bias", h),
              loader.get(p + "intermediate.dense.weight", h, ff), loader.get(p + "intermediate.dense.bias", ff),
              loader.get(p + "output.dense.weight", ff, h), loader.get(p + "output.dense.bias", h),
              loader.get(p + "output.LayerNorm.weight", h), loader.get(p + "output.LayerNorm.bias", h)));
    }
    return new PlmWeights(
        loader.get("embeddings.word_embeddings.weight", config.vocabSize(), h),
        loader.get("embeddings.position_embeddings.weight", config.maxPositions(), h),
        loader.get("embeddings.token_type_embeddings.weight", config.typeVocabSize(), h),
        loader.get("embeddings.LayerNorm.weight", h),
        loader.get("embeddings.LayerNorm.bias", h),
        List.copyOf(layers));
  }

  /** Every array, for hashing, freezing checks and parameter counts. */
  public List<NDArray> all() {
    List<NDArray> all = new ArrayList<>(List.of(
        wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings, embeddingNormGamma, embeddingNormBeta));
    for (Layer l : layers) {
      all.addAll(List.of(l.queryW, l.queryB, l.keyW, l.keyB, l.valueW, l.valueB, l.attnOutW, l.attnOutB,
          l.attnNormGamma, l.attnNormBeta, l.ffnInW, l.ffnInB, l.ffnOutW, l.ffnOutB, l.ffnNormGamma, l.ffnNormBeta));
    }
    return all;
  }

  /** Total number of parameters. */
  public long parameterCount() {
    return all().stream().mapToLong(a -> a.getShape().size()).sum();
  }

  private record Loader(NDManager manager, Map<String, HostTensor> tensors, String source) {
    NDArray get(String name, long... expected) {
      HostTensor t = tensors.get(name);
      if (t == null) {
        throw new IllegalArgumentException(
            source + ": expected weight '" + name + "' with shape " + Arrays.toString(expected) + ", found no such tensor");
      }
      if (!Arrays.equals(t.shape(), expected)) {
        throw new IllegalArgumentException(
            source + ": weight '" + name + "' expected shape " + Arrays.toString(expected)
                + ", found " + Arrays.toString(t.shape()));
      }
      NDArray array = manager.create(t.values(), new Shape(expected));
      array.setName(name);
      return array;
    }
  }
}
