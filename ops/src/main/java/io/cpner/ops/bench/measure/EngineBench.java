package io.cpner.ops.bench.measure;

import com.fasterxml.jackson.annotation.JsonProperty;
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
      double paddingWaste) {
    /** Tokens computed a second, padding included. */
    @JsonProperty
    public double computedTokensPerSec() {
      return tokensPerSec * (1 + paddingWaste);
    }
  }

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
    return measure(label, engine, prefixes, batch, seconds, 1);
  }

  /**
   * As {@link #measure(String, NerEngine, List, int, double)}, with {@code callers} threads calling
   * the one engine at once, each from its own place in the corpus, as the processor's stream threads
   * do. Milliseconds per call are those of one caller's call.
   */
  public Point measure(String label, NerEngine engine, List<DomainPrefix> prefixes, int batch, double seconds, int callers) {
    NerEngine.PassCounters[] before = new NerEngine.PassCounters[1];
    TimedCalls.Timing t = TimedCalls.concurrently(callers, Math.max(3, 64 / batch), seconds, caller -> {
      int[] cursor = {caller * texts.size() / callers};
      return () -> {
        List<NerEngine.Request> requests = chunk(prefixes, cursor[0], batch);
        engine.tag(requests);
        long tokenCount = 0;
        for (int i = 0; i < requests.size(); i++) {
          tokenCount += tokens[(cursor[0] + i) % texts.size()];
        }
        cursor[0] = (cursor[0] + batch) % texts.size();
        return new long[] {tokenCount, requests.size()};
      };
    }, () -> before[0] = engine.counters());
    NerEngine.PassCounters after = engine.counters();
    double waste = (double) (after.paddedTokens() - before[0].paddedTokens()) / (after.realTokens() - before[0].realTokens()) - 1;
    return new Point(label, batch, t.perSecond(0), t.perSecond(1), t.msPerCall(), waste);
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
