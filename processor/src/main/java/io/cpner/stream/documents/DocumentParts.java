package io.cpner.stream.documents;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a long document into parts of at most a given number of word pieces, so that its forward
 * passes can share batches with other documents instead of monopolising them. Cuts fall between
 * sentences where possible (the prefixes are trained on sentences, so nothing they read is lost),
 * else between words, else, for a "word" longer than a part, every {@code maxTokens} characters
 * (a character is at least one piece). Parts are consecutive spans of the text; whitespace between
 * them belongs to neither.
 */
final class DocumentParts {
  /** Where a sentence ends: after . ! ? (or their full-width forms) and whitespace, or at a line break. */
  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?。！？])\\s+|\\n\\s*");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  /** One part: the text between {@code start} (inclusive) and {@code end} (exclusive). */
  record Part(int start, int end) {}

  private DocumentParts() {}

  /**
   * The parts of {@code text}, in order, each of at most {@code maxTokens} pieces as {@code tokens}
   * counts them (pieces of a text are the sum of its whitespace-separated words' pieces).
   */
  static List<Part> split(String text, int maxTokens, ToIntFunction<String> tokens) {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("a part holds at least one piece, found " + maxTokens);
    }
    List<Part> pieces = new ArrayList<>();
    List<Integer> costs = new ArrayList<>();
    for (Part sentence : spans(text, SENTENCE_END, 0, text.length())) {
      int cost = tokens.applyAsInt(text.substring(sentence.start(), sentence.end()));
      if (cost <= maxTokens) {
        pieces.add(sentence);
        costs.add(cost);
        continue;
      }
      for (Part word : spans(text, WHITESPACE, sentence.start(), sentence.end())) {
        int wordCost = tokens.applyAsInt(text.substring(word.start(), word.end()));
        if (wordCost <= maxTokens) {
          pieces.add(word);
          costs.add(wordCost);
          continue;
        }
        for (int at = word.start(); at < word.end(); at += maxTokens) {
          Part cut = new Part(at, Math.min(word.end(), at + maxTokens));
          pieces.add(cut);
          costs.add(tokens.applyAsInt(text.substring(cut.start(), cut.end())));
        }
      }
    }
    return pack(pieces, costs, maxTokens);
  }

  /** Joins neighbouring spans while the join stays within {@code maxTokens}. */
  private static List<Part> pack(List<Part> spans, List<Integer> costs, int maxTokens) {
    List<Part> parts = new ArrayList<>();
    int start = -1;
    int end = -1;
    int sum = 0;
    for (int i = 0; i < spans.size(); i++) {
      Part span = spans.get(i);
      int cost = costs.get(i);
      if (start >= 0 && sum + cost > maxTokens) {
        parts.add(new Part(start, end));
        start = -1;
      }
      if (start < 0) {
        start = span.start();
        sum = 0;
      }
      end = span.end();
      sum += cost;
    }
    if (start >= 0) {
      parts.add(new Part(start, end));
    }
    return parts;
  }

  /** The non-blank spans of {@code text[from, to)} between matches of {@code separator}. */
  private static List<Part> spans(String text, Pattern separator, int from, int to) {
    List<Part> out = new ArrayList<>();
    Matcher m = separator.matcher(text).region(from, to);
    int start = from;
    while (m.find()) {
      addTrimmed(text, start, m.start(), out);
      start = m.end();
    }
    addTrimmed(text, start, to, out);
    return out;
  }

  private static void addTrimmed(String text, int start, int end, List<Part> out) {
    while (start < end && Character.isWhitespace(text.charAt(start))) {
      start++;
    }
    while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    if (start < end) {
      out.add(new Part(start, end));
    }
  }
}
