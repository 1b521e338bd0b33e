package io.cpner;

import io.cpner.model.Plm;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.HeadInput;
import io.cpner.prefix.PrefixKind;
import io.cpner.prefix.PrefixMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Domain prefixes built in code for tests: random ones, and ones whose head predicts a fixed rule. */
public final class TestPrefixes {
  /**
   * A prefix for {@code domain} at {@code version} with labels O, B-thing, I-thing and no real
   * tensors, for code that only files, counts or versions prefixes (a fake tagger ignores them).
   */
  public static DomainPrefix placeholder(String domain, long version) {
    PrefixMetadata metadata = new PrefixMetadata(domain, version, PrefixKind.TRAINED, List.of("O", "B-thing", "I-thing"),
        List.of(), null, null, "fake", "00", 0, HeadInput.HIDDEN, null, "2026-12-02T00:00:00Z");
    List<float[]> none = List.of(new float[0]);
    return new DomainPrefix(metadata, 1, 1, none, none, new float[3], new float[3]);
  }

  public static final List<String> LABELS = List.of("O", "B-thing", "I-thing");

  private TestPrefixes() {}

  /** Metadata for a prefix of the given PLM. */
  public static PrefixMetadata metadata(Plm plm, String domain, long version, int prefixLength, List<String> labels, HeadInput input) {
    return new PrefixMetadata(domain, version, PrefixKind.TRAINED, labels, List.of(), null, null, plm.id(), plm.sha256(),
        prefixLength, input, null, "2026-11-29T00:00:00Z");
  }

  /** A prefix with Gaussian keys/values (std 1) and a random head: predictions depend on context. */
  public static DomainPrefix random(Plm plm, String domain, int prefixLength, long seed) {
    Random random = new Random(seed);
    int hidden = plm.config().hidden();
    List<float[]> keys = new ArrayList<>();
    List<float[]> values = new ArrayList<>();
    int perLayer = plm.config().heads() * prefixLength * plm.config().headDim();
    for (int i = 0; i < plm.config().layers(); i++) {
      keys.add(gaussian(random, perLayer, 1f));
      values.add(gaussian(random, perLayer, 1f));
    }
    return new DomainPrefix(metadata(plm, domain, 1, prefixLength, LABELS, HeadInput.HIDDEN), plm.config().heads(),
        plm.config().headDim(), keys, values, gaussian(random, hidden * LABELS.size(), 1f), new float[LABELS.size()]);
  }

  /** A prefix whose head ignores the hidden state and always picks {@code label}. */
  public static DomainPrefix constant(Plm plm, String label) {
    float[] bias = new float[LABELS.size()];
    bias[LABELS.indexOf(label)] = 10f;
    return headOnly(plm, "rule", new float[plm.config().hidden() * LABELS.size()], bias, HeadInput.HIDDEN);
  }

  /**
   * A prefix whose head reads only word shape: capitalised words (shape feature 1) begin an entity,
   * capitalised words that follow one (feature 5 too) continue it, everything else is O.
   */
  public static DomainPrefix capitalisedWords(Plm plm) {
    return capitalisedWords(plm, "rule");
  }

  /** {@link #capitalisedWords(Plm)} for the given domain. */
  public static DomainPrefix capitalisedWords(Plm plm, String domain) {
    int hidden = plm.config().hidden();
    int labels = LABELS.size();
    float[] weight = new float[(hidden + 6) * labels]; // (in, labels)
    weight[(hidden + 1) * labels + 1] = 10f; // Capitalised -> B-thing
    float[] bias = {5f, 0f, 0f};
    return headOnly(plm, domain, weight, bias, HeadInput.HIDDEN_AND_WORD_SHAPE);
  }

  private static DomainPrefix headOnly(Plm plm, String domain, float[] weight, float[] bias, HeadInput input) {
    List<float[]> empty = new ArrayList<>();
    for (int i = 0; i < plm.config().layers(); i++) {
      empty.add(new float[0]);
    }
    return new DomainPrefix(metadata(plm, domain, 1, 0, LABELS, input), plm.config().heads(), plm.config().headDim(),
        empty, empty, weight, bias);
  }

  private static float[] gaussian(Random random, int n, float std) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) random.nextGaussian() * std;
    }
    return out;
  }
}
