package io.cpner.stream.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

class DocumentPartsTest {
  /** One piece per whitespace-separated word, as StageFixtures.RuleTagger counts. */
  private static final ToIntFunction<String> WORDS = t -> t.isBlank() ? 0 : t.trim().split("\\s+").length;

  @Test
  void shouldPackWholeSentencesIntoPartsOfAtMostTheBudget() {
    String text = "Alice met Bob. Carol saw Dan in Paris! Eve left.\nFrank stayed home today.";
    List<String> parts = texts(text, DocumentParts.split(text, 7, WORDS));
    assertEquals(List.of("Alice met Bob.", "Carol saw Dan in Paris! Eve left.", "Frank stayed home today."), parts);
    parts.forEach(p -> assertTrue(WORDS.applyAsInt(p) <= 7, p));
  }

  @Test
  void shouldCutASentenceLongerThanAPartBetweenWordsAndAWordLongerThanAPartEveryBudgetCharacters() {
    // a word costs a piece per 4 characters, as word pieces roughly do
    ToIntFunction<String> pieces = t -> java.util.Arrays.stream(t.trim().split("\\s+")).filter(w -> !w.isEmpty())
        .mapToInt(w -> (w.length() + 3) / 4).sum();
    String text = "one two three four five six seven. " + "x".repeat(20) + " end";
    List<String> parts = texts(text, DocumentParts.split(text, 3, pieces));
    // "three" and "seven." cost 2; the 20 x's (5 pieces) are cut every 3 characters, then everything is packed in order
    assertEquals(List.of("one two", "three four", "five six", "seven. xxx", "xxxxxxxxx", "xxxxxxxx", "end"), parts);
    parts.forEach(p -> assertTrue(pieces.applyAsInt(p) <= 3, p));
  }

  @Test
  void shouldCoverEveryNonBlankCharacterOnceInOrder() {
    String text = "  A first sentence here.   Then   a second one, rather longer than the first.\n\n Last. ";
    List<DocumentParts.Part> parts = DocumentParts.split(text, 4, WORDS);
    StringBuilder kept = new StringBuilder();
    int previousEnd = 0;
    for (DocumentParts.Part p : parts) {
      assertTrue(p.start() >= previousEnd && p.end() > p.start(), "in order, not overlapping: " + parts);
      assertTrue(text.substring(previousEnd, p.start()).isBlank(), "only whitespace between parts");
      kept.append(text, p.start(), p.end());
      previousEnd = p.end();
    }
    assertEquals(text.replaceAll("\\s", ""), kept.toString().replaceAll("\\s", ""));
  }

  private static List<String> texts(String text, List<DocumentParts.Part> parts) {
    return parts.stream().map(p -> text.substring(p.start(), p.end())).toList();
  }
}
