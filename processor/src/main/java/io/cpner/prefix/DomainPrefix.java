package io.cpner.prefix;

import io.cpner.model.PlmIdentity;
import io.cpner.model.PlmConfig;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A domain's prefix: per-layer attention keys and values {@code (heads, P, headDim)} that the frozen
 * PLM attends to, and a token-classification head {@code (in, labels)} over the domain's BIO labels.
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

  /**
   * @throws IllegalArgumentException if any array's length does not match the declared shapes
   * @throws NonFiniteValueException if any value is NaN or infinite
   */
  public DomainPrefix(
      PrefixMetadata metadata, int heads, int headDim, List<float[]> keys, List<float[]> values,
      float[] headWeight, float[] headBias) {
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
  }

  /** The same tensors as a new version (e.g. to republish a prefix). */
  public DomainPrefix withVersion(long version) {
    PrefixMetadata m = metadata;
    PrefixMetadata next = new PrefixMetadata(m.domain(), version, m.kind(), m.labels(), m.sources(), m.trainingDataSha256(),
        m.devF1(), m.plmId(), m.plmSha256(), m.prefixLength(), m.headInput(), m.tensorsSha256(), m.createdAt());
    return new DomainPrefix(next, heads, headDim, keys, values, headWeight, headBias);
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
