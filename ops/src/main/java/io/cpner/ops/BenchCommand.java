package io.cpner.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cpner.inference.EncoderBackend;
import io.cpner.inference.EngineOptions;
import io.cpner.inference.NerEngine;
import io.cpner.model.Plm;
import io.cpner.model.loading.PlmLoader;
import io.cpner.model.onnx.PrefixedEncoderGraph.Precision;
import io.cpner.ops.bench.BenchReport;
import io.cpner.ops.bench.PipelineBench;
import io.cpner.ops.bench.PlmReport.DomainMix;
import io.cpner.ops.bench.PlmReport;
import io.cpner.ops.bench.measure.BenchCorpus;
import io.cpner.ops.bench.measure.EngineBench;
import io.cpner.ops.bench.measure.MemoryProbe;
import io.cpner.ops.bench.measure.PlmPrefixes;
import io.cpner.ops.bench.measure.SyntheticDomains;
import io.cpner.ops.bench.peers.MatmulCeiling;
import io.cpner.ops.bench.peers.OrtPeerBench;
import io.cpner.ops.bench.peers.PeerRows;
import io.cpner.ops.bench.peers.TfPeerBench;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixRegistry;
import io.cpner.stream.ProcessorConfig;
import io.cpner.stream.ProcessorSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cpner bench}: everything that decides how fast the processor is, measured in one run on
 * one machine so that the ratios between them hold, for each PLM in turn (one loaded at a time):
 * the matmul ceilings, the engine on each backend, the PLM's peer (ONNX Runtime on all-MiniLM-L6-v2's
 * own ONNX file, TensorFlow on BERT-base's own SavedModel), mixed-domain batches, memory per domain,
 * and the full pipeline through the in-process broker (batched at several max delays, per-record, and
 * at half load).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "For each PLM: measure the matmul ceilings, engine, peer runtime, mixed domains, memory and the full "
        + "pipeline; prints a table and writes JSON.")
final class BenchCommand implements Callable<Integer> {
  /** The PLMs measured unless --plms or --plm say otherwise. */
  static final String DEFAULT_PLMS = PlmLoader.MINILM + "," + PlmLoader.BERT_BASE_CASED;
  /** The largest batch the TensorFlow peer runs (each of its rows is {@value TfPeerBench#POSITIONS} positions long). */
  static final int MAX_TF_BATCH = 32;
  /** The peer's model pads every layer (the engine's packs rows), so its sorted chunks stop at 30% padding. */
  private static final double PADDED_PEER_MAX_PADDING = 1.3;

  @Option(names = {"--plms", "--plm"}, split = ",", paramLabel = "PLM", defaultValue = DEFAULT_PLMS,
      description = "The PLMs to measure, in turn, each loaded alone and closed before the next: " + PlmLoader.MINILM
          + " (all-MiniLM-L6-v2, bundled), " + PlmLoader.BERT_BASE_CASED + " (Google's cased BERT-base, imported into "
          + "--plm-cache on first use) or a Hugging Face model directory; --plm is the same option, e.g. --plm minilm "
          + "for one alone (default ${DEFAULT-VALUE}).")
  List<String> plms;

  @Option(names = "--plm-cache", paramLabel = "DIR",
      defaultValue = "${env:CPNER_PLM_CACHE_DIR:-${sys:user.home}/.cache/cpner-stream}",
      description = "Where imported PLMs are kept (default ${DEFAULT-VALUE}).")
  Path plmCache;

  @Option(names = "--prefixes", defaultValue = "prefixes",
      description = "Directory searched at any depth for prefixes (prefix.json); each PLM runs those whose metadata names it "
          + "(id and content hash), one per domain, e.g. prefixes/minilm/<domain> and prefixes/bert-base-cased/<domain> "
          + "(default ${DEFAULT-VALUE}).")
  Path prefixesDir;

  @Option(names = "--data", description = "Sentences: a domain<TAB>text .tsv, or a CrossNER file (all of --domain); "
      + "default: the bundled benchmark corpus.")
  Path data;

  @Option(names = "--domain", defaultValue = "conll2003", description = "Domain of a CrossNER --data file (default ${DEFAULT-VALUE}).")
  String dataDomain;

  @Option(names = "--batch-sizes", split = ",", defaultValue = "1,2,4,8,16,32,64",
      description = "Engine and peer batch sizes; the TensorFlow peer runs those up to " + MAX_TF_BATCH
          + " (default ${DEFAULT-VALUE}).")
  List<Integer> batchSizes;

  @Option(names = "--max-delays", split = ",", defaultValue = "10,25,50",
      description = "Pipeline batch.max.delay.ms settings (default ${DEFAULT-VALUE}).")
  List<Long> maxDelays;

  @Option(names = "--pipeline-batch", defaultValue = "32", description = "Pipeline batch.max.documents (default ${DEFAULT-VALUE}).")
  int pipelineBatch;

  @Option(names = "--seconds", defaultValue = "4", description = "Measured seconds per engine point (default ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--pipeline-seconds", defaultValue = "10",
      description = "Measured seconds per pipeline point (default ${DEFAULT-VALUE}).")
  double pipelineSeconds;

  @Option(names = "--threads", defaultValue = "0",
      description = "Intra-op threads of a forward pass; 0 = every core (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "A processor setting for the pipeline runs, repeatable: e.g. --set num.stream.threads=2 "
          + "--set inference.backend=PYTORCH (see the README's configuration table).")
  Map<String, String> pipelineSettings = new LinkedHashMap<>();

  @Option(names = "--skip", split = ",", description = "Sections to leave out, for every PLM: ceiling, engine, peer, mixed, "
      + "memory, pipeline.")
  List<String> skip = List.of();

  @Option(names = "--json", defaultValue = "target/bench.json", description = "Where to write the JSON report (default ${DEFAULT-VALUE}).")
  Path json;

  private int intraOp;
  private Map<String, String> pipelineOverrides;
  private Backend pipelineBackend;
  private int streamThreads;
  private int passThreads;
  private String pipelineEngine;

  @Override
  public Integer call() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    intraOp = threads > 0 ? threads : cores;
    // the pipeline runs with the processor's own threads rule unless --threads or --set say otherwise
    pipelineOverrides = new LinkedHashMap<>(Map.of(ProcessorSettings.INFERENCE_THREADS, String.valueOf(threads)));
    pipelineOverrides.putAll(pipelineSettings);
    pipelineBackend = Backend.of(pipelineOverrides);
    streamThreads = ProcessorConfig.streamThreads(Integer.parseInt(pipelineOverrides.getOrDefault(ProcessorSettings.STREAM_THREADS, "0")));
    passThreads = ProcessorConfig.intraOpThreads(Integer.parseInt(pipelineOverrides.get(ProcessorSettings.INFERENCE_THREADS)), streamThreads);
    // the engine as the pipeline drives it: one caller per stream thread, each pass on its share of the cores
    pipelineEngine = streamThreads == 1 && passThreads == intraOp ? pipelineBackend.label
        : pipelineBackend.label + ", " + streamThreads + " callers x " + passThreads + " threads";
    BenchReport report = new BenchReport(cores, intraOp, pipelineOverrides,
        new PlmReport.Compared(Backend.ORT_INT8.label, Backend.ORT_FP32.label, pipelineEngine, pipelineBatch));
    BenchCorpus corpus = data == null ? BenchCorpus.bundled() : BenchCorpus.read(data, dataDomain);
    report.corpus(corpus.source(), corpus.sentences().size());

    // every PLM's prefixes first, so that one without any fails the run before anything is measured
    Map<String, Map<String, PlmPrefixes.Found>> prefixes = new LinkedHashMap<>();
    for (String name : plms) {
      try (Plm plm = PlmLoader.load(name, plmCache)) {
        prefixes.put(name, PlmPrefixes.select(plm, prefixesDir));
      }
    }
    try {
      for (String name : plms) {
        // after a collection and a trim each, so that what earlier PLMs and sections left behind is not counted
        long rssBefore = MemoryProbe.read().residentBytes();
        try (Plm plm = PlmLoader.load(name, plmCache)) {
          long resident = MemoryProbe.read().residentBytes() - rssBefore;
          measure(report.plm(name, plm, resident, prefixes.get(name)), plm, prefixes.get(name), corpus);
        }
      }
    } finally { // what was measured before a failure is reported too
      report.print(System.out);
      Path parent = json.toAbsolutePath().getParent();
      java.nio.file.Files.createDirectories(parent);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report.toJson());
      System.out.println("JSON: " + json);
    }
    return 0;
  }

  /** Every section not skipped, for one loaded PLM and its prefixes. */
  private void measure(PlmReport report, Plm plm, Map<String, PlmPrefixes.Found> found, BenchCorpus corpus) throws Exception {
    Map<String, DomainPrefix> shipped = new LinkedHashMap<>();
    found.forEach((domain, f) -> shipped.put(domain, f.prefix()));
    List<String> texts = corpus.texts();
    Function<String, DomainPrefix> ownDomain = d -> shipped.getOrDefault(d, shipped.values().iterator().next());
    List<DomainPrefix> corpusPrefixes = corpus.sentences().stream().map(s -> ownDomain.apply(s.domain())).toList();
    int[] tokens = new int[texts.size()];
    try (NerEngine counter = new NerEngine(plm)) {
      for (int i = 0; i < texts.size(); i++) {
        tokens[i] = counter.countTokens(texts.get(i)) + 2;
      }
    }
    report.corpusTokens(tokens);
    EngineBench engines = new EngineBench(texts, tokens);

    // Memory first, before the other sections grow the heap and native arenas: the processor's
    // default engine after a pass over the corpus with the shipped domains, then again after a
    // pass with 1,000 domains installed (the synthetic ones are created after the first reading).
    PrefixRegistry registry = new PrefixRegistry();
    shipped.values().forEach(registry::install);
    List<DomainPrefix> thousand = new ArrayList<>();
    try (NerEngine engine = Backend.DEFAULT.open(plm, intraOp)) {
      engines.measure("warm-up", engine, corpusPrefixes, pipelineBatch, 1);
      MemoryProbe.Reading few = MemoryProbe.read();
      List<DomainPrefix> synthetic = SyntheticDomains.derive(List.copyOf(shipped.values()), 1000, 42);
      synthetic.stream().skip(shipped.size()).forEach(registry::install);
      for (int i = 0; i < texts.size(); i++) {
        thousand.add(synthetic.get((i * 7) % synthetic.size()));
      }
      engines.measure("warm-up", engine, thousand, pipelineBatch, 1);
      if (!skip.contains("memory")) {
        report.memory(shipped.size(), few, registry.size(), MemoryProbe.read(), SyntheticDomains.tensorBytes(synthetic.get(0)));
      }
    }
    if (!skip.contains("ceiling")) {
      report.ceiling(MatmulCeiling.measure(plm.config(), 1024, intraOp, Math.max(1, seconds / 2)));
    }
    if (!skip.contains("engine")) {
      for (Backend b : Backend.values()) {
        try (NerEngine engine = b.open(plm, intraOp)) {
          for (int batch : batchSizes) {
            report.engine(engines.measure(b.label, engine, corpusPrefixes, batch, seconds));
          }
        }
      }
      if (!pipelineEngine.equals(pipelineBackend.label)) {
        try (NerEngine engine = pipelineBackend.open(plm, passThreads)) {
          for (int batch : batchSizes) {
            report.engine(engines.measure(pipelineEngine, engine, corpusPrefixes, batch, seconds, streamThreads));
          }
        }
      }
    }
    if (!skip.contains("peer")) {
      measurePeer(report, plm, texts);
    }
    if (!skip.contains("mixed")) {
      int batch = report.bestEngineBatch(Backend.DEFAULT.label, pipelineBatch);
      DomainPrefix one = shipped.values().iterator().next();
      List<DomainPrefix> single = texts.stream().map(t -> one).toList();
      List<DomainPrefix> six = new ArrayList<>();
      List<DomainPrefix> shippedList = List.copyOf(shipped.values());
      for (int i = 0; i < texts.size(); i++) {
        six.add(shippedList.get(i % shippedList.size()));
      }
      try (NerEngine engine = Backend.DEFAULT.open(plm, intraOp)) {
        for (int round = 0; round < 2; round++) { // alternate, so drift hits each alike
          report.mixed(engines.measure(DomainMix.SINGLE.description, engine, single, batch, seconds));
          report.mixed(engines.measure(DomainMix.SHIPPED.description, engine, six, batch, seconds));
          report.mixed(engines.measure(DomainMix.SYNTHETIC.description, engine, thousand, batch, seconds));
        }
      }
    }
    if (!skip.contains("pipeline")) {
      try (PipelineBench pipeline = PipelineBench.start(plm, shipped, texts, pipelineOverrides)) {
        report.pipeline("per-record (batch 1)", pipeline.saturate(1, 1, pipelineSeconds));
        for (long delay : maxDelays) {
          report.pipeline("batched, saturated", pipeline.saturate(pipelineBatch, delay, pipelineSeconds));
        }
        for (long delay : maxDelays) {
          double half = report.maxPipelineDocsPerSec() / 2;
          report.pipeline("batched, half of max load", pipeline.atRate(pipelineBatch, delay, half, pipelineSeconds));
        }
      }
    }
  }

  /**
   * The PLM's own model on the runtime its users would pick, without prefixes: ONNX Runtime on
   * all-MiniLM-L6-v2's ONNX file, TensorFlow on BERT-base's SavedModel; no rows for another PLM.
   */
  private void measurePeer(PlmReport report, Plm plm, List<String> texts) throws Exception {
    if (plm.id().equals(PlmLoader.DEFAULT_ID)) {
      List<long[]> rows = PeerRows.of(plm, texts, plm.config().maxPositions());
      for (boolean tuned : new boolean[] {false, true}) {
        try (OrtPeerBench peer = new OrtPeerBench(PlmLoader.defaultOnnx(), rows, intraOp, tuned)) {
          for (int batch : batchSizes) {
            report.onnxruntimePeer(peer.measure(batch, false, 0, seconds));
            report.onnxruntimePeer(peer.measure(batch, true, PADDED_PEER_MAX_PADDING, seconds));
          }
        }
      }
    } else if (plm.id().equals(PlmLoader.BERT_BASE_CASED)) {
      // at both threadings the engine runs at: one caller on every core, and the processor's
      List<long[]> rows = PeerRows.of(plm, texts, TfPeerBench.POSITIONS);
      for (int[] threading : streamThreads == 1 ? List.of(new int[] {1, intraOp})
          : List.of(new int[] {1, intraOp}, new int[] {streamThreads, passThreads})) {
        try (TfPeerBench peer = TfPeerBench.open(rows, threading[0], threading[1])) {
          for (int batch : batchSizes) {
            if (batch <= MAX_TF_BATCH) {
              report.tensorflowPeer(peer.measure(batch, seconds));
            }
          }
        }
      }
    }
  }

  /** The engine configurations compared; DEFAULT is what the processor runs by default. */
  enum Backend {
    PYTORCH_FP32("engine pytorch fp32", EncoderBackend.PYTORCH, Precision.FP32),
    ORT_FP32("engine onnxruntime fp32", EncoderBackend.ONNXRUNTIME, Precision.FP32),
    ORT_INT8("engine onnxruntime int8", EncoderBackend.ONNXRUNTIME, Precision.INT8);

    static final Backend DEFAULT = ORT_INT8;

    /** The backend and precision that processor settings select (the processor's defaults where unset). */
    static Backend of(Map<String, String> settings) {
      EncoderBackend backend = EncoderBackend.valueOf(settings.getOrDefault(ProcessorSettings.INFERENCE_BACKEND, "ONNXRUNTIME"));
      String precision = settings.getOrDefault(ProcessorSettings.INFERENCE_PRECISION, "");
      Precision p = precision.isEmpty() ? backend.defaultPrecision() : Precision.valueOf(precision);
      return Arrays.stream(values()).filter(b -> b.backend == backend && b.precision == p).findFirst()
          .orElseThrow(() -> new IllegalArgumentException(backend + " does not run " + p));
    }

    final String label;
    final EncoderBackend backend;
    final Precision precision;

    Backend(String label, EncoderBackend backend, Precision precision) {
      this.label = label;
      this.backend = backend;
      this.precision = precision;
    }

    /** The engine as the processor would open it with {@code threads} threads a forward pass. */
    NerEngine open(Plm plm, int threads) {
      EngineOptions options = EngineOptions.defaults(plm.maxPieces());
      return new NerEngine(plm, options.withPass(Math.max(options.maxPassRows(), 64), options.maxPassTokens()),
          backend.open(plm, precision, threads));
    }
  }
}
