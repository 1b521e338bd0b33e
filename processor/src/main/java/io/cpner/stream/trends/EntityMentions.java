package io.cpner.stream.trends;

import io.cpner.avro.EntitySpan;
import java.text.Normalizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The mentions of one document, keyed for counting: {@code domain}, type and normalised text joined
 * by a tab (none of them holds one after normalising), so that "Angela  Merkel" and "ANGELA MERKEL"
 * count as one entity of a domain, and a person and a location of the same name as two.
 */
public final class EntityMentions {
  private static final char SEPARATOR = '\t';

  private EntityMentions() {}

  /** A key's parts. */
  public record Key(String domain, String type, String text) {}

  /** Unicode NFKC, lower case, runs of white space as one space, trimmed. */
  public static String normalise(String text) {
    return Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").trim();
  }

  /** Mentions per key in one document of {@code domain}, in order of first mention. */
  public static Map<String, Long> count(String domain, List<EntitySpan> entities) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (EntitySpan e : entities) {
      String text = normalise(e.getText());
      if (!text.isEmpty()) {
        counts.merge(key(domain, e.getType().replace(SEPARATOR, ' '), text), 1L, Long::sum);
      }
    }
    return counts;
  }

  static String key(String domain, String type, String text) {
    return domain + SEPARATOR + type + SEPARATOR + text;
  }

  /** The parts of a key made by {@link #count}. */
  public static Key parse(String key) {
    int first = key.indexOf(SEPARATOR);
    int second = key.indexOf(SEPARATOR, first + 1);
    return new Key(key.substring(0, first), key.substring(first + 1, second), key.substring(second + 1));
  }
}
