package io.cpner.prefix;

/** How a domain prefix was made. */
public enum PrefixKind {
  /** Trained on the domain's own data, alone or initialised from one source domain. */
  TRAINED,
  /** Fused from several source domains' prefixes (CP-NER collaborative fusion), then fine-tuned. */
  FUSED
}
