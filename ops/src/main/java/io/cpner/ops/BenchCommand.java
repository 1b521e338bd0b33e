package io.cpner.ops;

import io.cpner.eval.ConllFile;
import io.cpner.eval.LabelledSentence;
import io.cpner.inference.EngineOptions;
import io.cpner.inference.NerEngine;
import io.cpner.model.Plm;
import io.cpner.prefix.DomainPrefix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cpner bench}: engine-only forward throughput (tokens/s, sentences/s) at several batch sizes
 * on real sentences, with a domain prefix applied, and the memory the loaded PLM takes.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure engine forward throughput at several batch sizes on a CrossNER-format file.")
final class BenchCommand implements Callable<Integer> {
  @Mixin PlmOption plmOption;

  @Option(names = "--prefix", required = true, description = "Prefix directory applied to every row.")
  Path prefixDir;

  @Option(names = "--data", required = true, description = "Sentences to run, CrossNER format (labels are ignored).")
  Path data;

  @Option(names = "--batch-sizes", split = ",", defaultValue = "1,8,32", description = "Batch sizes (default ${DEFAULT-VALUE}).")
  List<Integer> batchSizes;

  @Option(names = "--max-padding", split = ",", defaultValue = "1.3",
      description = "Padding limits to compare: padded/real tokens per pass, 0 = none (default ${DEFAULT-VALUE}).")
  List<Double> paddingRatios;

  @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds per batch size (default ${DEFAULT-VALUE}).")
  double seconds;

  @Override
  public Integer call() throws Exception {
    long rssBefore = residentKb();
    try (Plm plm = plmOption.load()) {
      long rssAfter = residentKb();
      System.out.printf("PLM %s: %,d parameters, %.1f MiB of fp32 weights; resident memory %,d -> %,d KiB (+%.1f MiB)%n",
          plm.id(), plm.weights().parameterCount(), plm.weights().parameterCount() * 4 / 1048576.0,
          rssBefore, rssAfter, (rssAfter - rssBefore) / 1024.0);
      DomainPrefix prefix = PrefixLoading.loadFor(plm, prefixDir);
      List<List<String>> sentences = ConllFile.read(data).sentences().stream().map(LabelledSentence::tokens).toList();
      System.out.printf("%d sentences from %s, prefix %s v%d (P=%d), %d intra-op threads%n", sentences.size(), data,
          prefix.domain(), prefix.version(), prefix.prefixLength(), Runtime.getRuntime().availableProcessors());
      System.out.printf("%6s %8s %12s %12s %10s%n", "batch", "padding", "tokens/s", "sentences/s", "ms/batch");
      for (int batch : batchSizes) {
        for (double padding : paddingRatios) {
          measure(plm, prefix, sentences, batch, padding);
        }
      }
      return 0;
    }
  }

  private void measure(Plm plm, DomainPrefix prefix, List<List<String>> sentences, int batch, double padding) {
    EngineOptions defaults = EngineOptions.defaults(plm.maxPieces());
    NerEngine engine = new NerEngine(plm,
        defaults.withBatch(batch, Math.max(defaults.maxBatchTokens(), batch * 128)).withMaxPaddingRatio(padding));
    int cursor = 0;
    // warm-up: a few batches so that lazy native initialisation is not measured
    for (int i = 0; i < 3; i++) {
      List<List<String>> chunk = chunk(sentences, cursor, batch);
      engine.tagWords(chunk, prefix);
      cursor = (cursor + batch) % sentences.size();
    }
    long tokens = 0;
    long done = 0;
    long batches = 0;
    long start = System.nanoTime();
    while (System.nanoTime() - start < seconds * 1e9) {
      List<List<String>> chunk = chunk(sentences, cursor, batch);
      engine.tagWords(chunk, prefix);
      for (List<String> words : chunk) {
        tokens += plm.tokenizer().pieces(words).size() + 2;
      }
      done += chunk.size();
      batches++;
      cursor = (cursor + batch) % sentences.size();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    System.out.printf("%6d %8s %12.0f %12.1f %10.1f%n", batch, padding == 0 ? "any" : "<=" + padding, tokens / elapsed,
        done / elapsed, elapsed * 1000 / batches);
  }

  private static List<List<String>> chunk(List<List<String>> sentences, int from, int size) {
    int end = Math.min(sentences.size(), from + size);
    return sentences.subList(from, end);
  }

  private static long residentKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }
}
