package io.cpner.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The result of an evaluation: the number of sentences scored and the entity counts per type, sorted
 * by type. Micro-averaged scores pool the counts of all types; macro averages are the unweighted mean
 * of the per-type scores and weighted averages weight them by support, as in seqeval's
 * {@code classification_report}. Immutable.
 */
public record Scores(int sentences, SortedMap<String, TypeScore> perType) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public Scores {
    if (sentences < 0) {
      throw new IllegalArgumentException("expected a non-negative sentence count, found " + sentences);
    }
    perType = Collections.unmodifiableSortedMap(new TreeMap<>(perType));
  }

  /** The counts of all types pooled. */
  public TypeScore micro() {
    return perType.values().stream().reduce(TypeScore.ZERO, TypeScore::plus);
  }

  /** Micro-averaged precision. */
  public double precision() {
    return micro().precision();
  }

  /** Micro-averaged recall. */
  public double recall() {
    return micro().recall();
  }

  /** Micro-averaged F1, the headline figure of seqeval's {@code f1_score}. */
  public double f1() {
    return micro().f1();
  }

  /** Entities predicted exactly, over all types. */
  public int truePositives() {
    return micro().truePositives();
  }

  /** Predicted entities that are not gold entities, over all types. */
  public int falsePositives() {
    return micro().falsePositives();
  }

  /** Gold entities that were not predicted, over all types. */
  public int falseNegatives() {
    return micro().falseNegatives();
  }

  /** Macro-averaged F1: the mean of the per-type F1 scores, or 0 when there is no type. */
  public double macroF1() {
    return average(TypeScore::f1, false);
  }

  /**
   * The scores as a JSON object: micro {@code precision}, {@code recall}, {@code f1}, the counts,
   * {@code macroAvg} and {@code weightedAvg}, and {@code perType} keyed by type. Ratios are in
   * {@code [0, 1]}, unrounded.
   */
  public ObjectNode toJsonNode() {
    ObjectNode root = JSON.createObjectNode();
    root.put("sentences", sentences);
    writeScore(root, micro());
    root.set("macroAvg", averagesNode(false));
    root.set("weightedAvg", averagesNode(true));
    ObjectNode types = root.putObject("perType");
    perType.forEach((type, score) -> writeScore(types.putObject(type), score));
    return root;
  }

  /** {@link #toJsonNode()} pretty-printed. */
  public String toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJsonNode());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of numbers and strings must serialise", e);
    }
  }

  /**
   * A report laid out like seqeval's {@code classification_report}, with scores as percentages to 2
   * decimals: one row per type, then micro, macro and weighted averages.
   */
  public String toTable() {
    int width = "weighted avg".length();
    for (String type : perType.keySet()) {
      width = Math.max(width, type.length());
    }
    String rowFormat = "%" + width + "s  %9.2f %9.2f %9.2f %9d\n";
    StringBuilder table = new StringBuilder();
    table.append(String.format(Locale.ROOT, "%" + width + "s  %9s %9s %9s %9s\n\n",
        "", "precision", "recall", "f1-score", "support"));
    for (Map.Entry<String, TypeScore> row : perType.entrySet()) {
      TypeScore score = row.getValue();
      table.append(String.format(Locale.ROOT, rowFormat, row.getKey(),
          100 * score.precision(), 100 * score.recall(), 100 * score.f1(), score.support()));
    }
    table.append('\n');
    int support = micro().support();
    table.append(String.format(Locale.ROOT, rowFormat, "micro avg", 100 * precision(), 100 * recall(), 100 * f1(), support));
    for (boolean weighted : new boolean[] {false, true}) {
      table.append(String.format(Locale.ROOT, rowFormat, weighted ? "weighted avg" : "macro avg",
          100 * average(TypeScore::precision, weighted), 100 * average(TypeScore::recall, weighted),
          100 * average(TypeScore::f1, weighted), support));
    }
    return table.toString();
  }

  /** The mean of one per-type metric, unweighted or weighted by support; 0 when the weights sum to 0. */
  private double average(ToDoubleFunction<TypeScore> metric, boolean bySupport) {
    double sum = 0;
    double weights = 0;
    for (TypeScore score : perType.values()) {
      double weight = bySupport ? score.support() : 1;
      sum += weight * metric.applyAsDouble(score);
      weights += weight;
    }
    return weights == 0 ? 0 : sum / weights;
  }

  private ObjectNode averagesNode(boolean bySupport) {
    ObjectNode node = JSON.createObjectNode();
    node.put("precision", average(TypeScore::precision, bySupport));
    node.put("recall", average(TypeScore::recall, bySupport));
    node.put("f1", average(TypeScore::f1, bySupport));
    return node;
  }

  private static void writeScore(ObjectNode node, TypeScore score) {
    node.put("precision", score.precision());
    node.put("recall", score.recall());
    node.put("f1", score.f1());
    node.put("support", score.support());
    node.put("truePositives", score.truePositives());
    node.put("falsePositives", score.falsePositives());
    node.put("falseNegatives", score.falseNegatives());
  }
}
