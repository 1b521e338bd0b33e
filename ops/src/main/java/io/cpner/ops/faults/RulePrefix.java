package io.cpner.ops.faults;

import io.cpner.model.PlmConfig;
import io.cpner.model.PlmIdentity;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.HeadInput;
import io.cpner.prefix.PrefixKind;
import io.cpner.prefix.PrefixMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * The prefix the fault suite publishes: no attention keys/values ({@code P = 0}) and a head that reads
 * only word shape, tagging capitalised words as {@code thing} entities. It needs no training and
 * costs the least per forward pass, so the suite measures the pipeline, not the model.
 */
final class RulePrefix {
  static final List<String> LABELS = List.of("O", "B-thing", "I-thing");
  /** Head input column of the word-shape feature "starts with a capital letter" (after the hidden state). */
  private static final int CAPITALISED = 1;

  private RulePrefix() {}

  /** Version 1 of the rule prefix of {@code domain} for the given PLM. */
  static DomainPrefix capitalisedWords(PlmIdentity plm, String domain) {
    PlmConfig config = plm.config();
    int labels = LABELS.size();
    float[] weight = new float[HeadInput.HIDDEN_AND_WORD_SHAPE.width(config.hidden()) * labels]; // (in, labels)
    weight[(config.hidden() + CAPITALISED) * labels + 1] = 10f; // capitalised -> B-thing
    float[] bias = {5f, 0f, 0f}; // otherwise O
    List<float[]> none = new ArrayList<>();
    for (int i = 0; i < config.layers(); i++) {
      none.add(new float[0]); // (heads, 0, headDim)
    }
    PrefixMetadata metadata = new PrefixMetadata(domain, 1, PrefixKind.TRAINED, LABELS, List.of(), null, null, plm.id(),
        plm.sha256(), 0, HeadInput.HIDDEN_AND_WORD_SHAPE, null, "2026-01-01T00:00:00Z");
    return new DomainPrefix(metadata, config.heads(), config.headDim(), none, none, weight, bias);
  }
}
