package io.cpner.ops;

import io.cpner.eval.ConllFile;
import io.cpner.eval.LabelledSentence;
import io.cpner.eval.Scores;
import io.cpner.inference.NerEngine;
import io.cpner.model.Plm;
import io.cpner.ops.options.InferenceOptions;
import io.cpner.ops.options.PlmOption;
import io.cpner.ops.prefixes.PrefixLoading;
import io.cpner.prefix.DomainPrefix;
import io.cpner.training.data.Evaluation;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cpner eval}: entity-level micro P/R/F1 and per-type scores of a prefix on a labelled file. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Score a prefix on a CrossNER-format file (token TAB BIO-tag): entity-level micro P/R/F1 and per type.")
final class EvalCommand implements Callable<Integer> {
  @Mixin PlmOption plmOption;

  @Mixin InferenceOptions inference;

  @Option(names = "--prefix", required = true, description = "Prefix directory.")
  Path prefixDir;

  @Option(names = "--data", required = true, description = "Labelled file, e.g. ../shared/data/crossner/politics/dev.txt.")
  Path data;

  @Option(names = "--json", description = "Print the scores as JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (Plm plm = plmOption.load()) {
      DomainPrefix prefix = PrefixLoading.loadFor(plm, prefixDir);
      List<LabelledSentence> sentences = ConllFile.read(data).sentences();
      try (NerEngine engine = inference.open(plm)) {
        Scores scores = Evaluation.score(engine, prefix, sentences);
        System.out.println(json ? scores.toJson() : scores.toTable());
        return 0;
      }
    }
  }

}
