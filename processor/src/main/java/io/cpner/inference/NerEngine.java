package io.cpner.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import io.cpner.model.Plm;
import io.cpner.model.PlmTokenizer;
import io.cpner.model.PrefixBatch;
import io.cpner.model.PrefixedEncoder;
import io.cpner.prefix.DomainPrefix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Named-entity recognition over one frozen PLM for any mix of domains: a batch of (text, domain
 * prefix) in, entities with character offsets out. Rows of one forward pass may belong to different
 * domains; each attends to its own prefix and is read by its own head.
 *
 * <p>Texts are split into words ({@link WordSplitter}), words into pieces; a text longer than a
 * window is cut into overlapping windows ({@link WindowPlanner}). A word's label is its first
 * piece's. Thread-safe: it holds only immutable state.
 */
public final class NerEngine {
  /** One document to tag with the given domain's prefix. */
  public record Request(String text, DomainPrefix prefix) {
    public Request {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(prefix, "prefix");
    }
  }

  /** A document already split into words, with the prefix to tag it with. */
  private record Doc(List<String> words, DomainPrefix prefix) {}

  /** One window of one document, ready to run: ids with [CLS]/[SEP], and where its owned words start. */
  private record Row(int doc, long[] ids, int ownFirst, int[] firstPiecePos) {}

  /** Per word of a document: the chosen label's index and its probability. */
  private record WordPredictions(int[] label, float[] probability) {}

  private final Plm plm;
  private final PrefixedEncoder encoder;
  private final EngineOptions options;
  private final WindowPlanner planner;

  public NerEngine(Plm plm, EngineOptions options) {
    if (options.windowPieces() > plm.maxPieces()) {
      throw new IllegalArgumentException("windowPieces " + options.windowPieces() + " exceeds the PLM's " + plm.maxPieces());
    }
    this.plm = plm;
    this.encoder = new PrefixedEncoder(plm);
    this.options = options;
    this.planner = new WindowPlanner(options.windowPieces(), options.windowOverlap());
  }

  public NerEngine(Plm plm) {
    this(plm, EngineOptions.defaults(plm.maxPieces()));
  }

  /** Entities of each request's text, in request order; an empty or blank text has none. */
  public List<List<Entity>> tag(List<Request> requests) {
    List<List<WordSplitter.Word>> words = requests.stream().map(r -> WordSplitter.split(r.text())).toList();
    List<Doc> docs = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      docs.add(new Doc(words.get(i).stream().map(WordSplitter.Word::text).toList(), requests.get(i).prefix()));
    }
    List<WordPredictions> predictions = predict(docs);
    List<List<Entity>> out = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      out.add(SpanDecoder.entities(requests.get(i).text(), words.get(i), labelsOf(docs.get(i), predictions.get(i)),
          predictions.get(i).probability()));
    }
    return out;
  }

  /** BIO labels for sentences already split into words (e.g. a CrossNER file), one per word. */
  public List<List<String>> tagWords(List<List<String>> sentences, DomainPrefix prefix) {
    List<Doc> docs = sentences.stream().map(s -> new Doc(s, prefix)).toList();
    List<WordPredictions> predictions = predict(docs);
    List<List<String>> out = new ArrayList<>(docs.size());
    for (int i = 0; i < docs.size(); i++) {
      out.add(labelsOf(docs.get(i), predictions.get(i)));
    }
    return out;
  }

  private List<WordPredictions> predict(List<Doc> docs) {
    List<WordPredictions> predictions = new ArrayList<>(docs.size());
    List<Row> rows = new ArrayList<>();
    for (int d = 0; d < docs.size(); d++) {
      int words = docs.get(d).words().size();
      int[] none = new int[words]; // words without pieces keep label 0 ("O") with probability 1
      float[] certain = new float[words];
      java.util.Arrays.fill(certain, 1f);
      predictions.add(new WordPredictions(none, certain));
      rows.addAll(windowRows(d, docs.get(d).words()));
    }
    // group rows of similar length so little compute goes to padding
    rows.sort(Comparator.comparingInt(r -> r.ids().length));
    int start = 0;
    while (start < rows.size()) {
      int end = start;
      while (end < rows.size() && end - start < options.maxBatchRows()
          && (long) (end - start + 1) * rows.get(end).ids().length <= options.maxBatchTokens()) {
        end++;
      }
      runBatch(rows.subList(start, end), docs, predictions);
      start = end;
    }
    return predictions;
  }

  /** Cuts one document into window rows. */
  private List<Row> windowRows(int doc, List<String> words) {
    if (words.isEmpty()) {
      return List.of();
    }
    PlmTokenizer.Pieces pieces = plm.tokenizer().pieces(words);
    int cap = planner.maxPiecesPerWord();
    int[] firstPiece = new int[words.size()];
    int[] count = new int[words.size()];
    java.util.Arrays.fill(firstPiece, -1);
    for (int p = 0; p < pieces.size(); p++) {
      int w = pieces.wordIndex()[p];
      if (firstPiece[w] < 0) {
        firstPiece[w] = p;
      }
      count[w] = Math.min(cap, count[w] + 1);
    }
    List<Row> rows = new ArrayList<>();
    for (WindowPlanner.Window window : planner.plan(count)) {
      int length = 2;
      for (int w = window.first(); w < window.end(); w++) {
        length += count[w];
      }
      long[] ids = new long[length];
      int[] firstPos = new int[window.ownEnd() - window.ownFirst()];
      int pos = 0;
      ids[pos++] = plm.tokenizer().clsId();
      for (int w = window.first(); w < window.end(); w++) {
        if (w >= window.ownFirst() && w < window.ownEnd()) {
          firstPos[w - window.ownFirst()] = count[w] > 0 ? pos : -1;
        }
        for (int k = 0; k < count[w]; k++) {
          ids[pos++] = pieces.ids()[firstPiece[w] + k];
        }
      }
      ids[pos] = plm.tokenizer().sepId();
      rows.add(new Row(doc, ids, window.ownFirst(), firstPos));
    }
    return rows;
  }

  /** One forward pass over rows of possibly different domains, then each domain's head on its words. */
  private void runBatch(List<Row> rows, List<Doc> docs, List<WordPredictions> predictions) {
    int batch = rows.size();
    int seq = rows.get(batch - 1).ids().length; // rows are sorted by length
    long[] ids = new long[batch * seq];
    float[] mask = new float[batch * seq];
    List<DomainPrefix> rowPrefixes = new ArrayList<>(batch);
    for (int r = 0; r < batch; r++) {
      long[] rowIds = rows.get(r).ids();
      System.arraycopy(rowIds, 0, ids, r * seq, rowIds.length);
      java.util.Arrays.fill(mask, r * seq, r * seq + rowIds.length, 1f);
      rowPrefixes.add(docs.get(rows.get(r).doc()).prefix());
    }
    try (NDManager scope = plm.manager().newSubManager()) {
      Shape shape = new Shape(batch, seq);
      PrefixBatch prefixBatch = PrefixStacker.stack(
          scope, rowPrefixes, plm.config().layers(), plm.config().heads(), plm.config().headDim());
      NDArray hidden = encoder.forward(scope, scope.create(ids, shape), scope.create(mask, shape), prefixBatch);
      NDArray flat = hidden.reshape(batch * (long) seq, plm.config().hidden()); // (batch * seq, hidden)
      // each domain's head reads its own rows' words
      Map<DomainPrefix, List<Integer>> rowsByPrefix = new IdentityHashMap<>();
      for (int r = 0; r < batch; r++) {
        rowsByPrefix.computeIfAbsent(rowPrefixes.get(r), k -> new ArrayList<>()).add(r);
      }
      rowsByPrefix.forEach((prefix, prefixRows) -> applyHead(scope, flat, seq, prefix, prefixRows, rows, docs, predictions));
    }
  }

  private void applyHead(NDManager scope, NDArray flat, int seq, DomainPrefix prefix, List<Integer> prefixRows,
      List<Row> rows, List<Doc> docs, List<WordPredictions> predictions) {
    List<long[]> targets = new ArrayList<>(); // (doc, word, flat position)
    for (int r : prefixRows) {
      Row row = rows.get(r);
      for (int i = 0; i < row.firstPiecePos().length; i++) {
        if (row.firstPiecePos()[i] >= 0) {
          targets.add(new long[] {row.doc(), row.ownFirst() + i, (long) r * seq + row.firstPiecePos()[i]});
        }
      }
    }
    if (targets.isEmpty()) {
      return;
    }
    long[] positions = targets.stream().mapToLong(t -> t[2]).toArray();
    NDArray index = scope.create(positions);
    NDArray atWords = index.getNDArrayInternal().embedding(index, flat, SparseFormat.DENSE).singletonOrThrow(); // (words, hidden)
    float[] shapes = new float[targets.size() * WordShape.SIZE];
    Map<Integer, float[]> docShapes = new java.util.HashMap<>();
    for (int t = 0; t < targets.size(); t++) {
      int doc = (int) targets.get(t)[0];
      float[] all = docShapes.computeIfAbsent(doc, d -> WordShape.features(docs.get(d).words()));
      System.arraycopy(all, (int) targets.get(t)[1] * WordShape.SIZE, shapes, t * WordShape.SIZE, WordShape.SIZE);
    }
    float[] probs = TaggingHead.probabilities(scope, prefix, atWords, shapes); // (words, labels)
    int labels = prefix.labels().size();
    for (int t = 0; t < targets.size(); t++) {
      WordPredictions p = predictions.get((int) targets.get(t)[0]);
      int word = (int) targets.get(t)[1];
      int best = 0;
      for (int l = 1; l < labels; l++) {
        if (probs[t * labels + l] > probs[t * labels + best]) {
          best = l;
        }
      }
      p.label()[word] = best;
      p.probability()[word] = probs[t * labels + best];
    }
  }

  private static List<String> labelsOf(Doc doc, WordPredictions predictions) {
    List<String> labels = doc.prefix().labels();
    List<String> out = new ArrayList<>(predictions.label().length);
    for (int l : predictions.label()) {
      out.add(labels.get(l));
    }
    return out;
  }
}
