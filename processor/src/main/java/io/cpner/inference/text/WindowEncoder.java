package io.cpner.inference.text;

import io.cpner.model.PlmTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a document's words into model rows: word pieces in windows that fit the model, each with
 * [CLS] and [SEP], and for every word a window owns, the row position of its first piece (whose
 * hidden state the head reads). Used alike by inference and training, so both see the same rows.
 */
public final class WindowEncoder {
  /**
   * One row: ids with [CLS]/[SEP]; the words {@code [ownFirst, ownFirst + firstPiecePos.length)}
   * take their labels from it; {@code firstPiecePos[i]} is -1 for a word that has no piece.
   */
  public record EncodedWindow(long[] ids, int ownFirst, int[] firstPiecePos) {}

  private final PlmTokenizer tokenizer;
  private final WindowPlanner planner;

  public WindowEncoder(PlmTokenizer tokenizer, int windowPieces, int windowOverlap) {
    this.tokenizer = tokenizer;
    this.planner = new WindowPlanner(windowPieces, windowOverlap);
  }

  /** The rows of one document; none for a document without words. */
  public List<EncodedWindow> encode(List<String> words) {
    if (words.isEmpty()) {
      return List.of();
    }
    PlmTokenizer.Pieces pieces = tokenizer.pieces(words);
    int cap = planner.maxPiecesPerWord();
    int[] firstPiece = new int[words.size()];
    int[] count = new int[words.size()];
    Arrays.fill(firstPiece, -1);
    for (int p = 0; p < pieces.size(); p++) {
      int w = pieces.wordIndex()[p];
      if (firstPiece[w] < 0) {
        firstPiece[w] = p;
      }
      count[w] = Math.min(cap, count[w] + 1);
    }
    List<EncodedWindow> rows = new ArrayList<>();
    for (WindowPlanner.Window window : planner.plan(count)) {
      int length = 2;
      for (int w = window.first(); w < window.end(); w++) {
        length += count[w];
      }
      long[] ids = new long[length];
      int[] firstPos = new int[window.ownEnd() - window.ownFirst()];
      int pos = 0;
      ids[pos++] = tokenizer.clsId();
      for (int w = window.first(); w < window.end(); w++) {
        if (w >= window.ownFirst() && w < window.ownEnd()) {
          firstPos[w - window.ownFirst()] = count[w] > 0 ? pos : -1;
        }
        for (int k = 0; k < count[w]; k++) {
          ids[pos++] = pieces.ids()[firstPiece[w] + k];
        }
      }
      ids[pos] = tokenizer.sepId();
      rows.add(new EncodedWindow(ids, window.ownFirst(), firstPos));
    }
    return rows;
  }
}
