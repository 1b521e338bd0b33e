package io.cpner.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The registry's state: global ids by schema text, and each subject's versions. Schema texts are
 * compared in Avro's normalized form, so a schema has one global id however many subjects hold it.
 * Ids start at 1 and versions at 1 per subject, as in Confluent's registry. Thread-safe: every
 * method holds the store's lock.
 */
final class SchemaStore {
  private final Map<String, Integer> idsBySchema = new HashMap<>();
  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, TreeMap<Integer, SchemaRegistration>> subjects = new TreeMap<>();
  private int maxId;

  /** Takes in a registration read back from the log (or just written to it). */
  synchronized void apply(SchemaRegistration registration) {
    String known = schemasById.get(registration.id());
    if (known != null && !known.equals(registration.schema())) {
      throw new IllegalStateException(
          "schema log is inconsistent: id " + registration.id() + " names two different schemas (subject "
              + registration.subject() + ", version " + registration.version() + ")");
    }
    idsBySchema.putIfAbsent(registration.schema(), registration.id());
    schemasById.put(registration.id(), registration.schema());
    subjects.computeIfAbsent(registration.subject(), s -> new TreeMap<>()).put(registration.version(), registration);
    maxId = Math.max(maxId, registration.id());
  }

  /**
   * The registration of {@code schema} under {@code subject}: the existing one when the subject
   * already has this schema, else a new version (reusing the schema's global id, or the next id)
   * that is handed to {@code durableWrite} and, once that returns, applied. A failing write leaves
   * the store unchanged.
   */
  synchronized SchemaRegistration register(String subject, String schema, Consumer<SchemaRegistration> durableWrite) {
    Optional<SchemaRegistration> existing = find(subject, schema);
    if (existing.isPresent()) {
      return existing.get();
    }
    Integer id = idsBySchema.get(schema);
    TreeMap<Integer, SchemaRegistration> versions = subjects.get(subject);
    int version = versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
    SchemaRegistration registration = new SchemaRegistration(subject, version, id == null ? maxId + 1 : id, schema);
    durableWrite.accept(registration);
    apply(registration);
    return registration;
  }

  /** The registration of {@code schema} under {@code subject}, if the subject has it. */
  synchronized Optional<SchemaRegistration> find(String subject, String schema) {
    TreeMap<Integer, SchemaRegistration> versions = subjects.get(subject);
    if (versions == null) {
      return Optional.empty();
    }
    return versions.values().stream().filter(r -> r.schema().equals(schema)).findFirst();
  }

  /** The schema text with global id {@code id}. */
  synchronized Optional<String> schema(int id) {
    return Optional.ofNullable(schemasById.get(id));
  }

  /** Whether {@code subject} has at least one version. */
  synchronized boolean hasSubject(String subject) {
    return subjects.containsKey(subject);
  }

  /** Every subject, sorted. */
  synchronized List<String> subjects() {
    return new ArrayList<>(subjects.keySet());
  }

  /** The versions of {@code subject}, ascending; empty when the subject is unknown. */
  synchronized List<Integer> versions(String subject) {
    TreeMap<Integer, SchemaRegistration> versions = subjects.get(subject);
    return versions == null ? List.of() : new ArrayList<>(versions.keySet());
  }

  /** Version {@code version} of {@code subject}. */
  synchronized Optional<SchemaRegistration> version(String subject, int version) {
    TreeMap<Integer, SchemaRegistration> versions = subjects.get(subject);
    return versions == null ? Optional.empty() : Optional.ofNullable(versions.get(version));
  }

  /** The newest version of {@code subject}. */
  synchronized Optional<SchemaRegistration> latest(String subject) {
    TreeMap<Integer, SchemaRegistration> versions = subjects.get(subject);
    return versions == null || versions.isEmpty() ? Optional.empty() : Optional.of(versions.lastEntry().getValue());
  }
}
