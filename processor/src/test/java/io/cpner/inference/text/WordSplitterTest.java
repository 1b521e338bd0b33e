package io.cpner.inference.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.inference.text.WordSplitter.Word;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordSplitterTest {

  @Test
  void shouldSeparateWordsOnRunsOfSpacesTabsAndNewlines() {
    // given
    String text = "Barack  Obama\t\tvisited \n Paris";

    // when
    List<Word> words = WordSplitter.split(text);

    // then
    assertEquals(List.of(new Word("Barack", 0, 6), new Word("Obama", 8, 13), new Word("visited", 15, 22),
        new Word("Paris", 25, 30)), words);
  }

  @Test
  void shouldIgnoreLeadingAndTrailingWhitespace() {
    assertEquals(List.of(new Word("Berlin", 3, 9)), WordSplitter.split("  \tBerlin \n"));
  }

  @Test
  void shouldReturnNoWordsForEmptyOrWhitespaceOnlyText() {
    assertEquals(List.of(), WordSplitter.split(""));
    assertEquals(List.of(), WordSplitter.split(" \t\n\r\u00A0\u2003\u3000\u2029 "));
  }

  @Test
  void shouldSeparateOnNoBreakSpacesAndUnicodeLineSeparators() {
    // given no-break space, line separator, narrow no-break space and an ideographic space
    String text = "New\u00A0York\u2028City\u202FHall\u3000Tour";

    // when
    List<Word> words = WordSplitter.split(text);

    // then
    assertEquals(List.of("New", "York", "City", "Hall", "Tour"), texts(words));
    assertEquals(new Word("York", 4, 8), words.get(1));
    assertOffsetsMatch(text, words);
  }

  @Test
  void shouldSeparateOnControlCharactersThatAreWhitespaceWhereBertWouldGlueWords() {
    // given a form feed, a vertical tab and a next-line character
    String text = "end\fStart\u000Ba\u0085b";

    // when
    List<Word> words = WordSplitter.split(text);

    // then
    assertEquals(List.of(new Word("end", 0, 3), new Word("Start", 4, 9), new Word("a", 10, 11),
        new Word("b", 12, 13)), words);
  }

  @Test
  void shouldMakeEveryPunctuationMarkItsOwnWord() {
    assertEquals(List.of("U", ".", "S", "."), texts(WordSplitter.split("U.S.")));
    assertEquals(List.of("Obama", "'", "s"), texts(WordSplitter.split("Obama's")));
    assertEquals(List.of("e", "-", "mail"), texts(WordSplitter.split("e-mail")));
    assertEquals(List.of("(", "1999", ")"), texts(WordSplitter.split("(1999)")));
    assertEquals(List.of("$", "5", "@", "Acme", "_", "Corp", "~"), texts(WordSplitter.split("$5@Acme_Corp~")));
  }

  @Test
  void shouldTreatUnicodePunctuationCategoriesAsPunctuation() {
    // given guillemets, an em dash, inverted question mark and curly quotes
    String text = "«Bonjour»—¿Qué?“Hi”";

    // when
    List<Word> words = WordSplitter.split(text);

    // then
    assertEquals(List.of("«", "Bonjour", "»", "—", "¿", "Qué", "?", "“", "Hi", "”"), texts(words));
    assertOffsetsMatch(text, words);
  }

  @Test
  void shouldKeepAccentedLettersInsideWords() {
    // given precomposed accents, and a decomposed u + combining diaeresis
    String text = "Zürich and São Paulo, Zu\u0308rich";

    // when
    List<Word> words = WordSplitter.split(text);

    // then
    assertEquals(List.of(new Word("Zürich", 0, 6), new Word("and", 7, 10), new Word("São", 11, 14),
        new Word("Paulo", 15, 20), new Word(",", 20, 21), new Word("Zu\u0308rich", 22, 29)), words);
  }

  @Test
  void shouldMakeEveryCjkIdeographItsOwnWordButKeepKanaRunsTogether() {
    assertEquals(List.of(new Word("東", 0, 1), new Word("京", 1, 2), new Word("都", 2, 3)),
        WordSplitter.split("東京都"));
    assertEquals(List.of("東", "京", "タワーに", "住", "む"), texts(WordSplitter.split("東京タワーに住む")));
  }

  @Test
  void shouldKeepASupplementaryCjkIdeographWholeAsItsOwnWord() {
    // given U+20BB7, an Extension B ideograph written as a surrogate pair
    String text = "𠮷野家";

    // when
    List<Word> words = WordSplitter.split(text);

    // then
    assertEquals(List.of(new Word("𠮷", 0, 2), new Word("野", 2, 3), new Word("家", 3, 4)), words);
  }

  @Test
  void shouldKeepEmojiAndSurrogatePairsWhole() {
    // given a heart with variation selector, a mathematical fraktur letter, an emoji before punctuation,
    // and a zero-width-joiner sequence
    String text = "I ❤️ 𝔘nicode 😀! 👩‍💻";

    // when
    List<Word> words = WordSplitter.split(text);

    // then
    assertEquals(List.of(new Word("I", 0, 1), new Word("❤️", 2, 4), new Word("𝔘nicode", 5, 13),
        new Word("😀", 14, 16), new Word("!", 16, 17), new Word("👩‍💻", 18, 23)), words);
  }

  @Test
  void shouldSplitNumbersOnTheirDecimalAndThousandsSeparators() {
    assertEquals(List.of(new Word("3", 0, 1), new Word(".", 1, 2), new Word("14", 2, 4), new Word("and", 5, 8),
        new Word("1", 9, 10), new Word(",", 10, 11), new Word("000", 11, 14)), WordSplitter.split("3.14 and 1,000"));
  }

  @Test
  void shouldDropControlCharactersWithoutSplittingWords() {
    // given a byte-order mark, a soft hyphen inside a word, a NUL and a trailing zero-width space
    String text = "\uFEFFZü\u00ADrich\u0000 ok\u200B";

    // when
    List<Word> words = WordSplitter.split(text);

    // then the dropped characters never start or end a word
    assertEquals(List.of(new Word("Zü\u00ADrich", 1, 8), new Word("ok", 10, 12)), words);
  }

  @Test
  void shouldReturnNoWordsForControlCharactersAlone() {
    assertEquals(List.of(), WordSplitter.split("\u0000\u200B\uFEFF \uFFFD"));
  }

  @Test
  void shouldKeepALoneSurrogateInsideItsWordWithoutSplittingIt() {
    assertEquals(List.of(new Word("a\uD800b", 0, 3)), WordSplitter.split("a\uD800b"));
  }

  @Test
  void shouldGiveOrderedWordsWhoseTextIsTheSubstringAtTheirOffsets() {
    // given a document mixing every case
    String text = " Dr. Müller (CEO of 東芝) said:\t\"Revenue rose 3.5% to €1,200m\" 🚀🚀\u00A0—\r\nU.S.-based 𝔘X. ";

    // when
    List<Word> words = WordSplitter.split(text);

    // then
    assertEquals(List.of("Dr", ".", "Müller", "(", "CEO", "of", "東", "芝", ")", "said", ":", "\"", "Revenue",
        "rose", "3", ".", "5", "%", "to", "€1", ",", "200m", "\"", "🚀🚀", "—", "U", ".", "S", ".", "-",
        "based", "𝔘X", "."), texts(words));
    assertOffsetsMatch(text, words);
  }

  @Test
  void shouldRejectAWordWhoseOffsetsDoNotSpanItsText() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Word("Paris", 3, 7));
    assertEquals("expected offsets [start, end) with start >= 0 spanning the 5 chars of 'Paris' but found [3, 7)",
        e.getMessage());
  }

  private static List<String> texts(List<Word> words) {
    return words.stream().map(Word::text).toList();
  }

  /** Every word is the substring at its offsets, words are in order without overlap, and none holds a space. */
  private static void assertOffsetsMatch(String text, List<Word> words) {
    int previousEnd = 0;
    for (Word word : words) {
      assertEquals(text.substring(word.start(), word.end()), word.text());
      assertTrue(word.start() >= previousEnd, () -> word + " overlaps the word before it");
      assertFalse(word.text().isEmpty() || word.text().chars().anyMatch(Character::isWhitespace), word::toString);
      assertFalse(Character.isLowSurrogate(text.charAt(word.start())), () -> word + " starts inside a pair");
      assertFalse(Character.isHighSurrogate(text.charAt(word.end() - 1)), () -> word + " ends inside a pair");
      previousEnd = word.end();
    }
  }
}
