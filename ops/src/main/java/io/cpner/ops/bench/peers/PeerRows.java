package io.cpner.ops.bench.peers;

import io.cpner.inference.text.WordSplitter;
import io.cpner.model.Plm;
import java.util.List;

/**
 * The rows a peer runtime is fed, as its user would build them from the corpus: each text's word
 * pieces, cut to fit {@code positions}, between [CLS] and [SEP].
 */
public final class PeerRows {
  private PeerRows() {}

  /** One row per text, in corpus order; a row is at most {@code positions} ids long. */
  public static List<long[]> of(Plm plm, List<String> texts, int positions) {
    if (positions < 3) {
      throw new IllegalArgumentException("expected at least 3 positions ([CLS], a piece, [SEP]), found " + positions);
    }
    return texts.stream().map(t -> row(plm, t, positions)).toList();
  }

  private static long[] row(Plm plm, String text, int positions) {
    long[] pieces = plm.tokenizer().pieces(WordSplitter.split(text).stream().map(WordSplitter.Word::text).toList()).ids();
    int n = Math.min(pieces.length, positions - 2);
    long[] row = new long[n + 2];
    row[0] = plm.tokenizer().clsId();
    System.arraycopy(pieces, 0, row, 1, n);
    row[n + 1] = plm.tokenizer().sepId();
    return row;
  }
}
