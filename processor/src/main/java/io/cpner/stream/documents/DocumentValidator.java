package io.cpner.stream.documents;

import io.cpner.avro.DeadLetterReason;
import io.cpner.avro.Document;
import io.cpner.prefix.PrefixMetadata;
import java.util.Optional;

/** Checks a decoded document before it may wait for inference; says why it may not. */
public final class DocumentValidator {
  /** Why a document is rejected. */
  public record Rejection(DeadLetterReason reason, String detail) {}

  private final int maxChars;

  public DocumentValidator(int maxChars) {
    this.maxChars = maxChars;
  }

  /** Empty if the document may be tagged; the domain is checked case-insensitively. */
  public Optional<Rejection> check(Document doc) {
    if (doc.getId() == null || doc.getId().isBlank()) {
      return reject(DeadLetterReason.MISSING_ID, "document id is empty");
    }
    if (doc.getDomain() == null || doc.getDomain().isBlank()) {
      return reject(DeadLetterReason.MISSING_DOMAIN, "document '" + doc.getId() + "' has no domain");
    }
    if (!PrefixMetadata.DOMAIN_NAME.matcher(doc.getDomain().toLowerCase(java.util.Locale.ROOT)).matches()) {
      return reject(DeadLetterReason.INVALID_DOMAIN, "domain '" + abbreviate(doc.getDomain()) + "' does not match "
          + PrefixMetadata.DOMAIN_NAME.pattern());
    }
    if (doc.getText() == null || doc.getText().isBlank()) {
      return reject(DeadLetterReason.EMPTY_TEXT, "document '" + doc.getId() + "' has no text");
    }
    if (doc.getText().length() > maxChars) {
      return reject(DeadLetterReason.TEXT_TOO_LONG, "text of " + doc.getText().length() + " chars exceeds the limit of " + maxChars);
    }
    return Optional.empty();
  }

  private static Optional<Rejection> reject(DeadLetterReason reason, String detail) {
    return Optional.of(new Rejection(reason, detail));
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
