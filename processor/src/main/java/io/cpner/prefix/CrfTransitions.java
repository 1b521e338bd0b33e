package io.cpner.prefix;

import io.cpner.eval.BioTransitions;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * A linear-chain CRF's learned scores over a domain's BIO labels: {@code transitions[from][to]},
 * and a score for starting and for ending a sequence on each label. Transitions the BIO scheme
 * forbids ({@link BioTransitions}) score minus infinity whatever was learned, so every decoded
 * sequence is well formed. Immutable.
 */
public final class CrfTransitions {
  private final int labels;
  private final float[] transitions; // (labels, labels) row-major, as learned
  private final float[] start;
  private final float[] end;
  private final double[] effective; // transitions with forbidden ones at -inf
  private final double[] effectiveStart;

  private CrfTransitions(List<String> labelNames, float[] transitions, float[] start, float[] end) {
    this.labels = labelNames.size();
    this.transitions = transitions.clone();
    this.start = start.clone();
    this.end = end.clone();
    boolean[][] allowed = BioTransitions.allowed(labelNames);
    boolean[] allowedAtStart = BioTransitions.allowedAtStart(labelNames);
    this.effective = new double[labels * labels];
    this.effectiveStart = new double[labels];
    for (int from = 0; from < labels; from++) {
      effectiveStart[from] = allowedAtStart[from] ? start[from] : Double.NEGATIVE_INFINITY;
      for (int to = 0; to < labels; to++) {
        effective[from * labels + to] = allowed[from][to] ? transitions[from * labels + to] : Double.NEGATIVE_INFINITY;
      }
    }
  }

  /**
   * @param transitions {@code (labels, labels)} row-major, from-label major
   * @throws IllegalArgumentException if a length does not match the label count
   */
  public static CrfTransitions of(List<String> labels, float[] transitions, float[] start, float[] end) {
    int n = labels.size();
    if (transitions.length != n * n || start.length != n || end.length != n) {
      throw new IllegalArgumentException("a CRF over " + n + " labels needs " + n * n + " transitions and " + n
          + " start and end scores, found " + transitions.length + ", " + start.length + " and " + end.length);
    }
    return new CrfTransitions(labels, transitions, start, end);
  }

  public int labels() {
    return labels;
  }

  /** Score of label {@code to} right after {@code from}; minus infinity where BIO forbids it. */
  public double transition(int from, int to) {
    return effective[from * labels + to];
  }

  /** Score of a sequence starting on {@code label}; minus infinity for {@code I-x}. */
  public double start(int label) {
    return effectiveStart[label];
  }

  /** Score of a sequence ending on {@code label}. */
  public double end(int label) {
    return end[label];
  }

  /** The learned transitions {@code (labels, labels)}, read-only. */
  public FloatBuffer learnedTransitions() {
    return FloatBuffer.wrap(transitions).asReadOnlyBuffer();
  }

  /** The learned start scores, read-only. */
  public FloatBuffer learnedStart() {
    return FloatBuffer.wrap(start).asReadOnlyBuffer();
  }

  /** The learned end scores, read-only. */
  public FloatBuffer learnedEnd() {
    return FloatBuffer.wrap(end).asReadOnlyBuffer();
  }
}
