package io.cpner.training.data;

import io.cpner.eval.EntityScorer;
import io.cpner.eval.LabelledSentence;
import io.cpner.eval.Scores;
import io.cpner.inference.NerEngine;
import io.cpner.prefix.DomainPrefix;
import java.util.List;

/** Scores a prefix on labelled sentences: the engine tags their words, seqeval rules score the result. */
public final class Evaluation {
  private Evaluation() {}

  public static Scores score(NerEngine engine, DomainPrefix prefix, List<LabelledSentence> sentences) {
    List<List<String>> predicted = engine.tagWords(sentences.stream().map(LabelledSentence::tokens).toList(), prefix);
    EntityScorer scorer = new EntityScorer();
    for (int i = 0; i < sentences.size(); i++) {
      scorer.add(sentences.get(i), predicted.get(i));
    }
    return scorer.scores();
  }
}
