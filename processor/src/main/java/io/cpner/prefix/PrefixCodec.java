package io.cpner.prefix;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cpner.model.Sha256;
import io.cpner.model.safetensors.Safetensors.Tensor;
import io.cpner.model.safetensors.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores a {@link DomainPrefix} as two files in a directory: {@code prefix.safetensors} (tensors
 * {@code layers.<i>.key}, {@code layers.<i>.value} of shape {@code (heads, P, headDim)},
 * {@code head.weight (in, labels)}, {@code head.bias (labels)}, {@code head.layer_weights (k)}, and for
 * a CRF head {@code crf.transitions (labels, labels)}, {@code crf.start (labels)}, {@code crf.end
 * (labels)}) and {@code prefix.json} (the
 * {@link PrefixMetadata}, including the SHA-256 of the tensor file). The same two byte arrays are
 * what travels on the control topic. No Java serialization, no pickle. Prefixes written before the
 * layer mix and the CRF (no such tensors) read as a head on the last layer with argmax decoding.
 */
public final class PrefixCodec {
  public static final String METADATA_FILE = "prefix.json";
  public static final String TENSORS_FILE = "prefix.safetensors";
  private static final String LAYER_WEIGHTS = "head.layer_weights";
  private static final String CRF_TRANSITIONS = "crf.transitions";
  private static final String CRF_START = "crf.start";
  private static final String CRF_END = "crf.end";

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private PrefixCodec() {}

  /** Writes the prefix into {@code dir} (created if absent), replacing earlier files. */
  public static void write(DomainPrefix prefix, Path dir) throws IOException {
    Encoded encoded = encode(prefix);
    Files.createDirectories(dir);
    Files.write(dir.resolve(TENSORS_FILE), encoded.tensors());
    Files.write(dir.resolve(METADATA_FILE), encoded.metadataJson());
  }

  /**
   * Reads a prefix directory.
   *
   * @throws IllegalArgumentException if a file is missing, malformed, or the tensors do not match the
   *     metadata (checksum, names, shapes)
   */
  public static DomainPrefix read(Path dir) throws IOException {
    for (String name : List.of(METADATA_FILE, TENSORS_FILE)) {
      if (!Files.isRegularFile(dir.resolve(name))) {
        throw new IllegalArgumentException("prefix directory " + dir + ": expected " + METADATA_FILE + " and "
            + TENSORS_FILE + ", found no " + name);
      }
    }
    return decode(Files.readAllBytes(dir.resolve(METADATA_FILE)), Files.readAllBytes(dir.resolve(TENSORS_FILE)), dir.toString());
  }

  /** A prefix as the two byte arrays it is stored and sent as. */
  public record Encoded(byte[] metadataJson, byte[] tensors) {}

  /** Encodes a prefix; the metadata gets the tensors' SHA-256. */
  public static Encoded encode(DomainPrefix prefix) {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    long[] kvShape = {prefix.heads(), prefix.prefixLength(), prefix.headDim()};
    for (int i = 0; i < prefix.layers(); i++) {
      tensors.put(keyName(i), Safetensors.Tensor.ofFloats(keyName(i), kvShape, DomainPrefix.copyOf(prefix.key(i))));
      tensors.put(valueName(i), Safetensors.Tensor.ofFloats(valueName(i), kvShape, DomainPrefix.copyOf(prefix.value(i))));
    }
    int labels = prefix.labels().size();
    tensors.put("head.weight", Tensor.ofFloats("head.weight", new long[] {prefix.headInputWidth(), labels}, DomainPrefix.copyOf(prefix.headWeight())));
    tensors.put("head.bias", Tensor.ofFloats("head.bias", new long[] {labels}, DomainPrefix.copyOf(prefix.headBias())));
    tensors.put(LAYER_WEIGHTS, Tensor.ofFloats(LAYER_WEIGHTS, new long[] {prefix.headLayers()},
        DomainPrefix.copyOf(prefix.layerWeights())));
    CrfTransitions crf = prefix.crf();
    if (crf != null) {
      tensors.put(CRF_TRANSITIONS, Tensor.ofFloats(CRF_TRANSITIONS, new long[] {labels, labels},
          DomainPrefix.copyOf(crf.learnedTransitions())));
      tensors.put(CRF_START, Tensor.ofFloats(CRF_START, new long[] {labels}, DomainPrefix.copyOf(crf.learnedStart())));
      tensors.put(CRF_END, Tensor.ofFloats(CRF_END, new long[] {labels}, DomainPrefix.copyOf(crf.learnedEnd())));
    }
    byte[] tensorBytes = Safetensors.toBytes(tensors, Map.of("format", "cpner-prefix", "domain", prefix.domain()));
    PrefixMetadata metadata = prefix.metadata().withTensorsSha256(Sha256.hex(tensorBytes));
    try {
      return new Encoded(JSON.writeValueAsBytes(metadata), tensorBytes);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write prefix metadata as JSON", e);
    }
  }

  /**
   * Decodes a prefix from its metadata JSON and safetensors bytes, checking the checksum and shapes.
   *
   * @param source names the origin in error messages
   */
  public static DomainPrefix decode(byte[] metadataJson, byte[] tensorBytes, String source) {
    PrefixMetadata metadata;
    try {
      metadata = JSON.readValue(metadataJson, PrefixMetadata.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": expected prefix metadata JSON, found: " + e.getMessage(), e);
    }
    return decode(metadata, tensorBytes, source);
  }

  /**
   * Decodes a prefix from its metadata and safetensors bytes, checking the checksum the metadata
   * names and every shape.
   */
  public static DomainPrefix decode(PrefixMetadata metadata, byte[] tensorBytes, String source) {
    String actualSha = Sha256.hex(tensorBytes);
    if (metadata.tensorsSha256() == null || !metadata.tensorsSha256().equals(actualSha)) {
      throw new IllegalArgumentException(source + ": tensors checksum mismatch: metadata says sha256 "
          + metadata.tensorsSha256() + ", the tensors hash to " + actualSha);
    }
    Map<String, Tensor> tensors = Safetensors.fromBytes(tensorBytes, source).tensors();
    Tensor firstKey = require(tensors, keyName(0), source);
    long[] kv = firstKey.shape();
    if (kv.length != 3 || kv[1] != metadata.prefixLength()) {
      throw new IllegalArgumentException(source + ": " + keyName(0) + " expected shape (heads, " + metadata.prefixLength()
          + ", headDim), found " + Arrays.toString(kv));
    }
    List<float[]> keys = new ArrayList<>();
    List<float[]> values = new ArrayList<>();
    for (int i = 0; tensors.containsKey(keyName(i)); i++) {
      keys.add(requireShape(tensors, keyName(i), kv, source));
      values.add(requireShape(tensors, valueName(i), kv, source));
    }
    long labels = metadata.labels().size();
    Tensor headWeight = require(tensors, "head.weight", source);
    if (headWeight.shape().length != 2 || headWeight.shape()[1] != labels) {
      throw new IllegalArgumentException(source + ": head.weight expected shape (in, " + labels + " labels), found "
          + Arrays.toString(headWeight.shape()));
    }
    float[] bias = requireShape(tensors, "head.bias", new long[] {labels}, source);
    float[] layerWeights = DomainPrefix.LAST_LAYER_ONLY;
    if (tensors.containsKey(LAYER_WEIGHTS)) {
      Tensor t = tensors.get(LAYER_WEIGHTS);
      if (t.shape().length != 1) {
        throw new IllegalArgumentException(source + ": " + LAYER_WEIGHTS + " expected shape (k), found " + Arrays.toString(t.shape()));
      }
      layerWeights = t.toFloats();
    }
    CrfTransitions crf = null;
    if (tensors.containsKey(CRF_TRANSITIONS) || tensors.containsKey(CRF_START) || tensors.containsKey(CRF_END)) {
      crf = CrfTransitions.of(metadata.labels(), requireShape(tensors, CRF_TRANSITIONS, new long[] {labels, labels}, source),
          requireShape(tensors, CRF_START, new long[] {labels}, source), requireShape(tensors, CRF_END, new long[] {labels}, source));
    }
    return new DomainPrefix(metadata, (int) kv[0], (int) kv[2], keys, values, headWeight.toFloats(), bias, layerWeights, crf);
  }

  private static Tensor require(Map<String, Tensor> tensors, String name, String source) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException(source + ": expected tensor '" + name + "', found only " + tensors.keySet());
    }
    return t;
  }

  private static float[] requireShape(Map<String, Tensor> tensors, String name, long[] shape, String source) {
    Tensor t = require(tensors, name, source);
    if (!Arrays.equals(t.shape(), shape)) {
      throw new IllegalArgumentException(source + ": tensor '" + name + "' expected shape " + Arrays.toString(shape)
          + ", found " + Arrays.toString(t.shape()));
    }
    return t.toFloats();
  }

  private static String keyName(int layer) {
    return "layers." + layer + ".key";
  }

  private static String valueName(int layer) {
    return "layers." + layer + ".value";
  }
}
