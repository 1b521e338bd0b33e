package io.cpner.testkit;

/**
 * One schema under one subject: the {@code version}-th schema of {@code subject} is the schema with
 * global id {@code id}, whose text (Avro's normalized JSON) is {@code schema}.
 */
record SchemaRegistration(String subject, int version, int id, String schema) {
  public SchemaRegistration {
    if (subject == null || subject.isEmpty()) {
      throw new IllegalArgumentException("subject must be non-empty");
    }
    if (version < 1 || id < 1) {
      throw new IllegalArgumentException(
          "version and id must be >= 1, found version " + version + " and id " + id + " for subject " + subject);
    }
    if (schema == null || schema.isEmpty()) {
      throw new IllegalArgumentException("schema must be non-empty for subject " + subject);
    }
  }
}
