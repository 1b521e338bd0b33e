package io.cpner.stream.documents;

import io.cpner.TestPrefixes;
import io.cpner.avro.BufferedDocument;
import io.cpner.inference.DocumentTagger;
import io.cpner.inference.Entity;
import io.cpner.inference.NerEngine;
import io.cpner.prefix.DomainPrefix;
import java.util.ArrayList;
import java.util.List;

/** Stage-level fixtures without the model: a prefix of no PLM in particular and a tagger that follows a rule. */
final class StageFixtures {
  private StageFixtures() {}

  /** A prefix for {@code domain} at {@code version}; the fake tagger ignores its tensors. */
  static DomainPrefix prefix(String domain, long version) {
    return TestPrefixes.placeholder(domain, version);
  }

  /**
   * A tagger that makes every capitalised word a "thing", costs one token a word, counts its calls,
   * and fails on any text containing "POISON".
   */
  static final class RuleTagger implements DocumentTagger {
    final List<Integer> callSizes = new ArrayList<>();

    @Override
    public List<List<Entity>> tag(List<NerEngine.Request> requests) {
      callSizes.add(requests.size());
      List<List<Entity>> out = new ArrayList<>();
      for (NerEngine.Request r : requests) {
        if (r.text().contains("POISON")) {
          throw new IllegalStateException("cannot tag POISON");
        }
        List<Entity> entities = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\p{Lu}\\w*").matcher(r.text());
        while (m.find()) {
          entities.add(new Entity(m.group(), "thing", m.start(), m.end(), 1.0));
        }
        out.add(entities);
      }
      return out;
    }

    @Override
    public int countTokens(String text) {
      return text.isBlank() ? 0 : text.trim().split("\\s+").length;
    }

    @Override
    public String modelId() {
      return "rule";
    }
  }

  static BufferedDocument buffered(String id, String domain, String text, int tokens, int partition, long offset, long bufferedAtMs) {
    return BufferedDocument.newBuilder().setId(id).setDomain(domain).setPrefixDomain(domain).setText(text).setTokens(tokens)
        .setSourcePartition(partition).setSourceOffset(offset).setInputTimestampMs(bufferedAtMs - 1).setBufferedAtMs(bufferedAtMs)
        .build();
  }
}
