package io.cpner.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.SharedPlm;
import io.cpner.TestPrefixes;
import io.cpner.inference.text.WordSplitter;
import io.cpner.model.Plm;
import io.cpner.prefix.DomainPrefix;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine on the real PLM: offsets, windows, empty input, and mixed-domain batches. */
class NerEngineTest {
  private static Plm plm;
  private static NerEngine engine;

  @BeforeAll
  static void load() {
    plm = SharedPlm.get();
    engine = new NerEngine(plm);
  }

  @Test
  void shouldReturnNoEntitiesForEmptyOrBlankText() {
    DomainPrefix prefix = TestPrefixes.constant(plm, "B-thing");
    List<List<Entity>> result = engine.tag(List.of(
        new NerEngine.Request("", prefix), new NerEngine.Request("   \t\n ", prefix), new NerEngine.Request("Paris", prefix)));
    assertEquals(List.of(), result.get(0));
    assertEquals(List.of(), result.get(1));
    assertEquals(1, result.get(2).size());
  }

  @Test
  void shouldDecodeWithTheCrfIntoOneWholeEntityWithItsMarginalProbabilityAsScore() {
    // given a head that scores I-thing highest for every word: argmax labels "I I I", which only
    // span rules turn into an entity; a CRF may not start inside one
    DomainPrefix argmax = TestPrefixes.constant(plm, "I-thing");
    DomainPrefix crf = new DomainPrefix(argmax.metadata(), argmax.heads(), argmax.headDim(), emptyLayers(), emptyLayers(), DomainPrefix.copyOf(argmax.headWeight()),
        DomainPrefix.copyOf(argmax.headBias()), DomainPrefix.LAST_LAYER_ONLY,
        io.cpner.prefix.CrfTransitions.of(argmax.labels(), new float[9], new float[3], new float[3]));
    // when a sentence is tagged with each
    String text = "Pride and Prejudice";
    List<List<Entity>> result = engine.tag(List.of(new NerEngine.Request(text, crf), new NerEngine.Request(text, argmax)));
    // then the CRF's labels are B I I: the whole text, scored by how likely exactly that span is
    assertEquals(1, result.get(0).size());
    Entity whole = result.get(0).get(0);
    assertEquals(text, whole.text());
    assertTrue(whole.score() > 0.99 && whole.score() <= 1, "score " + whole.score());
    assertEquals(List.of(text), result.get(1).stream().map(Entity::text).toList());
  }

  private static List<float[]> emptyLayers() {
    List<float[]> empty = new ArrayList<>();
    for (int i = 0; i < plm.config().layers(); i++) {
      empty.add(new float[0]);
    }
    return empty;
  }

  @Test
  void shouldGiveExactCharacterOffsetsAcrossUnicodeAndRepeatedSpaces() {
    // given a head that makes every capitalised word an entity
    String text = "  Zürich  and\tSão   Paulo met 😀 Kraków's naïve Ελλάδα, near 東京 and Ñandú.  ";
    List<Entity> entities = engine.tag(List.of(new NerEngine.Request(text, TestPrefixes.capitalisedWords(plm)))).get(0);
    // then each capitalised word comes back with offsets that cut exactly that word out of the text
    List<String> words = entities.stream().map(Entity::text).toList();
    assertEquals(List.of("Zürich", "São", "Paulo", "Kraków", "Ελλάδα", "Ñandú"), words);
    for (Entity e : entities) {
      assertEquals(e.text(), text.substring(e.start(), e.end()));
      assertEquals("thing", e.type());
      assertTrue(e.score() > 0.9 && e.score() <= 1.0, "score " + e.score());
    }
    assertEquals(text.indexOf("Kraków"), entities.get(3).start());
  }

  @Test
  void shouldTagEveryWordOfALongTextOnceAcrossWindows() {
    // given windows of 16 pieces sharing 4, and a text of 300 words (far more than one window)
    NerEngine windowed = new NerEngine(plm, new EngineOptions(16, 4, 8, 512, 1.3));
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      text.append("Alpha beta, gamma-delta ").append(i).append(". ");
    }
    String doc = text.toString();
    List<WordSplitter.Word> words = WordSplitter.split(doc);
    assertTrue(words.size() > 300);
    // when every word begins an entity
    List<Entity> singles = windowed.tag(List.of(new NerEngine.Request(doc, TestPrefixes.constant(plm, "B-thing")))).get(0);
    // then there is exactly one entity per word, in order, none lost or duplicated at a boundary
    assertEquals(words.size(), singles.size());
    for (int i = 0; i < words.size(); i++) {
      assertEquals(words.get(i).start(), singles.get(i).start());
      assertEquals(words.get(i).end(), singles.get(i).end());
    }
    // and when every word continues an entity, the whole text is one entity spanning all windows
    List<Entity> one = windowed.tag(List.of(new NerEngine.Request(doc, TestPrefixes.constant(plm, "I-thing")))).get(0);
    assertEquals(1, one.size());
    assertEquals(doc.strip(), one.get(0).text());
  }

  @Test
  void shouldGiveEachRowOfAMixedDomainBatchTheSameEntitiesAsRunningItAlone() {
    // given three domains with different prefix lengths (and one with none) and a random head each
    List<DomainPrefix> prefixes = List.of(
        TestPrefixes.random(plm, "politics", 10, 1), TestPrefixes.random(plm, "science", 4, 2),
        TestPrefixes.random(plm, "music", 0, 3));
    List<String> texts = List.of(
        "The European Commission said on Thursday it disagreed with German advice.",
        "Marie Curie discovered polonium and radium in Paris.",
        "The Beatles released Abbey Road in 1969.",
        "Angela Merkel met Emmanuel Macron in Berlin on Monday to discuss the budget of the European Union.",
        "CRISPR-Cas9 was adapted for genome editing by Jennifer Doudna.",
        "Miles Davis recorded Kind of Blue.");
    List<NerEngine.Request> mixed = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      mixed.add(new NerEngine.Request(texts.get(i), prefixes.get(i % 3)));
    }
    // when they run in one batch and each alone
    List<List<Entity>> together = engine.tag(mixed);
    int found = 0;
    for (int i = 0; i < mixed.size(); i++) {
      List<Entity> alone = engine.tag(List.of(mixed.get(i))).get(0);
      // then the entities agree, scores to float precision
      assertEquals(alone.size(), together.get(i).size(), "row " + i);
      for (int e = 0; e < alone.size(); e++) {
        Entity a = alone.get(e);
        Entity b = together.get(i).get(e);
        assertEquals(List.of(a.text(), a.type(), a.start(), a.end()), List.of(b.text(), b.type(), b.start(), b.end()));
        assertEquals(a.score(), b.score(), 1e-4);
      }
      found += alone.size();
    }
    assertTrue(found > 0, "random heads should find some entities");
  }

  @Test
  void shouldChangePredictionsWhenThePrefixChanges() {
    // the prefix reaches the model: same head, different prefix keys/values -> different probabilities
    DomainPrefix a = TestPrefixes.random(plm, "a", 10, 11);
    DomainPrefix b = TestPrefixes.random(plm, "a", 10, 12);
    DomainPrefix bWithHeadOfA = new DomainPrefix(a.metadata(), a.heads(), a.headDim(),
        keys(b), values(b), DomainPrefix.copyOf(a.headWeight()), DomainPrefix.copyOf(a.headBias()));
    String text = "Barack Obama visited the Brandenburg Gate in Berlin yesterday afternoon.";
    List<List<Entity>> r = engine.tag(List.of(new NerEngine.Request(text, a), new NerEngine.Request(text, bWithHeadOfA)));
    double scoreA = r.get(0).stream().mapToDouble(Entity::score).sum();
    double scoreB = r.get(1).stream().mapToDouble(Entity::score).sum();
    assertTrue(!r.get(0).equals(r.get(1)) || Math.abs(scoreA - scoreB) > 1e-3, "prefix had no effect");
  }

  private static List<float[]> keys(DomainPrefix p) {
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < p.layers(); i++) {
      out.add(DomainPrefix.copyOf(p.key(i)));
    }
    return out;
  }

  private static List<float[]> values(DomainPrefix p) {
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < p.layers(); i++) {
      out.add(DomainPrefix.copyOf(p.value(i)));
    }
    return out;
  }

  @Test
  void shouldCutLengthSortedRowsIntoPassesWithinThePaddingLimit() {
    // given 40 documents of 1 to 40 words
    DomainPrefix prefix = TestPrefixes.constant(plm, "B-thing");
    List<NerEngine.Request> requests = new ArrayList<>();
    for (int words = 1; words <= 40; words++) {
      requests.add(new NerEngine.Request("word ".repeat(words).trim(), prefix));
    }
    EngineOptions options = EngineOptions.defaults(plm.maxPieces());
    try (NerEngine engine = new NerEngine(plm, options)) {
      // when they are tagged in one call
      engine.tag(requests);
      // then every row is computed once, in more than one pass, none padded past 50%
      NerEngine.PassCounters c = engine.counters();
      assertEquals(1.5, options.maxPaddingRatio());
      assertEquals(40, c.rows());
      assertTrue(c.passes() > 1, c.toString());
      assertTrue(c.paddedTokens() <= options.maxPaddingRatio() * c.realTokens(), c.toString());
    }
  }
}
