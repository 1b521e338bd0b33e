package io.cpner.ops.training;

import io.cpner.model.Plm;
import io.cpner.ops.options.PlmOption;
import io.cpner.ops.prefixes.PrefixLoading;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixCodec;
import io.cpner.training.PrefixTraining;
import io.cpner.training.ProgressBar;
import io.cpner.training.data.TrainingData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cpner train}: trains one domain's prefix and head on its own data, the PLM frozen. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a domain prefix (reparameterised, PLM frozen) on a CrossNER-format file; keep the best by dev F1.")
public final class TrainCommand implements Callable<Integer> {
  @Mixin PlmOption plmOption;
  @Mixin TrainingOptionsMixin training;

  @Option(names = "--domain", required = true, description = "Domain name, e.g. politics.") String domain;
  @Option(names = "--train", required = true, description = "Training file.") Path trainFile;
  @Option(names = "--dev", required = true, description = "Dev file (model selection).") Path devFile;
  @Option(names = "--out", required = true, description = "Prefix directory to write.") Path out;
  @Option(names = "--version", defaultValue = "1", description = "Prefix version (default ${DEFAULT-VALUE}).") long version;
  @Option(names = "--head-from", split = ",", description = "Prefix directories whose head columns start the shared labels.")
  List<Path> headFrom = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    try (Plm plm = plmOption.load()) {
      TrainingData data = TrainingData.read(trainFile, devFile);
      List<DomainPrefix> heads = new ArrayList<>();
      for (Path dir : headFrom) {
        heads.add(PrefixLoading.loadFor(plm, dir));
      }
      PrefixTraining.Outcome outcome = new PrefixTraining(plm, training.options(), progressBar())
          .trainAlone(domain, version, data, heads);
      PrefixCodec.write(outcome.prefix(), out);
      TrainingReport.of(plm, out, "alone", outcome, training.options(), data).print();
      return 0;
    }
  }

  static ProgressBar progressBar() {
    return new ProgressBar(System.err, System.console() != null);
  }
}
