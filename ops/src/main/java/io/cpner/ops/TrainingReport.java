package io.cpner.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cpner.prefix.SourceWeight;
import io.cpner.training.PrefixTraining;
import java.nio.file.Path;

/** Prints what a training run produced as one JSON line (for people and for the manifest). */
final class TrainingReport {
  private TrainingReport() {}

  static void print(Path out, String method, PrefixTraining.Outcome outcome) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode node = json.createObjectNode();
    node.put("domain", outcome.prefix().domain());
    node.put("method", method);
    node.put("devF1", Math.round(outcome.devF1() * 100) / 100.0);
    node.put("bestEpoch", outcome.bestEpoch());
    node.put("epochsRun", outcome.epochsRun());
    node.put("trainingSeconds", Math.round(outcome.seconds()));
    node.put("trainSentencesPerSecond", Math.round(outcome.stepSentencesPerSecond() * 10) / 10.0);
    node.put("devSentencesPerSecond", Math.round(outcome.devSentencesPerSecond() * 10) / 10.0);
    ObjectNode weights = node.putObject("sourceWeights");
    for (SourceWeight w : outcome.prefix().metadata().sources()) {
      weights.put(w.domain(), w.weight());
    }
    node.put("out", out.toString());
    System.out.println(json.writeValueAsString(node));
  }
}
