package io.cpner.inference.decoding;

import io.cpner.eval.Span;
import io.cpner.prefix.CrfTransitions;
import io.cpner.prefix.DomainPrefix;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one document's per-word label scores (its domain head's logits) into labels and scored
 * entities. With a CRF head the labels are decoded jointly (Viterbi), so they are always well-formed
 * BIO, and an entity's score is its marginal probability (forward-backward). Without one (prefixes
 * made before the CRF head), each word takes its own most likely label, and an entity's score is the
 * mean probability of its words' labels.
 */
public final class LabelDecoder {
  /** A document's labels, one per word, and its entities with their scores. */
  public record Decoded(List<String> labels, List<ScoredSpan> entities) {}

  /** An entity over words {@code [span.start, span.endExclusive)} and how sure the model is of it. */
  public record ScoredSpan(Span span, double score) {}

  private LabelDecoder() {}

  /**
   * @param logits {@code (words, labels)} row-major; rows of words that are not {@code scored} are ignored
   * @param scored per word, whether it has logits (a word without word pieces has none and is O)
   */
  public static Decoded decode(DomainPrefix prefix, float[] logits, boolean[] scored) {
    List<String> names = prefix.labels();
    int labels = names.size();
    int words = scored.length;
    int[] compactOf = new int[words]; // word -> row of the compact (scored words only) sequence
    List<Integer> kept = new ArrayList<>();
    for (int w = 0; w < words; w++) {
      compactOf[w] = scored[w] ? kept.size() : -1;
      if (scored[w]) {
        kept.add(w);
      }
    }
    int n = kept.size();
    float[] compact = new float[n * labels];
    for (int i = 0; i < n; i++) {
      System.arraycopy(logits, kept.get(i) * labels, compact, i * labels, labels);
    }
    int[] label = new int[words]; // label 0 is O
    CrfTransitions crf = prefix.crf();
    CrfDecoder chain = crf != null && n > 0 ? new CrfDecoder(crf, compact, n) : null;
    float[] probability = new float[n];
    if (chain != null) {
      int[] path = chain.viterbi();
      for (int i = 0; i < n; i++) {
        label[kept.get(i)] = path[i];
      }
    } else {
      for (int i = 0; i < n; i++) {
        int best = argmaxWithProbability(compact, i * labels, labels, probability, i);
        label[kept.get(i)] = best;
      }
    }
    List<String> out = new ArrayList<>(words);
    for (int l : label) {
      out.add(names.get(l));
    }
    List<ScoredSpan> entities = new ArrayList<>();
    for (Span span : io.cpner.eval.SpanExtractor.extract(out)) {
      int first = compactOf[span.start()];
      int endExclusive = compactOf[span.endExclusive() - 1] + 1;
      double score;
      if (chain != null) {
        score = chain.spanProbability(first, endExclusive, label[span.start()], names.indexOf("I-" + span.type()));
      } else {
        double sum = 0;
        for (int i = first; i < endExclusive; i++) {
          sum += probability[i];
        }
        score = sum / (endExclusive - first);
      }
      entities.add(new ScoredSpan(span, score));
    }
    return new Decoded(List.copyOf(out), List.copyOf(entities));
  }

  /** The argmax of one row of logits; its softmax probability goes to {@code probability[at]}. */
  private static int argmaxWithProbability(float[] logits, int offset, int labels, float[] probability, int at) {
    int best = 0;
    for (int l = 1; l < labels; l++) {
      if (logits[offset + l] > logits[offset + best]) {
        best = l;
      }
    }
    double sum = 0;
    for (int l = 0; l < labels; l++) {
      sum += Math.exp(logits[offset + l] - logits[offset + best]);
    }
    probability[at] = (float) (1 / sum);
    return best;
  }
}
