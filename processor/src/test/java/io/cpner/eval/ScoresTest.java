package io.cpner.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ScoresTest {

  private static final double EXACT = 1e-12;

  /** The mixed-errors case of {@code EntityScorerTest}, as counts. */
  private static Scores mixedErrors() {
    return new Scores(2, new TreeMap<>(Map.of(
        "PER", new TypeScore(1, 0, 1), "LOC", new TypeScore(1, 1, 0), "ORG", new TypeScore(0, 0, 1))));
  }

  @Test
  void shouldLayOutTableLikeSeqevalClassificationReportInPercent() {
    // when
    String table = mixedErrors().toTable();

    // then: seqeval prints the same rows as fractions (0.50, 1.00, 0.67, ...)
    String expected = String.join("\n",
        "              precision    recall  f1-score   support",
        "",
        "         LOC      50.00    100.00     66.67         1",
        "         ORG       0.00      0.00      0.00         1",
        "         PER     100.00     50.00     66.67         2",
        "",
        "   micro avg      66.67     50.00     57.14         4",
        "   macro avg      50.00     50.00     44.44         4",
        "weighted avg      62.50     50.00     50.00         4",
        "");
    assertEquals(expected, table);
  }

  @Test
  void shouldWidenNameColumnForLongTypes() {
    // given
    Scores scores = new Scores(1, new TreeMap<>(Map.of("politicalparty", new TypeScore(1, 0, 0))));

    // when
    List<String> lines = scores.toTable().lines().toList();

    // then
    assertEquals("politicalparty     100.00    100.00    100.00         1", lines.get(2));
    assertEquals("  weighted avg     100.00    100.00    100.00         1", lines.get(6));
  }

  @Test
  void shouldWriteMicroAveragesCountsAndSortedPerTypeScoresAsJson() throws Exception {
    // when
    JsonNode json = new ObjectMapper().readTree(mixedErrors().toJson());

    // then
    assertEquals(2, json.get("sentences").asInt());
    assertEquals(2.0 / 3.0, json.get("precision").asDouble(), EXACT);
    assertEquals(0.5, json.get("recall").asDouble(), EXACT);
    assertEquals(4.0 / 7.0, json.get("f1").asDouble(), EXACT);
    assertEquals(2, json.get("truePositives").asInt());
    assertEquals(1, json.get("falsePositives").asInt());
    assertEquals(2, json.get("falseNegatives").asInt());
    assertEquals(4, json.get("support").asInt());
    assertEquals(4.0 / 9.0, json.get("macroAvg").get("f1").asDouble(), EXACT);
    assertEquals(0.625, json.get("weightedAvg").get("precision").asDouble(), EXACT);
    assertEquals(List.of("LOC", "ORG", "PER"), iterableToList(json.get("perType").fieldNames()));
    JsonNode person = json.get("perType").get("PER");
    assertEquals(1.0, person.get("precision").asDouble(), EXACT);
    assertEquals(0.5, person.get("recall").asDouble(), EXACT);
    assertEquals(2, person.get("support").asInt());
  }

  @Test
  void shouldScoreZeroWhenNothingWasPredictedOrNothingWasGold() {
    // given
    TypeScore nothingPredicted = new TypeScore(0, 0, 3);
    TypeScore nothingGold = new TypeScore(0, 2, 0);

    // then
    assertEquals(0.0, nothingPredicted.precision(), EXACT);
    assertEquals(0.0, nothingPredicted.f1(), EXACT);
    assertEquals(0.0, nothingGold.recall(), EXACT);
    assertEquals(0.0, nothingGold.f1(), EXACT);
  }

  @Test
  void shouldReportZeroAveragesWithoutTypes() {
    // given
    Scores empty = new Scores(0, new TreeMap<>());

    // then
    assertEquals(0.0, empty.macroF1(), EXACT);
    assertEquals("   micro avg       0.00      0.00      0.00         0", empty.toTable().lines().toList().get(3));
  }

  @Test
  void shouldRejectNegativeCounts() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new TypeScore(1, -1, 0));
    assertEquals("expected non-negative counts, found tp=1 fp=-1 fn=0", error.getMessage());
  }

  private static List<String> iterableToList(Iterator<String> names) {
    List<String> list = new ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }
}
