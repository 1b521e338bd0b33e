package io.cpner.prefix;

import io.cpner.model.PlmIdentity;
import io.cpner.model.LayerMix;
import io.cpner.model.PlmConfig;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A domain's prefix: per-layer attention keys and values {@code (heads, P, headDim)} that the frozen
 * PLM attends to, and a token-classification head over the domain's BIO labels: weights over the
 * PLM's last {@code k} layers (the head reads their weighted sum at each word), a linear layer
 * {@code (in, labels)}, and optionally a CRF's transition scores, with which a document's labels are
 * decoded jointly (Viterbi) instead of word by word.
 *
 * <p>An immutable, versioned value: the arrays are copied in and only exposed read-only, so a prefix
 * can be shared by many threads and swapped atomically by reference.
 */
public final class DomainPrefix {
  private final PrefixMetadata metadata;
  private final int layers;
  private final int heads;
  private final int headDim;
  private final List<float[]> keys; // per layer, (heads, P, headDim) row-major
  private final List<float[]> values;
  private final float[] headWeight; // (in, labels)
  private final float[] headBias; // (labels)
  private final float[] layerWeights; // (k): weight of each of the last k layers, the last one last
  private final CrfTransitions crf; // null: each word's label is its own argmax

  /**
   * @throws IllegalArgumentException if any array's length does not match the declared shapes
   * @throws NonFiniteValueException if any value is NaN or infinite
   */
  public DomainPrefix(
      PrefixMetadata metadata, int heads, int headDim, List<float[]> keys, List<float[]> values,
      float[] headWeight, float[] headBias) {
    this(metadata, heads, headDim, keys, values, headWeight, headBias, LAST_LAYER_ONLY, null);
  }

  /**
   * @param layerWeights weights of the PLM's last {@code k} layers, oldest first, that the head reads
   *     the sum of ({@code {1}}: the last layer alone)
   * @param crf transition scores over the labels, or null to label each word by its own argmax
   */
  public DomainPrefix(
      PrefixMetadata metadata, int heads, int headDim, List<float[]> keys, List<float[]> values,
      float[] headWeight, float[] headBias, float[] layerWeights, CrfTransitions crf) {
    this.metadata = metadata;
    this.layers = keys.size();
    this.heads = heads;
    this.headDim = headDim;
    if (values.size() != layers || layers == 0) {
      throw new IllegalArgumentException(
          "prefix for '" + metadata.domain() + "' needs keys and values for the same layers, found " + layers + " and " + values.size());
    }
    int perLayer = heads * metadata.prefixLength() * headDim;
    List<float[]> k = new ArrayList<>();
    List<float[]> v = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      k.add(checked(keys.get(i), perLayer, "layers." + i + ".key"));
      v.add(checked(values.get(i), perLayer, "layers." + i + ".value"));
    }
    this.keys = List.copyOf(k);
    this.values = List.copyOf(v);
    int labels = metadata.labels().size();
    this.headBias = checked(headBias, labels, "head.bias");
    if (headWeight.length % labels != 0) {
      throw new IllegalArgumentException("prefix for '" + metadata.domain() + "': head.weight of " + headWeight.length
          + " values is not (in, " + labels + " labels)");
    }
    this.headWeight = finite(headWeight.clone(), "head.weight");
    if (layerWeights.length == 0 || layerWeights.length > layers) {
      throw new IllegalArgumentException("prefix for '" + metadata.domain() + "': head.layer_weights must weigh 1 to "
          + layers + " layers, found " + layerWeights.length);
    }
    this.layerWeights = finite(layerWeights.clone(), "head.layer_weights");
    if (crf != null) {
      if (crf.labels() != labels) {
        throw new IllegalArgumentException("prefix for '" + metadata.domain() + "': the CRF scores " + crf.labels()
            + " labels, the head " + labels);
      }
      finite(copyOf(crf.learnedTransitions()), "crf.transitions");
      finite(copyOf(crf.learnedStart()), "crf.start");
      finite(copyOf(crf.learnedEnd()), "crf.end");
    }
    this.crf = crf;
  }

  /** Layer weights of a head that reads the last layer alone (every prefix made before the CRF head). */
  public static final float[] LAST_LAYER_ONLY = {1f};

  /** The same tensors as a new version (e.g. to republish a prefix). */
  public DomainPrefix withVersion(long version) {
    PrefixMetadata m = metadata;
    PrefixMetadata next = new PrefixMetadata(m.domain(), version, m.kind(), m.labels(), m.sources(), m.trainingDataSha256(),
        m.devF1(), m.plmId(), m.plmSha256(), m.prefixLength(), m.headInput(), m.tensorsSha256(), m.createdAt());
    return new DomainPrefix(next, heads, headDim, keys, values, headWeight, headBias, layerWeights, crf);
  }

  /** This prefix's head (and decoding) with other keys and values and the given metadata. */
  public DomainPrefix withKeysAndValues(PrefixMetadata metadata, List<float[]> keys, List<float[]> values) {
    return new DomainPrefix(metadata, heads, headDim, keys, values, headWeight, headBias, layerWeights, crf);
  }

  public PrefixMetadata metadata() {
    return metadata;
  }

  public String domain() {
    return metadata.domain();
  }

  public long version() {
    return metadata.version();
  }

  public List<String> labels() {
    return metadata.labels();
  }

  public int layers() {
    return layers;
  }

  public int heads() {
    return heads;
  }

  public int headDim() {
    return headDim;
  }

  public int prefixLength() {
    return metadata.prefixLength();
  }

  /** Width of the head's input. */
  public int headInputWidth() {
    return headWeight.length / headBias.length;
  }

  /** Layer {@code i}'s prefix keys, {@code (heads, P, headDim)}, read-only. */
  public FloatBuffer key(int layer) {
    return FloatBuffer.wrap(keys.get(layer)).asReadOnlyBuffer();
  }

  /** Layer {@code i}'s prefix values, {@code (heads, P, headDim)}, read-only. */
  public FloatBuffer value(int layer) {
    return FloatBuffer.wrap(values.get(layer)).asReadOnlyBuffer();
  }

  /** The head's weight {@code (in, labels)}, read-only. */
  public FloatBuffer headWeight() {
    return FloatBuffer.wrap(headWeight).asReadOnlyBuffer();
  }

  /** The head's bias {@code (labels)}, read-only. */
  public FloatBuffer headBias() {
    return FloatBuffer.wrap(headBias).asReadOnlyBuffer();
  }

  /** How many of the PLM's last layers the head reads. */
  public int headLayers() {
    return layerWeights.length;
  }

  /** Weights of the last {@link #headLayers()} layers in the head's input, oldest first, read-only. */
  public FloatBuffer layerWeights() {
    return FloatBuffer.wrap(layerWeights).asReadOnlyBuffer();
  }

  /** The CRF's transition scores, or null when each word is labelled by its own argmax. */
  public CrfTransitions crf() {
    return crf;
  }

  /**
   * Checks that this prefix belongs to the given PLM: same id and content hash, and tensor shapes
   * that fit its layers, heads and hidden width.
   *
   * @throws IllegalArgumentException saying what the PLM expects and what the prefix has
   */
  public void requireCompatible(PlmIdentity plm) {
    String who = "prefix '" + domain() + "' v" + version();
    if (!metadata.plmId().equals(plm.id()) || !metadata.plmSha256().equals(plm.sha256())) {
      throw new IllegalArgumentException(who + " was made for PLM " + metadata.plmId() + " (sha256 "
          + abbreviate(metadata.plmSha256()) + "), but the loaded PLM is " + plm.id() + " (sha256 " + abbreviate(plm.sha256()) + ")");
    }
    PlmConfig c = plm.config();
    if (layers != c.layers() || heads != c.heads() || headDim != c.headDim()) {
      throw new IllegalArgumentException(who + " has (layers, heads, headDim) = (" + layers + ", " + heads + ", " + headDim
          + "), the PLM expects (" + c.layers() + ", " + c.heads() + ", " + c.headDim() + ")");
    }
    if (headLayers() > LayerMix.layers(c)) {
      throw new IllegalArgumentException(who + " has a head mixing the last " + headLayers() + " layers, the PLM exposes "
          + LayerMix.layers(c));
    }
    int expectedIn = metadata.headInput().width(c.hidden());
    if (headInputWidth() != expectedIn) {
      throw new IllegalArgumentException(who + " has a head reading " + headInputWidth() + " features, the PLM with "
          + metadata.headInput() + " gives " + expectedIn);
    }
  }

  /** A copy of what a read-only view holds, e.g. {@code copyOf(prefix.key(0))}. */
  public static float[] copyOf(FloatBuffer view) {
    float[] out = new float[view.remaining()];
    view.duplicate().get(out);
    return out;
  }

  /** A copy of {@code array}, which must hold {@code expected} finite values. */
  private float[] checked(float[] array, int expected, String name) {
    if (array.length != expected) {
      throw new IllegalArgumentException("prefix for '" + metadata.domain() + "': " + name + " expected " + expected
          + " values, found " + array.length);
    }
    return finite(array.clone(), name);
  }

  private float[] finite(float[] array, String name) {
    for (int i = 0; i < array.length; i++) {
      if (!Float.isFinite(array[i])) {
        throw new NonFiniteValueException("prefix for '" + metadata.domain() + "' v" + metadata.version() + ": " + name
            + " holds " + array[i] + " at index " + i + "; every value must be finite");
      }
    }
    return array;
  }

  private static String abbreviate(String hash) {
    return hash.length() > 12 ? hash.substring(0, 12) + "..." : hash;
  }
}
