package io.cpner.stream.documents;

import java.util.Locale;

/**
 * What the input topic's records are and where a document's id, text and domain sit in them.
 *
 * @param format how a record value is read
 * @param idField dotted path of the id in a JSON event; empty: the record key (UTF-8)
 * @param textField dotted path of the text in a JSON event
 * @param domain where the domain comes from (JSON and text; a {@code Document} names its own)
 */
public record InputSpec(Format format, String idField, String textField, DomainSource domain) {
  /** The processor's own {@code Document} records, as before: nothing to configure. */
  public static final InputSpec DOCUMENTS = new InputSpec(Format.DOCUMENT, "", "text", new FromField("domain"));

  /** How a record value is read. */
  public enum Format {
    /** The {@code Document} Avro record in the schema-registry wire format (id, domain, text in it). */
    DOCUMENT,
    /** A UTF-8 JSON object; id, text and domain at configured paths (or key and header). */
    JSON,
    /** The value is the text, UTF-8; the id is the record key. */
    TEXT
  }

  /** Where a document's domain comes from. */
  public sealed interface DomainSource permits FromField, FromHeader, Fixed {}

  /** A field of the JSON event, by dotted path. */
  public record FromField(String path) implements DomainSource {}

  /** A record header, its value read as UTF-8. */
  public record FromHeader(String name) implements DomainSource {}

  /** The same domain for every record. */
  public record Fixed(String domain) implements DomainSource {}

  public InputSpec {
    if (format == Format.JSON && textField.isBlank()) {
      throw new IllegalArgumentException("JSON input needs the path of its text field");
    }
    if (format == Format.TEXT && domain instanceof FromField) {
      throw new IllegalArgumentException("text input has no fields: its domain comes from a header or is fixed");
    }
  }

  /**
   * Parses a domain source: {@code field:<path>}, {@code header:<name>} or {@code fixed:<domain>}.
   *
   * @throws IllegalArgumentException saying what was expected
   */
  public static DomainSource domainSource(String spec) {
    int colon = spec.indexOf(':');
    String kind = colon < 0 ? "" : spec.substring(0, colon).toLowerCase(Locale.ROOT);
    String value = colon < 0 ? "" : spec.substring(colon + 1).trim();
    if (!value.isEmpty()) {
      switch (kind) {
        case "field":
          return new FromField(value);
        case "header":
          return new FromHeader(value);
        case "fixed":
          return new Fixed(value);
        default:
          break;
      }
    }
    throw new IllegalArgumentException("expected field:<path>, header:<name> or fixed:<domain>, found '" + spec + "'");
  }
}
