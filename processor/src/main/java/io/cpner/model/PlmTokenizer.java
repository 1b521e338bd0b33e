package io.cpner.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The PLM's word-piece tokenizer (a Hugging Face {@code tokenizer.json}), used on words that the
 * caller has already split, so every piece knows the word it came from.
 *
 * <p>Thread-safe: the native tokenizer is immutable once built.
 */
public final class PlmTokenizer implements AutoCloseable {
  /** Word pieces of a list of words: piece ids, and for each piece the index of its word. */
  public record Pieces(long[] ids, int[] wordIndex) {
    public int size() {
      return ids.length;
    }
  }

  private final HuggingFaceTokenizer tokenizer;
  private final long clsId;
  private final long sepId;

  private PlmTokenizer(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
    long[] special = tokenizer.encode("", true, false).getIds();
    if (special.length != 2) {
      throw new IllegalArgumentException(
          "tokenizer.json: expected a BERT-style template adding [CLS] and [SEP], found " + special.length + " special tokens");
    }
    this.clsId = special[0];
    this.sepId = special[1];
  }

  /** Builds a tokenizer from the bytes of a {@code tokenizer.json}. */
  public static PlmTokenizer fromJson(byte[] tokenizerJson, String source) {
    try {
      return new PlmTokenizer(HuggingFaceTokenizer.newInstance(
          new ByteArrayInputStream(tokenizerJson),
          Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "false")));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          source + ": expected a Hugging Face tokenizer.json, could not build a tokenizer from it: " + e.getMessage(), e);
    }
  }

  /** Word pieces of pre-split words, without special tokens. A word that yields no piece is absent. */
  public Pieces pieces(List<String> words) {
    if (words.isEmpty()) {
      return new Pieces(new long[0], new int[0]);
    }
    Encoding encoding = tokenizer.encode(words.toArray(String[]::new), false, false);
    long[] wordIds = encoding.getWordIds();
    int[] wordIndex = new int[wordIds.length];
    for (int i = 0; i < wordIds.length; i++) {
      wordIndex[i] = (int) wordIds[i];
    }
    return new Pieces(encoding.getIds(), wordIndex);
  }

  /** Ids of a whole text with [CLS] and [SEP], exactly as the reference sentence encoder sees it. */
  public long[] encodeText(String text) {
    return tokenizer.encode(text, true, false).getIds();
  }

  public long clsId() {
    return clsId;
  }

  public long sepId() {
    return sepId;
  }

  @Override
  public void close() {
    tokenizer.close();
  }

}
