package io.cpner.ops.bench.measure;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cpner.inference.NerEngine;
import io.cpner.prefix.DomainPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

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
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      run(pool, callers, c -> {
        int cursor = c * texts.size() / callers;
        for (int i = 0; i < Math.max(3, 64 / batch); i++) {
          engine.tag(chunk(prefixes, cursor, batch));
          cursor = (cursor + batch) % texts.size();
        }
        return new long[3];
      });
      NerEngine.PassCounters before = engine.counters();
      long start = System.nanoTime();
      long deadline = start + (long) (seconds * 1e9);
      long[] sum = run(pool, callers, c -> {
        long[] counts = new long[3]; // tokens, documents, calls
        int cursor = c * texts.size() / callers;
        while (System.nanoTime() < deadline) {
          List<NerEngine.Request> requests = chunk(prefixes, cursor, batch);
          engine.tag(requests);
          for (int i = 0; i < requests.size(); i++) {
            counts[0] += tokens[(cursor + i) % texts.size()];
          }
          counts[1] += requests.size();
          counts[2]++;
          cursor = (cursor + batch) % texts.size();
        }
        return counts;
      });
      double elapsed = (System.nanoTime() - start) / 1e9;
      NerEngine.PassCounters after = engine.counters();
      double waste = (double) (after.paddedTokens() - before.paddedTokens()) / (after.realTokens() - before.realTokens()) - 1;
      return new Point(label, batch, sum[0] / elapsed, sum[1] / elapsed, elapsed * 1000 * callers / sum[2], waste);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Runs {@code work} once per caller on the pool and adds up what each returns. */
  private static long[] run(ExecutorService pool, int callers, IntFunction<long[]> work) {
    List<Future<long[]>> futures = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      int caller = c;
      futures.add(pool.submit(() -> work.apply(caller)));
    }
    long[] sum = new long[3];
    try {
      for (Future<long[]> f : futures) {
        long[] part = f.get();
        for (int i = 0; i < sum.length; i++) {
          sum[i] += part[i];
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("an engine call failed", e.getCause());
    }
    return sum;
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
