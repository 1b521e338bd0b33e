package io.cpner.prefix;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Everything about a domain prefix except its tensors; stored as {@code prefix.json}.
 *
 * @param domain the domain this prefix tags, e.g. {@code politics}
 * @param version monotonically increasing per domain; a newer version replaces an older one
 * @param kind trained or fused
 * @param labels the BIO label list, {@code O} first, in the order of the head's output columns
 * @param sources source domains and their weights (empty for a prefix trained alone)
 * @param trainingDataSha256 hex SHA-256 of the training file, or null if unknown
 * @param devF1 entity-level micro F1 on the dev split in percent, or null if not measured
 * @param plmId id of the PLM the prefix was trained on
 * @param plmSha256 content hash of that PLM
 * @param prefixLength prefix slots per layer ({@code P})
 * @param headInput what the tagging head reads for each word
 * @param tensorsSha256 hex SHA-256 of {@code prefix.safetensors}, checked on load
 * @param createdAt ISO-8601 instant
 */
public record PrefixMetadata(
    String domain,
    long version,
    PrefixKind kind,
    List<String> labels,
    List<SourceWeight> sources,
    String trainingDataSha256,
    Double devF1,
    String plmId,
    String plmSha256,
    int prefixLength,
    HeadInput headInput,
    String tensorsSha256,
    String createdAt) {

  /** Domain names: lower-case letters, digits, '-', '_' and '.', 1 to 64 characters. */
  public static final Pattern DOMAIN_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public PrefixMetadata {
    if (domain == null || !DOMAIN_NAME.matcher(domain).matches()) {
      throw new IllegalArgumentException("prefix domain must match " + DOMAIN_NAME + ", found '" + domain + "'");
    }
    if (version < 1) {
      throw new IllegalArgumentException("prefix version must be >= 1, found " + version);
    }
    if (kind == null || headInput == null) {
      throw new IllegalArgumentException("prefix kind and headInput are required");
    }
    if (labels == null || labels.isEmpty() || !labels.get(0).equals("O")) {
      throw new IllegalArgumentException("prefix labels must start with 'O', found " + labels);
    }
    for (String label : labels.subList(1, labels.size())) {
      if (!(label.startsWith("B-") || label.startsWith("I-")) || label.length() < 3) {
        throw new IllegalArgumentException("prefix label must be O, B-<type> or I-<type>, found '" + label + "'");
      }
    }
    if (labels.stream().distinct().count() != labels.size()) {
      throw new IllegalArgumentException("prefix labels must be distinct, found " + labels);
    }
    if (plmId == null || plmSha256 == null) {
      throw new IllegalArgumentException("prefix must name the PLM (plmId, plmSha256) it belongs to");
    }
    if (prefixLength < 0) {
      throw new IllegalArgumentException("prefixLength must be >= 0, found " + prefixLength);
    }
    labels = List.copyOf(labels);
    sources = sources == null ? List.of() : List.copyOf(sources);
  }

  /** A copy with the hash of the tensors it travels with. */
  public PrefixMetadata withTensorsSha256(String sha256) {
    return new PrefixMetadata(domain, version, kind, labels, sources, trainingDataSha256, devF1, plmId, plmSha256,
        prefixLength, headInput, sha256, createdAt);
  }
}
