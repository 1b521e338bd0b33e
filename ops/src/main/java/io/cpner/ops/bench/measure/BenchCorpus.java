package io.cpner.ops.bench.measure;

import io.cpner.eval.ConllFile;
import io.cpner.eval.LabelledSentence;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sentences a benchmark runs: the bundled corpus ({@code bench/sentences.tsv}, one
 * {@code domain<TAB>sentence} per line, written for the benchmark), a TSV file of the same form, or
 * a CrossNER-format file (its tokens joined by spaces, all of one domain).
 */
public record BenchCorpus(String source, List<Sentence> sentences) {
  /** One document of the corpus. */
  public record Sentence(String domain, String text) {}

  private static final String BUNDLED = "bench/sentences.tsv";

  public static BenchCorpus bundled() {
    try (InputStream in = BenchCorpus.class.getClassLoader().getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException("classpath resource " + BUNDLED + " is missing");
      }
      return new BenchCorpus("bundled " + BUNDLED, parseTsv(new String(in.readAllBytes(), StandardCharsets.UTF_8), BUNDLED));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A {@code .tsv} corpus, or a CrossNER file whose sentences all get {@code domain}. */
  public static BenchCorpus read(Path file, String domain) throws IOException {
    if (file.toString().endsWith(".tsv")) {
      return new BenchCorpus(file.toString(), parseTsv(Files.readString(file), file.toString()));
    }
    List<Sentence> out = new ArrayList<>();
    for (LabelledSentence s : ConllFile.read(file).sentences()) {
      out.add(new Sentence(domain, String.join(" ", s.tokens())));
    }
    return new BenchCorpus(file.toString(), List.copyOf(out));
  }

  private static List<Sentence> parseTsv(String content, String source) {
    List<Sentence> out = new ArrayList<>();
    String[] lines = content.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      int tab = line.indexOf('\t');
      if (tab <= 0) {
        throw new IllegalArgumentException(source + ":" + (i + 1) + ": expected domain<TAB>sentence, found '" + line + "'");
      }
      out.add(new Sentence(line.substring(0, tab), line.substring(tab + 1)));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(source + ": no sentences");
    }
    return List.copyOf(out);
  }

  /** The texts in corpus order. */
  public List<String> texts() {
    return sentences.stream().map(Sentence::text).toList();
  }
}
