package io.cpner.prefix;

/** A source domain that contributed to a fused or transferred prefix, with its fusion weight. */
public record SourceWeight(String domain, double weight) {
  public SourceWeight {
    if (domain == null || domain.isBlank()) {
      throw new IllegalArgumentException("source domain must be named");
    }
  }
}
