package io.cpner.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntityScorerTest {

  private static final double EXACT = 1e-12;

  private final EntityScorer scorer = new EntityScorer();

  @Test
  void shouldCountTruncatedEntityAsFalsePositiveAndFalseNegative() {
    // given: PER predicted one token short, LOC exact
    scorer.add(List.of("B-PER", "I-PER", "O", "B-LOC"), List.of("B-PER", "O", "O", "B-LOC"));

    // when
    Scores scores = scorer.scores();

    // then
    assertEquals(new TypeScore(1, 1, 1), scores.micro());
    assertEquals(0.5, scores.precision(), EXACT);
    assertEquals(0.5, scores.recall(), EXACT);
    assertEquals(0.5, scores.f1(), EXACT);
    assertEquals(Map.of("LOC", new TypeScore(1, 0, 0), "PER", new TypeScore(0, 1, 1)), scores.perType());
  }

  @Test
  void shouldMatchPredictedEntityThatStartsWithInsideTag() {
    // given: the prediction opens the entity with I- after O
    scorer.add(List.of("O", "B-PER", "I-PER"), List.of("O", "I-PER", "I-PER"));

    // when
    Scores scores = scorer.scores();

    // then
    assertEquals(new TypeScore(1, 0, 0), scores.micro());
    assertEquals(1.0, scores.f1(), EXACT);
  }

  @Test
  void shouldCountRightSpanWithWrongTypeAsFalsePositiveOfOneTypeAndFalseNegativeOfTheOther() {
    // given
    scorer.add(List.of("B-PER", "I-PER", "O"), List.of("B-ORG", "I-ORG", "O"));

    // when
    Scores scores = scorer.scores();

    // then
    assertEquals(new TypeScore(0, 1, 1), scores.micro());
    assertEquals(Map.of("ORG", new TypeScore(0, 1, 0), "PER", new TypeScore(0, 0, 1)), scores.perType());
    assertEquals(0, scores.perType().get("ORG").support());
    assertEquals(0.0, scores.f1(), EXACT);
  }

  @Test
  void shouldAccumulateSupportsPerTypeOverSentences() {
    // given
    scorer.add(List.of("B-PER", "O", "B-LOC", "I-LOC"), List.of("B-PER", "O", "B-LOC", "I-LOC"));
    scorer.add(List.of("B-PER", "B-PER", "O"), List.of("B-PER", "O", "O"));

    // when
    Scores scores = scorer.scores();

    // then: PER has 3 gold entities of which 2 found; LOC 1 of 1
    assertEquals(2, scores.sentences());
    assertEquals(3, scores.perType().get("PER").support());
    assertEquals(1, scores.perType().get("LOC").support());
    assertEquals(new TypeScore(3, 0, 1), scores.micro());
    assertEquals(1.0, scores.precision(), EXACT);
    assertEquals(0.75, scores.recall(), EXACT);
    assertEquals(6.0 / 7.0, scores.f1(), EXACT);
  }

  @Test
  void shouldNotMatchIdenticalSpansInDifferentSentences() {
    // given: the gold entity is in sentence 1, the prediction at the same indices in sentence 2
    scorer.add(List.of("B-PER", "O"), List.of("O", "O"));
    scorer.add(List.of("O", "O"), List.of("B-PER", "O"));

    // then
    assertEquals(new TypeScore(0, 1, 1), scorer.scores().micro());
  }

  @Test
  void shouldScoreZeroWithoutTypesWhenBothSidesAreAllOutside() {
    // given
    scorer.add(List.of("O", "O", "O"), List.of("O", "O", "O"));

    // when
    Scores scores = scorer.scores();

    // then: 0/0 ratios are 0, as in seqeval
    assertEquals(1, scores.sentences());
    assertEquals(TypeScore.ZERO, scores.micro());
    assertEquals(0.0, scores.precision(), EXACT);
    assertEquals(0.0, scores.recall(), EXACT);
    assertEquals(0.0, scores.f1(), EXACT);
    assertTrue(scores.perType().isEmpty());
  }

  @Test
  void shouldCountEntityPredictedInAllOutsideSentenceAsFalsePositive() {
    scorer.add(List.of("O", "O"), List.of("B-LOC", "O"));
    assertEquals(Map.of("LOC", new TypeScore(0, 1, 0)), scorer.scores().perType());
  }

  @Test
  void shouldMatchSeqevalOnItsReadmeExample() {
    // given: seqeval's README example, documented there as f1_score 0.50, MISC 0.00 and PER 1.00
    scorer.add(List.of("O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"),
        List.of("O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"));
    scorer.add(List.of("B-PER", "I-PER", "O"), List.of("B-PER", "I-PER", "O"));

    // when
    Scores scores = scorer.scores();

    // then
    assertEquals(0.5, scores.f1(), EXACT);
    assertEquals(Map.of("MISC", new TypeScore(0, 1, 1), "PER", new TypeScore(1, 0, 0)), scores.perType());
  }

  @Test
  void shouldMatchSeqevalClassificationReportOnMixedErrors() {
    // given: seqeval, computed by hand from its get_entities and precision_recall_fscore_support:
    //   LOC  P 0.50 R 1.00 F 0.67 support 1   (I-LOC after O is LOC(3, 3) in seqeval)
    //   ORG  P 0.00 R 0.00 F 0.00 support 1
    //   PER  P 1.00 R 0.50 F 0.67 support 2
    //   micro P 2/3 R 1/2 F 4/7; macro F 4/9
    scorer.add(List.of("B-PER", "I-PER", "O", "B-LOC"), List.of("B-PER", "I-PER", "O", "I-LOC"));
    scorer.add(List.of("B-ORG", "O", "B-PER"), List.of("B-LOC", "O", "O"));

    // when
    Scores scores = scorer.scores();

    // then
    assertEquals(Map.of("LOC", new TypeScore(1, 1, 0), "ORG", new TypeScore(0, 0, 1), "PER", new TypeScore(1, 0, 1)),
        scores.perType());
    assertEquals(2.0 / 3.0, scores.perType().get("LOC").f1(), EXACT);
    assertEquals(2.0 / 3.0, scores.precision(), EXACT);
    assertEquals(0.5, scores.recall(), EXACT);
    assertEquals(4.0 / 7.0, scores.f1(), EXACT);
    assertEquals(4.0 / 9.0, scores.macroF1(), EXACT);
  }

  @Test
  void shouldRejectSequencesOfDifferentLengths() {
    // when
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> scorer.add(List.of("B-PER", "I-PER", "O", "O"), List.of("B-PER", "I-PER", "O")));

    // then
    assertEquals("expected one predicted tag per gold tag, found 4 gold and 3 predicted tags", error.getMessage());
    assertEquals(0, scorer.scores().sentences());
  }

  @Test
  void shouldRejectMalformedPredictedTagSayingWhichSide() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> scorer.add(List.of("O"), List.of("PER")));
    assertEquals("malformed predicted tags [PER]: tag at index 0 of 1: "
        + "expected O or a tag like B-type, I-type, E-type or S-type, found 'PER'", error.getMessage());
  }

  @Test
  void shouldReturnSnapshotThatLaterSentencesDoNotChange() {
    // given
    scorer.add(new LabelledSentence(List.of("Paris"), List.of("B-LOC")), List.of("B-LOC"));
    Scores before = scorer.scores();

    // when
    scorer.add(List.of("B-LOC"), List.of("O"));

    // then
    assertEquals(new TypeScore(1, 0, 0), before.micro());
    assertEquals(new TypeScore(1, 0, 1), scorer.scores().micro());
    assertThrows(UnsupportedOperationException.class, () -> before.perType().put("PER", TypeScore.ZERO));
  }
}
