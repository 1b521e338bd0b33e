package io.cpner.stream.documents;

/** What happens to a document whose domain has no installed prefix. */
public enum UnknownDomainPolicy {
  /** Send it to the dead-letter topic with reason UNKNOWN_DOMAIN. */
  DEAD_LETTER,
  /** Tag it with the configured fallback domain's prefix. */
  FALLBACK
}
