package io.cpner.inference.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a document's words into overlapping windows that each fit the model, and gives every word
 * to exactly one window: the one in which it sits furthest from an edge (the middle of each overlap
 * is the boundary). So a long document is tagged with context on both sides of every word, and no
 * word, hence no entity, is lost or predicted twice at a boundary.
 */
public final class WindowPlanner {
  /**
   * Words {@code [first, end)} go into the window; words {@code [ownFirst, ownEnd)} take their labels
   * from it.
   */
  public record Window(int first, int end, int ownFirst, int ownEnd) {}

  private final int maxPieces;
  private final int overlapPieces;

  /**
   * @param maxPieces word pieces one window holds
   * @param overlapPieces pieces two neighbouring windows aim to share, at most {@code maxPieces / 4}
   */
  public WindowPlanner(int maxPieces, int overlapPieces) {
    if (maxPieces < 4 || overlapPieces < 0 || overlapPieces > maxPieces / 4) {
      throw new IllegalArgumentException("window of " + maxPieces + " pieces with overlap " + overlapPieces
          + ": expected at least 4 pieces and an overlap between 0 and a quarter of the window");
    }
    this.maxPieces = maxPieces;
    this.overlapPieces = overlapPieces;
  }

  /** Most pieces of one word a window keeps (its first piece, which carries its label, always stays). */
  public int maxPiecesPerWord() {
    return maxPieces / 4;
  }

  /**
   * Plans the windows.
   *
   * @param pieceCounts pieces per word, each already capped at {@link #maxPiecesPerWord()} (0 allowed)
   */
  public List<Window> plan(int[] pieceCounts) {
    int n = pieceCounts.length;
    List<int[]> spans = new ArrayList<>();
    int start = 0;
    while (true) {
      // take as many words as fit
      int end = start;
      int used = 0;
      while (end < n && used + pieceCounts[end] <= maxPieces) {
        used += pieceCounts[end++];
      }
      spans.add(new int[] {start, end});
      if (end >= n) {
        break;
      }
      // the next window starts up to overlapPieces back, always moving forward
      int next = end;
      int back = 0;
      while (next - 1 > start && back + pieceCounts[next - 1] <= overlapPieces) {
        back += pieceCounts[--next];
      }
      start = next;
    }
    List<Window> windows = new ArrayList<>(spans.size());
    int ownFirst = 0;
    for (int i = 0; i < spans.size(); i++) {
      int[] s = spans.get(i);
      int ownEnd = i + 1 < spans.size() ? Math.max(ownFirst, (spans.get(i + 1)[0] + s[1] + 1) / 2) : n;
      windows.add(new Window(s[0], s[1], ownFirst, ownEnd));
      ownFirst = ownEnd;
    }
    return windows;
  }
}
