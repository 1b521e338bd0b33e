package io.cpner.inference;

/**
 * One recognised entity: its surface text, its type (the BIO label without the prefix), its
 * character offsets {@code [start, end)} into the original document text, and a confidence score in
 * {@code [0, 1]} (the mean probability of the labels of its words).
 */
public record Entity(String text, String type, int start, int end, double score) {
  public Entity {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("entity offsets must satisfy 0 <= start <= end, got [" + start + ", " + end + ")");
    }
  }
}
