package io.cpner.ops.training;

import io.cpner.model.Plm;
import io.cpner.ops.options.PlmOption;
import io.cpner.ops.prefixes.PrefixDirectory;
import io.cpner.ops.prefixes.PrefixLoading;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixCodec;
import io.cpner.training.FusionWeights;
import io.cpner.training.PrefixTraining;
import io.cpner.training.SourceShare;
import io.cpner.training.data.TrainingData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cpner fuse}: transfer from one source domain, or CP-NER collaborative fusion of several,
 * into a target domain, then fine-tune on the target's data.
 */
@Command(name = "fuse", mixinStandardHelpOptions = true,
    description = "Single-source transfer (one --sources) or multi-source collaborative fusion (several) into a target domain.")
public final class FuseCommand implements Callable<Integer> {
  @Mixin PlmOption plmOption;
  @Mixin TrainingOptionsMixin training;

  @Option(names = "--target", required = true, description = "Target domain.") String target;
  @Option(names = "--sources", required = true, split = ",", description = "Source domains, e.g. conll2003 or music,science.")
  List<String> sources;
  @Option(names = "--prefixes", description = "Directory holding one prefix directory per domain (default: prefixes/<plm>).")
  Path prefixes;
  @Option(names = "--warmup", description = "The target's warm-up prefix (default: <prefixes>/<target>-alone, else <prefixes>/<target>).")
  Path warmupDir;
  @Option(names = "--train", required = true, description = "Target training file.") Path trainFile;
  @Option(names = "--dev", required = true, description = "Target dev file.") Path devFile;
  @Option(names = "--out", required = true, description = "Prefix directory to write.") Path out;
  @Option(names = "--version", defaultValue = "1", description = "Prefix version (default ${DEFAULT-VALUE}).") long version;
  @Option(names = "--fusion-weights", defaultValue = "LEARNED",
      description = "How several sources are weighed: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: CP-NER's).")
  FusionWeights fusionWeights;
  @Option(names = "--source-share", defaultValue = "0.5", converter = SourceShareConverter.class,
      description = "Share of the sources in the fused prefix, (1 - a) target + a weighted sources: a number from 0 to 1, or "
          + "'learned' (starts at 0, the warm start itself); default ${DEFAULT-VALUE}, CP-NER's. 0 fine-tunes the warm start "
          + "again without the sources (the ablation's control).")
  SourceShare sourceShare;

  /** Parses --source-share. */
  static final class SourceShareConverter implements picocli.CommandLine.ITypeConverter<SourceShare> {
    @Override
    public SourceShare convert(String value) {
      return SourceShare.parse(value);
    }
  }

  @Override
  public Integer call() throws Exception {
    try (Plm plm = plmOption.load()) {
      TrainingData data = TrainingData.read(trainFile, devFile);
      DomainPrefix warmup = PrefixLoading.loadFor(plm, warmupDir != null ? warmupDir : defaultWarmup());
      List<DomainPrefix> sourcePrefixes = new ArrayList<>();
      for (String source : sources) {
        sourcePrefixes.add(PrefixLoading.loadFor(plm, prefixesDir().resolve(source)));
      }
      PrefixTraining training = new PrefixTraining(plm, this.training.options(), TrainCommand.progressBar());
      PrefixTraining.Outcome outcome = sourcePrefixes.size() == 1
          ? training.transfer(target, version, data, sourcePrefixes.get(0), warmup)
          : training.fuse(target, version, data, warmup, sourcePrefixes, fusionWeights, sourceShare);
      PrefixCodec.write(outcome.prefix(), out);
      TrainingReport report = TrainingReport.of(plm, out, sourcePrefixes.size() == 1 ? "single-source" : "multi-source",
          outcome, this.training.options(), data);
      if (sourcePrefixes.size() > 1) {
        report.put("fusionWeights", fusionWeights.name());
        report.put("sourceShare", sourceShare.toString());
        outcome.sourceShare().ifPresent(a -> report.put("sourceShareAtBest", a));
      }
      report.print();
      return 0;
    }
  }

  private Path defaultWarmup() {
    Path alone = prefixesDir().resolve(target + "-alone");
    return java.nio.file.Files.isDirectory(alone) ? alone : prefixesDir().resolve(target);
  }

  private Path prefixesDir() {
    return prefixes != null ? prefixes : PrefixDirectory.shippedFor(plmOption.name());
  }
}
