package io.cpner.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.cpner.eval.LabelledSentence;
import io.cpner.inference.EncoderBackend;
import io.cpner.inference.EngineOptions;
import io.cpner.inference.NerEngine;
import io.cpner.inference.PaddedIds;
import io.cpner.inference.decoding.TaggingHead;
import io.cpner.inference.text.WindowEncoder;
import io.cpner.model.Plm;
import io.cpner.model.PrefixBatch;
import io.cpner.model.PrefixedEncoder;
import io.cpner.model.onnx.PrefixedEncoderGraph.Precision;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixMetadata;
import io.cpner.training.data.Evaluation;
import io.cpner.training.data.TrainingExamples;
import io.cpner.training.optim.AdamW;
import io.cpner.training.optim.LinearSchedule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleFunction;

/**
 * Trains a {@link TrainablePrefix} on labelled sentences with the PLM frozen: the head's loss (CRF
 * likelihood or cross-entropy) over each word's first piece, AdamW with a linear warm-up/decay schedule and gradient clipping, dropout on
 * the prefix, dev F1 after every epoch, the best epoch kept, early stopping. Deterministic for a
 * given seed on a given machine: initialisation, shuffling and dropout come from one seeded generator.
 */
final class PrefixTrainer {
  /**
   * The outcome: the best prefix and how training went.
   *
   * @param seconds the whole run: steps, dev evaluations and setup
   * @param stepSentencesPerSecond training sentences (windows) per second of the optimiser steps alone
   *     (forward, backward into the prefix and head, update): the figure a PLM's cost shows in
   * @param devSentencesPerSecond dev sentences tagged per second of evaluation
   */
  record Result(DomainPrefix prefix, double devF1, int bestEpoch, int epochsRun, double seconds,
      List<Double> losses, List<Double> devF1s, double stepSentencesPerSecond, double devSentencesPerSecond) {}

  private final Plm plm;
  private final TrainingOptions options;
  private final ProgressBar progress;
  private final PrefixedEncoder encoder;
  private final WindowEncoder windows;
  private int skippedSteps;

  PrefixTrainer(Plm plm, TrainingOptions options, ProgressBar progress) {
    this.plm = plm;
    this.options = options;
    this.progress = progress;
    this.encoder = new PrefixedEncoder(plm);
    EngineOptions engineOptions = EngineOptions.defaults(plm.maxPieces());
    this.windows = new WindowEncoder(plm.tokenizer(), engineOptions.windowPieces(), engineOptions.windowOverlap());
  }

  /**
   * @param metadata builds the shipped prefix's metadata from its dev F1, called once the best
   *     parameters are restored (so it may read learned values such as fusion weights)
   */
  Result train(NDManager manager, TrainablePrefix model, Random random, List<LabelledSentence> train,
      List<LabelledSentence> dev, List<String> labels, DoubleFunction<PrefixMetadata> metadata) {
    long start = System.nanoTime();
    try (NerEngine scorer = devScorer(dev)) {
      return train(manager, model, random, train, dev, labels, metadata, scorer, start);
    }
  }

  /**
   * The engine that scores dev after each epoch: ONNX Runtime fp32, the processor's own fp32 backend
   * (the same numbers as the PyTorch pass, about twice as fast on CPU), on every core.
   */
  private NerEngine devScorer(List<LabelledSentence> dev) {
    if (dev.isEmpty()) {
      return null;
    }
    int cores = Runtime.getRuntime().availableProcessors();
    return new NerEngine(plm, EngineOptions.defaults(plm.maxPieces()),
        EncoderBackend.ONNXRUNTIME.open(plm, Precision.FP32, cores));
  }

  private Result train(NDManager manager, TrainablePrefix model, Random random, List<LabelledSentence> train,
      List<LabelledSentence> dev, List<String> labels, DoubleFunction<PrefixMetadata> metadata, NerEngine scorer, long start) {
    List<TrainingExamples.Example> examples = TrainingExamples.build(windows, train, labels);
    int perEpoch = options.maxTrainSentences() > 0 ? Math.min(options.maxTrainSentences(), examples.size()) : examples.size();
    int stepsPerEpoch = (perEpoch + options.batchSize() - 1) / options.batchSize();
    int totalSteps = stepsPerEpoch * options.epochs();
    LinearSchedule schedule = new LinearSchedule(options.learningRate(), (int) (totalSteps * options.warmupFraction()), totalSteps);
    List<NDArray> params = model.parameters();
    double[] lrScale = new double[params.size()];
    for (int i = 0; i < lrScale.length; i++) {
      NDArray p = params.get(i);
      boolean head = model.head().parameters().stream().anyMatch(h -> h == p);
      lrScale[i] = head ? 1.0 : options.prefixLearningRate() / options.learningRate();
    }
    AdamW optimizer = new AdamW(manager, params, lrScale, options.weightDecay(), options.clipNorm());

    List<Double> losses = new ArrayList<>();
    List<Double> devF1s = new ArrayList<>();
    List<float[]> best = snapshot(model);
    double bestF1 = -1;
    int bestEpoch = 0;
    int step = 0;
    int epoch = 0;
    long stepNanos = 0;
    long stepSentences = 0;
    long devNanos = 0;
    while (epoch < options.epochs() && (options.patience() == 0 || epoch - bestEpoch < options.patience())) {
      epoch++;
      double lossSum = 0;
      int counted = 0;
      List<List<TrainingExamples.Example>> batches = batches(examples, perEpoch, random);
      for (int b = 0; b < batches.size(); b++) {
        long stepStart = System.nanoTime();
        double loss = step(manager, model, optimizer, batches.get(b), schedule.at(step));
        stepNanos += System.nanoTime() - stepStart;
        stepSentences += batches.get(b).size();
        if (!Double.isNaN(loss)) {
          lossSum += loss;
          counted++;
        }
        step++;
        progress.step(epoch, options.epochs(), b + 1, batches.size(), lossSum / Math.max(1, counted), Math.max(bestF1, 0), step,
            totalSteps);
      }
      losses.add(lossSum / Math.max(1, counted));
      long devStart = System.nanoTime();
      double f1 = dev.isEmpty() ? 0 : Evaluation.score(scorer, toPrefix(model, metadata.apply(0)), dev).f1() * 100;
      devNanos += System.nanoTime() - devStart;
      devF1s.add(f1);
      if (f1 > bestF1) {
        bestF1 = f1;
        bestEpoch = epoch;
        best = snapshot(model);
      }
      progress.epoch(epoch, options.epochs(), losses.get(losses.size() - 1), f1, bestF1, bestEpoch, step, totalSteps);
    }
    restore(model, best);
    DomainPrefix prefix = toPrefix(model, metadata.apply(Math.round(bestF1 * 100) / 100.0));
    return new Result(prefix, bestF1, bestEpoch, epoch, (System.nanoTime() - start) / 1e9, losses, devF1s,
        stepSentences / Math.max(1e-9, stepNanos / 1e9), (double) dev.size() * epoch / Math.max(1e-9, devNanos / 1e9));
  }

  /** One optimiser step on a batch; returns the batch's mean cross-entropy. */
  private double step(NDManager manager, TrainablePrefix model, AdamW optimizer, List<TrainingExamples.Example> batch, double lr) {
    try (NDManager scope = manager.newSubManager()) {
      model.parameters().forEach(p -> p.tempAttach(scope)); // results of ops on parameters die with this step
      float loss;
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray lossArray = loss(scope, model, batch);
        collector.backward(lossArray);
        loss = lossArray.getFloat();
      }
      if (!Float.isFinite(loss) || !optimizer.step(scope, lr)) {
        skippedSteps++; // an overflow must not poison the parameters: drop this step's gradients
        progress.message("skipped a step with a non-finite loss or gradient (" + skippedSteps + " so far)");
        return Double.NaN;
      }
      return loss;
    }
  }

  /** The head's loss (CRF likelihood or cross-entropy) per labelled word of the batch. */
  NDArray loss(NDManager scope, TrainablePrefix model, List<TrainingExamples.Example> batch) {
    int rows = batch.size();
    TrainableHead head = model.head();
    PaddedIds input = PaddedIds.of(scope, batch.stream().map(TrainingExamples.Example::ids).toList());
    // every row of the batch shares the one prefix being trained              (rows, heads, P, headDim)
    TrainablePrefix.Tensors tensors = model.materialise(scope, true);
    List<NDArray> keys = new ArrayList<>();
    List<NDArray> values = new ArrayList<>();
    for (int i = 0; i < tensors.keys().size(); i++) {
      keys.add(broadcastRows(tensors.keys().get(i), rows));
      values.add(broadcastRows(tensors.values().get(i), rows));
    }
    long slots = tensors.keys().get(0).getShape().get(1);
    PrefixBatch prefix = new PrefixBatch(keys, values, scope.ones(new Shape(rows, slots)));
    List<NDArray> layers = encoder.forwardLayers(scope, input.ids(), input.mask(), prefix, head.layers()); // k x (rows, seq, hidden)
    // gather first pieces of labelled words, their shapes and gold labels, row by row
    int words = batch.stream().mapToInt(e -> e.labels().length).sum();
    long[] positions = new long[words];
    int[] gold = new int[words];
    int[] rowLengths = new int[rows];
    float[] shapes = new float[batch.stream().mapToInt(e -> e.shapes().length).sum()];
    int at = 0;
    int offset = 0;
    for (int r = 0; r < rows; r++) {
      TrainingExamples.Example e = batch.get(r);
      for (int i = 0; i < e.positions().length; i++) {
        positions[at] = (long) r * input.seq() + e.positions()[i];
        gold[at++] = e.labels()[i];
      }
      rowLengths[r] = e.positions().length;
      System.arraycopy(e.shapes(), 0, shapes, offset, e.shapes().length);
      offset += e.shapes().length;
    }
    NDArray atWords = TaggingHead.mixAt(scope, layers, positions, head.layerWeights(scope)); // (words, hidden)
    NDArray features = TaggingHead.features(scope, options.headInput(), atWords, shapes); // (words, in)
    return head.loss(scope, head.logits(features), gold, rowLengths);
  }

  /** The model's current prefix as an immutable, shippable value (no dropout). */
  DomainPrefix toPrefix(TrainablePrefix model, PrefixMetadata metadata) {
    try (NDManager scope = plm.manager().newSubManager()) {
      model.parameters().forEach(p -> p.tempAttach(scope));
      TrainablePrefix.Tensors tensors = model.materialise(scope, false);
      List<float[]> keys = new ArrayList<>();
      List<float[]> values = new ArrayList<>();
      for (int i = 0; i < tensors.keys().size(); i++) {
        keys.add(tensors.keys().get(i).toFloatArray());
        values.add(tensors.values().get(i).toFloatArray());
      }
      TrainableHead head = model.head();
      return new DomainPrefix(metadata, plm.config().heads(), plm.config().headDim(), keys, values,
          head.weightValues(), head.biasValues(), head.layerWeightValues(scope), head.crfValues());
    }
  }

  private static NDArray broadcastRows(NDArray perLayer, int rows) {
    Shape s = perLayer.getShape(); // (heads, P, headDim)
    return perLayer.expandDims(0).broadcast(new Shape(rows, s.get(0), s.get(1), s.get(2)));
  }

  /** Shuffled batches of rows of similar length (less padding), in shuffled order. */
  private List<List<TrainingExamples.Example>> batches(List<TrainingExamples.Example> examples, int count, Random random) {
    List<TrainingExamples.Example> order = new ArrayList<>(examples);
    Collections.shuffle(order, random);
    order = new ArrayList<>(order.subList(0, count));
    // sort within pools of 50 batches by length, then cut and shuffle the batches
    int pool = options.batchSize() * 50;
    List<List<TrainingExamples.Example>> batches = new ArrayList<>();
    for (int from = 0; from < order.size(); from += pool) {
      List<TrainingExamples.Example> chunk = new ArrayList<>(order.subList(from, Math.min(order.size(), from + pool)));
      chunk.sort(Comparator.comparingInt(e -> e.ids().length));
      for (int b = 0; b < chunk.size(); b += options.batchSize()) {
        batches.add(chunk.subList(b, Math.min(chunk.size(), b + options.batchSize())));
      }
    }
    Collections.shuffle(batches, random);
    return batches;
  }

  private static List<float[]> snapshot(TrainablePrefix model) {
    return model.parameters().stream().map(NDArray::toFloatArray).toList();
  }

  private static void restore(TrainablePrefix model, List<float[]> values) {
    List<NDArray> params = model.parameters();
    for (int i = 0; i < params.size(); i++) {
      params.get(i).set(values.get(i));
    }
  }
}
