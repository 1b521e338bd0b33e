package io.cpner.training;

import ai.djl.ndarray.NDManager;
import io.cpner.model.Plm;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixKind;
import io.cpner.prefix.PrefixMetadata;
import io.cpner.prefix.SourceWeight;
import io.cpner.training.data.TrainingData;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;

/**
 * The three ways to make a domain prefix, as in CP-NER: trained alone, single-source transfer
 * (start from the average of a source's and the target's warm-up prefix), and multi-source
 * collaborative fusion. Each fine-tunes on the target's data with the PLM frozen and returns the
 * best prefix by dev F1.
 */
public final class PrefixTraining {
  /**
   * A finished run.
   *
   * @param stepSentencesPerSecond training sentences per second of optimiser steps (forward, backward, update)
   * @param devSentencesPerSecond dev sentences tagged per second of evaluation
   * @param sourceShare a fusion's share of the sources at its best epoch ({@link SourceShare}); empty otherwise
   */
  public record Outcome(DomainPrefix prefix, double devF1, int bestEpoch, int epochsRun, double seconds,
      List<Double> losses, List<Double> devF1s, double stepSentencesPerSecond, double devSentencesPerSecond,
      OptionalDouble sourceShare) {
    Outcome withSourceShare(double share) {
      return new Outcome(prefix, devF1, bestEpoch, epochsRun, seconds, losses, devF1s, stepSentencesPerSecond, devSentencesPerSecond,
          OptionalDouble.of(share));
    }
  }

  private final Plm plm;
  private final TrainingOptions options;
  private final ProgressBar progress;

  public PrefixTraining(Plm plm, TrainingOptions options, ProgressBar progress) {
    this.plm = plm;
    this.options = options;
    this.progress = progress;
  }

  /**
   * Trains a prefix from scratch.
   *
   * @param headSources prefixes whose head columns initialise the labels they share with the target
   *     (may be empty)
   */
  public Outcome trainAlone(String domain, long version, TrainingData data, List<DomainPrefix> headSources) {
    Random random = new Random(options.seed());
    try (NDManager manager = plm.manager().newSubManager()) {
      HeadInit head = HeadInit.from(data.labels(), headIn(), headSources, random);
      ReparameterizedPrefix model = new ReparameterizedPrefix(manager, plm.config(), options, headIn(), data.labels(),
          random, null, head.weight(), head.bias(), null);
      return run(manager, model, random, data, f1 -> metadata(domain, version, PrefixKind.TRAINED, List.of(), data, f1));
    }
  }

  /**
   * Single-source transfer: starts from {@code (p_source + p_warmup) / 2} and the warm-up head (its
   * layer mix and CRF included, whatever the options say).
   */
  public Outcome transfer(String domain, long version, TrainingData data, DomainPrefix source, DomainPrefix warmup) {
    requireLabels(warmup, data);
    Random random = new Random(options.seed());
    try (NDManager manager = plm.manager().newSubManager()) {
      DomainPrefix average = PrefixAverage.of(List.of(source, warmup), new double[] {0.5, 0.5}, warmup.metadata());
      ReparameterizedPrefix model = new ReparameterizedPrefix(manager, plm.config(), options, headIn(), data.labels(),
          random, average, DomainPrefix.copyOf(warmup.headWeight()), DomainPrefix.copyOf(warmup.headBias()), warmup);
      List<SourceWeight> sources = List.of(new SourceWeight(source.domain(), 0.5));
      return run(manager, model, random, data, f1 -> metadata(domain, version, PrefixKind.TRAINED, sources, data, f1));
    }
  }

  /** Multi-source collaborative fusion, starting from the target's warm-up prefix and head (as in {@link #transfer}). */
  public Outcome fuse(String domain, long version, TrainingData data, DomainPrefix warmup, List<DomainPrefix> sources) {
    return fuse(domain, version, data, warmup, sources, FusionWeights.LEARNED, SourceShare.CP_NER);
  }

  /**
   * Multi-source fusion with the given weighting of the sources and share of them in the fused
   * prefix (CP-NER's, or an ablation of it).
   */
  public Outcome fuse(String domain, long version, TrainingData data, DomainPrefix warmup, List<DomainPrefix> sources,
      FusionWeights weighting, SourceShare share) {
    requireLabels(warmup, data);
    Random random = new Random(options.seed());
    try (NDManager manager = plm.manager().newSubManager()) {
      ReparameterizedPrefix target = new ReparameterizedPrefix(manager, plm.config(), options, headIn(), data.labels(),
          random, warmup, DomainPrefix.copyOf(warmup.headWeight()), DomainPrefix.copyOf(warmup.headBias()), warmup);
      float[] labelSimilarity = CollaborativeFusion.labelSimilarity(plm, data.types(),
          sources.stream().map(PrefixTraining::types).toList());
      CollaborativeFusion model = new CollaborativeFusion(manager, target, sources, labelSimilarity, plm.config().hidden(),
          plm.config().hidden() / 2, random, weighting, share);
      float[] shareAtBest = new float[1]; // the trainer makes the metadata last for the best epoch's prefix
      Outcome outcome = run(manager, model, random, data, f1 -> {
        float[] w;
        try (NDManager scope = manager.newSubManager()) {
          w = model.currentWeights(scope);
        }
        shareAtBest[0] = model.currentShare();
        List<SourceWeight> weights = new ArrayList<>();
        for (int j = 0; j < sources.size(); j++) {
          weights.add(new SourceWeight(sources.get(j).domain(), Math.round(w[j] * 10000) / 10000.0));
        }
        return metadata(domain, version, PrefixKind.FUSED, weights, data, f1);
      });
      return outcome.withSourceShare(Math.round(shareAtBest[0] * 10000) / 10000.0);
    }
  }

  private Outcome run(NDManager manager, TrainablePrefix model, Random random, TrainingData data,
      java.util.function.DoubleFunction<PrefixMetadata> metadata) {
    PrefixTrainer.Result r = new PrefixTrainer(plm, options, progress)
        .train(manager, model, random, data.train(), data.dev(), data.labels(), metadata);
    return new Outcome(r.prefix(), r.devF1(), r.bestEpoch(), r.epochsRun(), r.seconds(), r.losses(), r.devF1s(),
        r.stepSentencesPerSecond(), r.devSentencesPerSecond(), OptionalDouble.empty());
  }

  private PrefixMetadata metadata(String domain, long version, PrefixKind kind, List<SourceWeight> sources, TrainingData data,
      double devF1) {
    return new PrefixMetadata(domain, version, kind, data.labels(), sources, data.trainSha256(), devF1, plm.id(), plm.sha256(),
        options.prefixLength(), options.headInput(), null, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
  }

  private int headIn() {
    return options.headInput().width(plm.config().hidden());
  }

  private void requireLabels(DomainPrefix warmup, TrainingData data) {
    if (!warmup.labels().equals(data.labels()) || warmup.metadata().headInput() != options.headInput()) {
      throw new IllegalArgumentException("warm-up prefix '" + warmup.domain() + "' has labels " + warmup.labels() + " and head "
          + warmup.metadata().headInput() + "; the data needs " + data.labels() + " and " + options.headInput());
    }
  }

  private static List<String> types(DomainPrefix prefix) {
    return prefix.labels().stream().filter(l -> l.startsWith("B-")).map(l -> l.substring(2)).toList();
  }


}
