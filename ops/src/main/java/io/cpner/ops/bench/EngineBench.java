package io.cpner.ops.bench;

import io.cpner.inference.NerEngine;
import io.cpner.prefix.DomainPrefix;
import java.util.ArrayList;
import java.util.List;

/**
 * Engine-only throughput: {@link NerEngine#tag} on consecutive chunks of the corpus (word splitting,
 * tokenization, forward passes and heads included), no Kafka.
 */
public final class EngineBench {
  /**
   * One measured point.
   *
   * @param paddingWaste padded tokens computed per real token, minus one
   */
  public record Point(String label, int batch, double tokensPerSec, double docsPerSec, double msPerCall,
      double paddingWaste) {}

  private final List<String> texts;
  private final int[] tokens;

  /** @param tokens per text, the word pieces plus [CLS] and [SEP] (what every runtime is credited with) */
  public EngineBench(List<String> texts, int[] tokens) {
    this.texts = texts;
    this.tokens = tokens;
  }

  /**
   * Tags {@code batch} documents per call, cycling through the corpus, for {@code seconds} after a
   * short warm-up.
   *
   * @param prefixes the prefix of each text, parallel to the corpus
   */
  public Point measure(String label, NerEngine engine, List<DomainPrefix> prefixes, int batch, double seconds) {
    int cursor = 0;
    for (int i = 0; i < Math.max(3, 64 / batch); i++) {
      engine.tag(chunk(prefixes, cursor, batch));
      cursor = (cursor + batch) % texts.size();
    }
    NerEngine.PassCounters before = engine.counters();
    long tokenCount = 0;
    long docs = 0;
    long calls = 0;
    long start = System.nanoTime();
    while (System.nanoTime() - start < seconds * 1e9) {
      List<NerEngine.Request> requests = chunk(prefixes, cursor, batch);
      engine.tag(requests);
      for (int i = 0; i < requests.size(); i++) {
        tokenCount += tokens[(cursor + i) % texts.size()];
      }
      docs += requests.size();
      calls++;
      cursor = (cursor + batch) % texts.size();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    NerEngine.PassCounters after = engine.counters();
    double waste = (double) (after.paddedTokens() - before.paddedTokens()) / (after.realTokens() - before.realTokens()) - 1;
    return new Point(label, batch, tokenCount / elapsed, docs / elapsed, elapsed * 1000 / calls, waste);
  }

  private List<NerEngine.Request> chunk(List<DomainPrefix> prefixes, int from, int size) {
    List<NerEngine.Request> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      int at = (from + i) % texts.size();
      out.add(new NerEngine.Request(texts.get(at), prefixes.get(at)));
    }
    return out;
  }
}
