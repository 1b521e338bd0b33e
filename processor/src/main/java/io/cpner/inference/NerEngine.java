package io.cpner.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.cpner.model.Plm;
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
public final class NerEngine implements DocumentTagger {
  /** One document to tag with the given domain's prefix. */
  public record Request(String text, DomainPrefix prefix) {
    public Request {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(prefix, "prefix");
    }
  }

  /** A document already split into words, with the prefix to tag it with. */
  private record Doc(List<String> words, DomainPrefix prefix) {}

  /** One window of one document. */
  private record Row(int doc, WindowEncoder.EncodedWindow window) {
    int length() {
      return window.ids().length;
    }
  }

  /** Per word of a document: the chosen label's index and its probability. */
  private record WordPredictions(int[] label, float[] probability) {}

  private final Plm plm;
  private final PrefixedEncoder encoder;
  private final EngineOptions options;
  private final WindowEncoder windows;

  public NerEngine(Plm plm, EngineOptions options) {
    if (options.windowPieces() > plm.maxPieces()) {
      throw new IllegalArgumentException("windowPieces " + options.windowPieces() + " exceeds the PLM's " + plm.maxPieces());
    }
    this.plm = plm;
    this.encoder = new PrefixedEncoder(plm);
    this.options = options;
    this.windows = new WindowEncoder(plm.tokenizer(), options.windowPieces(), options.windowOverlap());
  }

  public NerEngine(Plm plm) {
    this(plm, EngineOptions.defaults(plm.maxPieces()));
  }

  @Override
  public int countTokens(String text) {
    return plm.tokenizer().pieces(WordSplitter.split(text).stream().map(WordSplitter.Word::text).toList()).size();
  }

  @Override
  public String modelId() {
    return plm.id();
  }

  /** Entities of each request's text, in request order; an empty or blank text has none. */
  @Override
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
      for (WindowEncoder.EncodedWindow window : windows.encode(docs.get(d).words())) {
        rows.add(new Row(d, window));
      }
    }
    // group rows of similar length so little compute goes to padding
    rows.sort(Comparator.comparingInt(Row::length));
    int start = 0;
    while (start < rows.size()) {
      int end = start;
      long real = 0;
      while (end < rows.size() && fits(end - start, real, rows.get(end).length())) {
        real += rows.get(end).length();
        end++;
      }
      runBatch(rows.subList(start, end), docs, predictions);
      start = end;
    }
    return predictions;
  }

  /**
   * Whether one more row of {@code length} pieces (the longest so far, rows being sorted) fits a
   * pass that already holds {@code rows} rows of {@code real} pieces. The first row always fits.
   */
  private boolean fits(int rows, long real, int length) {
    if (rows == 0) {
      return true;
    }
    long padded = (long) (rows + 1) * length;
    return rows < options.maxBatchRows() && padded <= options.maxBatchTokens()
        && (options.maxPaddingRatio() == 0 || padded <= options.maxPaddingRatio() * (real + length));
  }

  /** One forward pass over rows of possibly different domains, then each domain's head on its words. */
  private void runBatch(List<Row> rows, List<Doc> docs, List<WordPredictions> predictions) {
    int batch = rows.size();
    List<DomainPrefix> rowPrefixes = rows.stream().map(r -> docs.get(r.doc()).prefix()).toList();
    try (NDManager scope = plm.manager().newSubManager()) {
      PaddedIds input = PaddedIds.of(scope, rows.stream().map(r -> r.window().ids()).toList());
      int seq = input.seq();
      PrefixBatch prefixBatch = PrefixStacker.stack(
          scope, rowPrefixes, plm.config().layers(), plm.config().heads(), plm.config().headDim());
      NDArray hidden = encoder.forward(scope, input.ids(), input.mask(), prefixBatch);
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
      WindowEncoder.EncodedWindow w = rows.get(r).window();
      for (int i = 0; i < w.firstPiecePos().length; i++) {
        if (w.firstPiecePos()[i] >= 0) {
          targets.add(new long[] {rows.get(r).doc(), w.ownFirst() + i, (long) r * seq + w.firstPiecePos()[i]});
        }
      }
    }
    if (targets.isEmpty()) {
      return;
    }
    long[] positions = targets.stream().mapToLong(t -> t[2]).toArray();
    NDArray atWords = TaggingHead.rowsAt(scope, flat, positions); // (words, hidden)
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
