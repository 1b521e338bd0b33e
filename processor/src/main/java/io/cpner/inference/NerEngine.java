package io.cpner.inference;

import io.cpner.inference.decoding.LabelDecoder;
import io.cpner.inference.decoding.SpanDecoder;
import io.cpner.inference.decoding.TaggingHead;
import io.cpner.inference.text.WindowEncoder;
import io.cpner.inference.text.WordShape;
import io.cpner.inference.text.WordSplitter;
import io.cpner.model.LayerMix;
import io.cpner.model.Plm;
import io.cpner.prefix.DomainPrefix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Named-entity recognition over one frozen PLM for any mix of domains: a batch of (text, domain
 * prefix) in, entities with character offsets out. Rows of one forward pass may belong to different
 * domains; each attends to its own prefix and is read by its own head.
 *
 * <p>Texts are split into words ({@link WordSplitter}), words into pieces; a text longer than a
 * window is cut into overlapping windows ({@link WindowPlanner}). A word's label scores are its
 * first piece's; a document's labels are decoded from all its words' scores at once
 * ({@link LabelDecoder}). Thread-safe: it holds only immutable state.
 */
public final class NerEngine implements DocumentTagger, AutoCloseable {
  /** One document to tag with the given domain's prefix. */
  public record Request(String text, DomainPrefix prefix) {
    public Request {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(prefix, "prefix");
    }
  }

  /** A document already split into words, with the prefix to tag it with. */
  private record Doc(List<String> words, DomainPrefix prefix) {}

  /**
   * A word one row of a pass owns: its document, its index there, the row, and the flat position
   * {@code row * seq + piece} of its first piece in the padded pass.
   */
  private record OwnedWord(int doc, int word, int row, long flatPosition) {}

  /** One window of one document. */
  private record Row(int doc, WindowEncoder.EncodedWindow window) {
    int length() {
      return window.ids().length;
    }
  }

  /**
   * Per word of a document: its head's label scores {@code (words, labels)}, and whether it has any
   * (a word without word pieces has none).
   */
  private record WordScores(float[] logits, boolean[] scored) {}

  /**
   * Work done since the engine was made: forward passes, rows (windows), and real vs padded tokens
   * (the padding waste is {@code paddedTokens / realTokens - 1}).
   */
  public record PassCounters(long passes, long rows, long realTokens, long paddedTokens) {}

  private final Plm plm;
  private final RowEncoder encoder;
  private final LongAdder passes = new LongAdder();
  private final LongAdder rowCount = new LongAdder();
  private final LongAdder realTokens = new LongAdder();
  private final LongAdder paddedTokens = new LongAdder();
  private final EngineOptions options;
  private final WindowEncoder windows;

  /** An engine on PyTorch (the backend training uses). */
  public NerEngine(Plm plm, EngineOptions options) {
    this(plm, options, new TorchRowEncoder(plm));
  }

  /** An engine on the given encoder, which it closes when closed. */
  public NerEngine(Plm plm, EngineOptions options, RowEncoder encoder) {
    if (options.windowPieces() > plm.maxPieces()) {
      throw new IllegalArgumentException("windowPieces " + options.windowPieces() + " exceeds the PLM's " + plm.maxPieces());
    }
    this.plm = plm;
    this.encoder = encoder;
    this.options = options;
    this.windows = new WindowEncoder(plm.tokenizer(), options.windowPieces(), options.windowOverlap());
  }

  public NerEngine(Plm plm) {
    this(plm, EngineOptions.defaults(plm.maxPieces()));
  }

  public PassCounters counters() {
    return new PassCounters(passes.sum(), rowCount.sum(), realTokens.sum(), paddedTokens.sum());
  }

  @Override
  public void close() {
    encoder.close();
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
    List<WordScores> scores = predict(docs);
    List<List<Entity>> out = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      LabelDecoder.Decoded decoded = decode(docs.get(i), scores.get(i));
      out.add(SpanDecoder.entities(requests.get(i).text(), words.get(i), decoded.entities()));
    }
    return out;
  }

  /** BIO labels for sentences already split into words (e.g. a CrossNER file), one per word. */
  public List<List<String>> tagWords(List<List<String>> sentences, DomainPrefix prefix) {
    List<Doc> docs = sentences.stream().map(s -> new Doc(s, prefix)).toList();
    List<WordScores> scores = predict(docs);
    List<List<String>> out = new ArrayList<>(docs.size());
    for (int i = 0; i < docs.size(); i++) {
      out.add(decode(docs.get(i), scores.get(i)).labels());
    }
    return out;
  }

  private static LabelDecoder.Decoded decode(Doc doc, WordScores scores) {
    return LabelDecoder.decode(doc.prefix(), scores.logits(), scores.scored());
  }

  private List<WordScores> predict(List<Doc> docs) {
    List<WordScores> predictions = new ArrayList<>(docs.size());
    List<Row> rows = new ArrayList<>();
    for (int d = 0; d < docs.size(); d++) {
      int words = docs.get(d).words().size();
      predictions.add(new WordScores(new float[words * docs.get(d).prefix().labels().size()], new boolean[words]));
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
      runPass(rows.subList(start, end), docs, predictions);
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
    return rows < options.maxPassRows() && padded <= options.maxPassTokens()
        && (options.maxPaddingRatio() == 0 || padded <= options.maxPaddingRatio() * (real + length));
  }

  /** One forward pass over rows of possibly different domains, then each row's domain head on its words. */
  private void runPass(List<Row> rows, List<Doc> docs, List<WordScores> predictions) {
    int seq = rows.stream().mapToInt(Row::length).max().orElseThrow();
    passes.increment();
    rowCount.add(rows.size());
    realTokens.add(rows.stream().mapToInt(Row::length).sum());
    paddedTokens.add((long) rows.size() * seq);
    List<DomainPrefix> rowPrefixes = rows.stream().map(r -> docs.get(r.doc()).prefix()).toList();
    // every word a row owns, in row order
    List<OwnedWord> targets = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      WindowEncoder.EncodedWindow w = rows.get(r).window();
      for (int i = 0; i < w.firstPiecePos().length; i++) {
        if (w.firstPiecePos()[i] >= 0) {
          targets.add(new OwnedWord(rows.get(r).doc(), w.ownFirst() + i, r, (long) r * seq + w.firstPiecePos()[i]));
        }
      }
    }
    if (targets.isEmpty()) {
      return;
    }
    // each word is read as its domain's weighted sum of the last layers: one row's weights, every word's copy
    int exposed = encoder.exposedLayers();
    float[][] rowMix = new float[rows.size()][exposed];
    for (int r = 0; r < rows.size(); r++) {
      LayerMix.write(DomainPrefix.copyOf(rowPrefixes.get(r).layerWeights()), exposed, rowMix[r], 0);
    }
    float[] layerMix = new float[targets.size() * exposed];
    for (int t = 0; t < targets.size(); t++) {
      System.arraycopy(rowMix[targets.get(t).row()], 0, layerMix, t * exposed, exposed);
    }
    float[] hidden = encoder.hiddenAt(rows.stream().map(r -> r.window().ids()).toList(), rowPrefixes,
        targets.stream().mapToLong(OwnedWord::flatPosition).toArray(), layerMix); // (targets, hidden)
    // each domain's head reads its own rows' words
    Map<DomainPrefix, List<Integer>> targetsByPrefix = new IdentityHashMap<>();
    for (int t = 0; t < targets.size(); t++) {
      targetsByPrefix.computeIfAbsent(rowPrefixes.get(targets.get(t).row()), k -> new ArrayList<>()).add(t);
    }
    targetsByPrefix.forEach((prefix, own) -> applyHead(hidden, prefix, own, targets, docs, predictions));
  }

  private void applyHead(float[] hidden, DomainPrefix prefix, List<Integer> own, List<OwnedWord> targets,
      List<Doc> docs, List<WordScores> predictions) {
    int width = plm.config().hidden();
    float[] atWords = new float[own.size() * width];
    float[] shapes = new float[own.size() * WordShape.SIZE];
    Map<Integer, float[]> docShapes = new java.util.HashMap<>();
    for (int i = 0; i < own.size(); i++) {
      OwnedWord target = targets.get(own.get(i));
      System.arraycopy(hidden, own.get(i) * width, atWords, i * width, width);
      float[] all = docShapes.computeIfAbsent(target.doc(), d -> WordShape.features(docs.get(d).words()));
      System.arraycopy(all, target.word() * WordShape.SIZE, shapes, i * WordShape.SIZE, WordShape.SIZE);
    }
    float[] logits = TaggingHead.logits(prefix, atWords, width, shapes); // (words, labels)
    int labels = prefix.labels().size();
    for (int i = 0; i < own.size(); i++) {
      OwnedWord target = targets.get(own.get(i));
      WordScores p = predictions.get(target.doc());
      System.arraycopy(logits, i * labels, p.logits(), target.word() * labels, labels);
      p.scored()[target.word()] = true;
    }
  }
}
