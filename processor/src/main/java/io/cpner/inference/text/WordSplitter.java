package io.cpner.inference.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Splits raw document text into words with their character offsets, the way BERT's BasicTokenizer
 * pre-tokenises (without lower-casing or accent stripping, which do not move word boundaries):
 *
 * <ul>
 *   <li>whitespace separates words: any Unicode space or line separator, tab, newline, U+00A0
 *       and the other no-break spaces;</li>
 *   <li>every punctuation character is a word of its own: ASCII {@code !"#$%&'()*+,-./}, {@code :;<=>?@},
 *       {@code [\]^_`}, {@code {|}~}, and any character of a Unicode punctuation category (P*);</li>
 *   <li>every CJK ideograph (the code point blocks of BERT's {@code _is_chinese_char}) is a word of its
 *       own;</li>
 *   <li>control and format characters (Cc, Cf), U+FFFD and unpaired surrogates are dropped, as BERT's
 *       text cleaning drops them: they never start or end a word and do not split one, so
 *       "Zürich" with a soft hyphen (U+00AD) inside is one word;</li>
 *   <li>every other run of characters is one word.</li>
 * </ul>
 *
 * <p>One deliberate difference from BERT: control characters that are also whitespace (vertical tab,
 * form feed, U+001C..U+001F, U+0085) separate words here, where BERT's cleaning deletes them and glues
 * the neighbouring words together. Otherwise the boundaries match Hugging Face's BERT pre-tokenizer.
 *
 * <p>Offsets are UTF-16 indices into the original string, half-open, and {@code word.text()} is always
 * {@code text.substring(word.start(), word.end())}. A surrogate pair (an emoji, {@code 𝔘}) is never
 * split. Empty or whitespace-only text gives no words.
 */
public final class WordSplitter {

  /** One word: its text, equal to {@code original.substring(start, end)}, and its UTF-16 offsets. */
  public record Word(String text, int start, int end) {
    public Word {
      Objects.requireNonNull(text, "word text");
      if (start < 0 || end - start != text.length()) {
        throw new IllegalArgumentException("expected offsets [start, end) with start >= 0 spanning the "
            + text.length() + " chars of '" + text + "' but found [" + start + ", " + end + ")");
      }
    }
  }

  private WordSplitter() {}

  /** The words of {@code text}, in order. */
  public static List<Word> split(String text) {
    Objects.requireNonNull(text, "text to split");
    List<Word> words = new ArrayList<>();
    int wordStart = -1; // start of the word being built, -1 when none
    int wordEnd = -1;   // end of its last kept character; dropped characters do not extend it
    for (int i = 0; i < text.length(); ) {
      int codePoint = text.codePointAt(i);
      int next = i + Character.charCount(codePoint);
      if (isWhitespace(codePoint)) {
        addWord(words, text, wordStart, wordEnd);
        wordStart = -1;
      } else if (isDropped(codePoint)) {
        // removed by BERT's cleaning: neither a separator nor part of a word's edge
      } else if (isPunctuation(codePoint) || isCjkIdeograph(codePoint)) {
        addWord(words, text, wordStart, wordEnd);
        wordStart = -1;
        addWord(words, text, i, next);
      } else {
        if (wordStart < 0) {
          wordStart = i;
        }
        wordEnd = next;
      }
      i = next;
    }
    addWord(words, text, wordStart, wordEnd);
    return List.copyOf(words);
  }

  private static void addWord(List<Word> words, String text, int start, int end) {
    if (start >= 0) {
      words.add(new Word(text.substring(start, end), start, end));
    }
  }

  /** Unicode whitespace: spaces (Zs, incl. no-break spaces), line and paragraph separators, tab, CR, LF, VT, FF, NEL. */
  static boolean isWhitespace(int codePoint) {
    return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint) || codePoint == 0x85;
  }

  /** Control (Cc) and format (Cf) characters, U+FFFD and lone surrogates: what BERT's text cleaning removes. */
  static boolean isDropped(int codePoint) {
    int type = Character.getType(codePoint);
    return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
        || codePoint == 0xFFFD;
  }

  /** BERT's punctuation: the four ASCII symbol ranges, plus every Unicode P* category. */
  static boolean isPunctuation(int codePoint) {
    if ((codePoint >= 33 && codePoint <= 47) || (codePoint >= 58 && codePoint <= 64)
        || (codePoint >= 91 && codePoint <= 96) || (codePoint >= 123 && codePoint <= 126)) {
      return true;
    }
    return switch (Character.getType(codePoint)) {
      case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
          Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION -> true;
      default -> false;
    };
  }

  /** The CJK Unified Ideographs blocks (and extensions, compatibility ideographs) of BERT's {@code _is_chinese_char}. */
  static boolean isCjkIdeograph(int codePoint) {
    return (codePoint >= 0x4E00 && codePoint <= 0x9FFF)
        || (codePoint >= 0x3400 && codePoint <= 0x4DBF)
        || (codePoint >= 0x20000 && codePoint <= 0x2A6DF)
        || (codePoint >= 0x2A700 && codePoint <= 0x2B73F)
        || (codePoint >= 0x2B740 && codePoint <= 0x2B81F)
        || (codePoint >= 0x2B820 && codePoint <= 0x2CEAF)
        || (codePoint >= 0xF900 && codePoint <= 0xFAFF)
        || (codePoint >= 0x2F800 && codePoint <= 0x2FA1F);
  }
}
