package io.cpner.stream.documents;

/**
 * What the processor writes for each tagged document.
 *
 * @param mode a {@code NerResult}, or the input record itself with the entities added
 * @param entitiesField name of the field (JSON key) an enriched record gets its entities in
 * @param versionField name of the field an enriched record gets the tagging prefix's version in
 */
public record OutputSpec(Mode mode, String entitiesField, String versionField) {
  /** Today's output: one {@code NerResult} per document, keyed by its id. */
  public static final OutputSpec ENTITIES = new OutputSpec(Mode.ENTITIES, "entities", "prefixVersion");

  /** What is written. */
  public enum Mode {
    /** A {@code NerResult} (Avro, schema-registry wire format), keyed by the document id. */
    ENTITIES,
    /**
     * The input record with two fields added: the entities and the prefix version. Same key, same
     * headers, same format (JSON stays JSON; Avro gets a schema derived from the writer's).
     */
    ENRICHED
  }

  public OutputSpec {
    if (entitiesField.isBlank() || versionField.isBlank() || entitiesField.equals(versionField)) {
      throw new IllegalArgumentException("the entities and version fields need two different names, found '"
          + entitiesField + "' and '" + versionField + "'");
    }
  }

  public boolean enriched() {
    return mode == Mode.ENRICHED;
  }
}
