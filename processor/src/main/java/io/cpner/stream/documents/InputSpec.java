package io.cpner.stream.documents;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

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
    TEXT,
    /** An Avro record of any schema, in the schema-registry wire format; id, text and domain at configured paths. */
    AVRO
  }

  /** Where a document's domain comes from. */
  public sealed interface DomainSource permits FromField, FromHeader, FromTopic, Fixed {}

  /** A field of the JSON event, by dotted path. */
  public record FromField(String path) implements DomainSource {}

  /** A record header, its value read as UTF-8. */
  public record FromHeader(String name) implements DomainSource {}

  /** The input topic the record came from, through a map topic to domain; a topic not in it has no domain. */
  public record FromTopic(Map<String, String> domains) implements DomainSource {
    public FromTopic {
      domains = Map.copyOf(domains);
    }
  }

  /** The same domain for every record. */
  public record Fixed(String domain) implements DomainSource {}

  public InputSpec {
    if ((format == Format.JSON || format == Format.AVRO) && textField.isBlank()) {
      throw new IllegalArgumentException(format + " input needs the path of its text field");
    }
    if (format == Format.TEXT && domain instanceof FromField) {
      throw new IllegalArgumentException("text input has no fields: its domain comes from a header or the topic, or is fixed");
    }
  }

  /**
   * Parses a domain source: {@code field:<path>}, {@code header:<name>}, {@code fixed:<domain>} or
   * {@code topic:<topic>=<domain>,<topic>=<domain>...}.
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
        case "topic":
          return new FromTopic(topicDomains(value));
        default:
          break;
      }
    }
    throw new IllegalArgumentException("expected field:<path>, header:<name>, fixed:<domain> or topic:<topic>=<domain>,..., found '"
        + spec + "'");
  }

  private static Map<String, String> topicDomains(String entries) {
    Map<String, String> domains = new LinkedHashMap<>();
    for (String entry : entries.split(",")) {
      int eq = entry.indexOf('=');
      String topic = eq < 0 ? "" : entry.substring(0, eq).trim();
      String domain = eq < 0 ? "" : entry.substring(eq + 1).trim();
      if (topic.isEmpty() || domain.isEmpty()) {
        throw new IllegalArgumentException("expected topic:<topic>=<domain>,..., found the entry '" + entry.trim() + "'");
      }
      if (domains.put(topic, domain) != null) {
        throw new IllegalArgumentException("topic " + topic + " is mapped twice");
      }
    }
    return domains;
  }
}
