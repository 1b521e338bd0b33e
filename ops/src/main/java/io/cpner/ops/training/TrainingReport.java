package io.cpner.ops.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cpner.inference.EncoderBackend;
import io.cpner.inference.EngineOptions;
import io.cpner.inference.NerEngine;
import io.cpner.model.Plm;
import io.cpner.model.onnx.PrefixedEncoderGraph.Precision;
import io.cpner.prefix.SourceWeight;
import io.cpner.training.PrefixTraining;
import io.cpner.training.TrainingOptions;
import io.cpner.training.data.Evaluation;
import io.cpner.training.data.TrainingData;
import java.nio.file.Path;

/**
 * What a training run produced, as one JSON line (for people and for the manifest): dev F1 as the
 * processor serves it, on fp32 (what selected the epoch) and on the default int8 engine, the recipe's
 * settings and seed, time and speed.
 */
public final class TrainingReport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ObjectNode node = JSON.createObjectNode();

  private TrainingReport() {}

  static TrainingReport of(Plm plm, Path out, String method, PrefixTraining.Outcome outcome, TrainingOptions options,
      TrainingData data) {
    TrainingReport report = new TrainingReport();
    ObjectNode node = report.node;
    node.put("domain", outcome.prefix().domain());
    node.put("method", method);
    node.put("devF1", round2(outcome.devF1()));
    node.put("devF1Int8", round2(int8DevF1(plm, outcome, data)));
    node.put("seed", options.seed());
    node.put("bestEpoch", outcome.bestEpoch());
    node.put("epochsRun", outcome.epochsRun());
    node.put("trainingSeconds", Math.round(outcome.seconds()));
    node.put("trainSentencesPerSecond", Math.round(outcome.stepSentencesPerSecond() * 10) / 10.0);
    node.put("devSentencesPerSecond", Math.round(outcome.devSentencesPerSecond() * 10) / 10.0);
    node.put("plm", plm.id());
    node.put("crf", outcome.prefix().crf() != null);
    node.put("headLayers", outcome.prefix().headLayers());
    node.put("headInput", outcome.prefix().metadata().headInput().name());
    node.put("prefixLength", outcome.prefix().prefixLength());
    ObjectNode weights = node.putObject("sourceWeights");
    for (SourceWeight w : outcome.prefix().metadata().sources()) {
      weights.put(w.domain(), w.weight());
    }
    node.put("out", out.toString());
    return report;
  }

  void put(String field, String value) {
    node.put(field, value);
  }

  void put(String field, double value) {
    node.put(field, value);
  }

  void print() throws Exception {
    System.out.println(JSON.writeValueAsString(node));
  }

  /** Dev F1 of the kept prefix on the processor's default engine (ONNX Runtime int8). */
  private static double int8DevF1(Plm plm, PrefixTraining.Outcome outcome, TrainingData data) {
    if (data.dev().isEmpty()) {
      return 0;
    }
    int cores = Runtime.getRuntime().availableProcessors();
    try (NerEngine engine = new NerEngine(plm, EngineOptions.defaults(plm.maxPieces()),
        EncoderBackend.ONNXRUNTIME.open(plm, Precision.INT8, cores))) {
      return Evaluation.score(engine, outcome.prefix(), data.dev()).f1() * 100;
    }
  }

  private static double round2(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
