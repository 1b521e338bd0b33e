package io.cpner.stream;

import static io.cpner.stream.ProcessorSettings.ACCEPTED_TOPIC;
import static io.cpner.stream.ProcessorSettings.ALLOW_UNSIGNED;
import static io.cpner.stream.ProcessorSettings.APPLICATION_ID;
import static io.cpner.stream.ProcessorSettings.BATCH_MAX_DELAY_MS;
import static io.cpner.stream.ProcessorSettings.BATCH_MAX_DOCUMENTS;
import static io.cpner.stream.ProcessorSettings.BATCH_MAX_TOKENS;
import static io.cpner.stream.ProcessorSettings.BOOTSTRAP_SERVERS;
import static io.cpner.stream.ProcessorSettings.COMMIT_INTERVAL_MS;
import static io.cpner.stream.ProcessorSettings.CONTROL_TOPIC;
import static io.cpner.stream.ProcessorSettings.DEAD_LETTER_TOPIC;
import static io.cpner.stream.ProcessorSettings.DOCUMENT_MAX_CHARS;
import static io.cpner.stream.ProcessorSettings.ENV_PREFIX;
import static io.cpner.stream.ProcessorSettings.FALLBACK_DOMAIN;
import static io.cpner.stream.ProcessorSettings.GUARANTEE;
import static io.cpner.stream.ProcessorSettings.HTTP_PORT;
import static io.cpner.stream.ProcessorSettings.INFERENCE_BACKEND;
import static io.cpner.stream.ProcessorSettings.INFERENCE_PRECISION;
import static io.cpner.stream.ProcessorSettings.INFERENCE_THREADS;
import static io.cpner.stream.ProcessorSettings.INPUT_TOPIC;
import static io.cpner.stream.ProcessorSettings.OUTPUT_TOPIC;
import static io.cpner.stream.ProcessorSettings.PLM;
import static io.cpner.stream.ProcessorSettings.PLM_CACHE_DIR;
import static io.cpner.stream.ProcessorSettings.REGISTRY_AUTO_REGISTER;
import static io.cpner.stream.ProcessorSettings.REGISTRY_URL;
import static io.cpner.stream.ProcessorSettings.REGISTRY_USER_INFO;
import static io.cpner.stream.ProcessorSettings.STATE_DIR;
import static io.cpner.stream.ProcessorSettings.STATUS_TOPIC;
import static io.cpner.stream.ProcessorSettings.STREAMS_PREFIX;
import static io.cpner.stream.ProcessorSettings.STREAM_THREADS;
import static io.cpner.stream.ProcessorSettings.TRUSTED_KEYS;
import static io.cpner.stream.ProcessorSettings.UNKNOWN_DOMAIN_POLICY;
import static io.cpner.stream.ProcessorSettings.UPDATE_MAX_BYTES;

import io.cpner.inference.EncoderBackend;
import io.cpner.model.Plm;
import io.cpner.model.loading.PlmLoader;
import io.cpner.model.onnx.PrefixedEncoderGraph.Precision;
import io.cpner.prefix.TrustedKeys;
import io.cpner.registry.RegistryConfig;
import io.cpner.stream.control.UpdatePolicy;
import io.cpner.stream.documents.AdmissionPolicy;
import io.cpner.stream.documents.BatchPolicy;
import io.cpner.stream.documents.InputSpec;
import io.cpner.stream.documents.OutputSpec;
import io.cpner.stream.documents.UnknownDomainPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The processor's settings parsed and validated in one place, as Kafka's own configs are, against
 * their one declaration in {@link ProcessorSettings} (key, type, default, validator, documentation);
 * a bad value fails at start-up naming the key. Each pipeline stage gets only its part: {@link #topics()},
 * {@link #batching()}, {@link #admission()}, {@link #inference()}, {@link #control()} (the update policy). Keys starting
 * with {@code streams.} are passed to Kafka Streams (and through it to every client) without the
 * prefix, e.g. {@code streams.security.protocol=SSL}.
 */
public final class ProcessorConfig extends AbstractConfig {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProcessorConfig.class);

  /**
   * The topics the processor reads and writes: its input topics by name, or every topic matching
   * {@code inputPattern} when one is set.
   */
  public record Topics(List<String> inputs, Optional<Pattern> inputPattern, String output, String deadLetter, String control,
      String status, String accepted, String trends) {
    public Topics {
      inputs = List.copyOf(inputs);
    }

    /** The first input topic named: where the demo and the tools write documents. */
    public String input() {
      return inputs.get(0);
    }
  }

  /** The frozen PLM and the runtime that runs it; {@code configuredThreads} 0 means cores / stream threads. */
  public record Inference(String plm, Path plmCacheDir, EncoderBackend backend, Precision precision, int configuredThreads) {
    /** Loads the configured PLM (importing it into the cache first where it must be). */
    public Plm loadPlm() {
      return PlmLoader.load(plm, plmCacheDir);
    }
  }

  private final Topics topics;
  private final BatchPolicy batching;
  private final AdmissionPolicy admission;
  private final InputSpec input;
  private final OutputSpec output;
  private final Inference inference;
  private final UpdatePolicy control;
  private final DeliveryGuarantee guarantee;
  private final Map<String, Object> streamsOverrides;

  private ProcessorConfig(Map<?, ?> properties) {
    super(ProcessorSettings.DEFINITION, properties, false);
    UnknownDomainPolicy policy = UnknownDomainPolicy.valueOf(getString(UNKNOWN_DOMAIN_POLICY));
    String fallback = getString(FALLBACK_DOMAIN);
    if (policy == UnknownDomainPolicy.FALLBACK && fallback.isBlank()) {
      throw new ConfigException(FALLBACK_DOMAIN, fallback, "required when " + UNKNOWN_DOMAIN_POLICY + "=FALLBACK");
    }
    EncoderBackend backend = EncoderBackend.valueOf(getString(INFERENCE_BACKEND));
    Precision precision = getString(INFERENCE_PRECISION).isEmpty()
        ? backend.defaultPrecision() : Precision.valueOf(getString(INFERENCE_PRECISION));
    if (precision != Precision.FP32 && backend == EncoderBackend.PYTORCH) {
      throw new ConfigException(INFERENCE_PRECISION, precision.name(), "the PYTORCH backend runs FP32 only");
    }
    TrustedKeys trustedKeys = trustedKeys(getString(TRUSTED_KEYS));
    boolean allowUnsigned = getBoolean(ALLOW_UNSIGNED);
    if (!allowUnsigned && trustedKeys.isEmpty()) {
      throw new ConfigException(TRUSTED_KEYS, "", "required unless " + ALLOW_UNSIGNED
          + "=true: prefix updates must be signed by a trusted key");
    }
    this.topics = new Topics(inputTopics(), inputPattern(), getString(OUTPUT_TOPIC), getString(DEAD_LETTER_TOPIC),
        getString(CONTROL_TOPIC), getString(STATUS_TOPIC), getString(ACCEPTED_TOPIC), getString(ProcessorSettings.TRENDS_TOPIC));
    this.batching = new BatchPolicy(getInt(BATCH_MAX_DOCUMENTS), getInt(BATCH_MAX_TOKENS), getLong(BATCH_MAX_DELAY_MS));
    this.admission = new AdmissionPolicy(getInt(DOCUMENT_MAX_CHARS), policy, fallback);
    this.input = parseInput();
    this.output = parseOutput();
    this.inference = new Inference(getString(PLM), Path.of(getString(PLM_CACHE_DIR)), backend, precision, getInt(INFERENCE_THREADS));
    this.control = new UpdatePolicy(trustedKeys, allowUnsigned, getInt(UPDATE_MAX_BYTES));
    this.guarantee = DeliveryGuarantee.valueOf(getString(GUARANTEE).toUpperCase(java.util.Locale.ROOT));
    Map<String, Object> overrides = new HashMap<>();
    properties.forEach((k, v) -> {
      String key = String.valueOf(k);
      if (key.startsWith(STREAMS_PREFIX)) {
        overrides.put(key.substring(STREAMS_PREFIX.length()), v);
      }
    });
    this.streamsOverrides = Map.copyOf(overrides);
  }

  /**
   * Parses and validates properties.
   *
   * @throws ConfigException naming the bad key
   */
  public static ProcessorConfig parse(Map<?, ?> properties) {
    return new ProcessorConfig(properties);
  }

  /** The keys of the trusted-keys file, or none when no file is configured. */
  private static TrustedKeys trustedKeys(String file) {
    if (file.isBlank()) {
      return TrustedKeys.none();
    }
    try {
      return TrustedKeys.load(Path.of(file));
    } catch (IOException | IllegalArgumentException e) {
      String message = e instanceof IOException ? "cannot read the file: " + e : e.getMessage();
      ConfigException invalid = new ConfigException(TRUSTED_KEYS, file, message);
      invalid.initCause(e);
      throw invalid;
    }
  }

  public static ProcessorConfig parse(Properties properties) {
    return parse((Map<?, ?>) properties);
  }

  /**
   * The file's settings with every {@code CPNER_*} environment variable laid over them, for
   * containers: {@code CPNER_BATCH_MAX_DELAY_MS=20} sets {@code batch.max.delay.ms}, and
   * {@code CPNER_STREAMS_SECURITY_PROTOCOL=SSL} sets {@code streams.security.protocol}. A variable
   * that is within two edits of a setting or shares its first word fails, naming the setting it
   * probably meant; the launcher's variables ({@link ProcessorSettings#LAUNCHER_VARIABLES}) and any
   * other {@code CPNER_*} name unlike every setting ({@code CPNER_HOME}) are ignored.
   */
  public static ProcessorConfig parse(Properties file, Map<String, String> environment) {
    Map<String, Object> merged = new HashMap<>();
    file.forEach((k, v) -> merged.put(String.valueOf(k), v));
    Map<String, String> byEnvName = new HashMap<>();
    for (String key : ProcessorSettings.DEFINITION.names()) {
      byEnvName.put(ProcessorSettings.envName(key), key);
    }
    environment.forEach((name, value) -> {
      if (!name.startsWith(ENV_PREFIX)) {
        return;
      }
      String key = byEnvName.get(name);
      if (key == null && name.startsWith(ENV_PREFIX + "STREAMS_")) {
        key = name.substring(ENV_PREFIX.length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.');
      }
      if (key == null) {
        if (ProcessorSettings.LAUNCHER_VARIABLES.contains(name)) {
          return;
        }
        String meant = ProcessorSettings.misspelledSetting(name);
        if (meant != null) {
          throw new ConfigException(name, value, "no such setting; did you mean " + meant + "? Settings are "
              + ENV_PREFIX + "<KEY IN UPPER CASE WITH _ FOR .>, e.g. " + ProcessorSettings.envName(BATCH_MAX_DELAY_MS));
        }
        LOG.info("Environment variable {} is not a setting (nor like one): ignored", name);
        return;
      }
      merged.put(key, value);
    });
    return parse(merged);
  }

  public Topics topics() {
    return topics;
  }

  public BatchPolicy batching() {
    return batching;
  }

  public AdmissionPolicy admission() {
    return admission;
  }

  /** What the input records are and where id, text and domain sit in them. */
  public InputSpec input() {
    return input;
  }

  /** Size of the trends feed's windows; zero: no feed. */
  public Duration trendsWindow() {
    return Duration.ofMillis(getLong(ProcessorSettings.TRENDS_WINDOW_MS));
  }

  /** How late a mention may still count in its trends window. */
  public Duration trendsGrace() {
    return Duration.ofMillis(getLong(ProcessorSettings.TRENDS_GRACE_MS));
  }

  /** What is written for each tagged document. */
  public OutputSpec output() {
    return output;
  }

  private OutputSpec parseOutput() {
    OutputSpec.Mode mode = OutputSpec.Mode.valueOf(getString(ProcessorSettings.OUTPUT_MODE));
    if (mode == OutputSpec.Mode.ENRICHED && input.format() == InputSpec.Format.TEXT) {
      throw new ConfigException(ProcessorSettings.OUTPUT_MODE, mode.name(), "text input has no record to enrich: use ENTITIES");
    }
    try {
      return new OutputSpec(mode, getString(ProcessorSettings.OUTPUT_ENTITIES_FIELD).trim(),
          getString(ProcessorSettings.OUTPUT_VERSION_FIELD).trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ProcessorSettings.OUTPUT_VERSION_FIELD, getString(ProcessorSettings.OUTPUT_VERSION_FIELD), e.getMessage());
    }
  }

  private List<String> inputTopics() {
    List<String> names = getList(INPUT_TOPIC).stream().map(String::trim).filter(t -> !t.isEmpty()).distinct().toList();
    if (names.isEmpty()) {
      throw new ConfigException(INPUT_TOPIC, getList(INPUT_TOPIC), "name at least one input topic");
    }
    return names;
  }

  private Optional<Pattern> inputPattern() {
    String regex = getString(ProcessorSettings.INPUT_TOPIC_PATTERN).trim();
    if (regex.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Pattern.compile(regex));
    } catch (PatternSyntaxException e) {
      throw new ConfigException(ProcessorSettings.INPUT_TOPIC_PATTERN, regex, "not a regular expression: " + e.getDescription());
    }
  }

  private InputSpec parseInput() {
    InputSpec.Format format = InputSpec.Format.valueOf(getString(ProcessorSettings.INPUT_FORMAT));
    if (format == InputSpec.Format.DOCUMENT) {
      return InputSpec.DOCUMENTS;
    }
    InputSpec.DomainSource domain;
    try {
      domain = InputSpec.domainSource(getString(ProcessorSettings.INPUT_DOMAIN));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ProcessorSettings.INPUT_DOMAIN, getString(ProcessorSettings.INPUT_DOMAIN), e.getMessage());
    }
    if (domain instanceof InputSpec.FromTopic t && topics.inputPattern().isEmpty()) {
      List<String> unmapped = topics.inputs().stream().filter(name -> !t.domains().containsKey(name)).toList();
      if (!unmapped.isEmpty()) {
        throw new ConfigException(ProcessorSettings.INPUT_DOMAIN, getString(ProcessorSettings.INPUT_DOMAIN),
            "no domain for input topics " + unmapped);
      }
    }
    try {
      return new InputSpec(format, getString(ProcessorSettings.INPUT_ID_FIELD).trim(),
          getString(ProcessorSettings.INPUT_TEXT_FIELD).trim(), domain);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ProcessorSettings.INPUT_FORMAT, format.name(), e.getMessage() + " ("
          + ProcessorSettings.INPUT_TEXT_FIELD + ", " + ProcessorSettings.INPUT_DOMAIN + ")");
    }
  }

  public Inference inference() {
    return inference;
  }

  public UpdatePolicy control() {
    return control;
  }

  public String bootstrapServers() {
    return getString(BOOTSTRAP_SERVERS);
  }

  public String applicationId() {
    return getString(APPLICATION_ID);
  }

  public DeliveryGuarantee guarantee() {
    return guarantee;
  }

  public long commitIntervalMs() {
    return getLong(COMMIT_INTERVAL_MS);
  }

  public String stateDir() {
    return getString(STATE_DIR);
  }

  /** Where the HTTP server listens (port -1: no server) and whether it serves the live page. */
  public record Http(String bindAddress, int port, boolean livePage) {}

  public Http http() {
    return new Http(getString(ProcessorSettings.HTTP_BIND_ADDRESS), getInt(HTTP_PORT), getBoolean(ProcessorSettings.HTTP_LIVE_PAGE));
  }

  /** Settings for Kafka Streams and its clients, {@code streams.} stripped. */
  public Map<String, Object> streamsOverrides() {
    return streamsOverrides;
  }

  /** The schema registry settings (Confluent's key names), validated. */
  public RegistryConfig registryConfig() {
    Map<String, Object> settings = new HashMap<>();
    settings.put(RegistryConfig.URL, getString(REGISTRY_URL));
    settings.put(RegistryConfig.BASIC_AUTH_USER_INFO, getPassword(REGISTRY_USER_INFO).value());
    settings.put(RegistryConfig.AUTO_REGISTER, String.valueOf(getBoolean(REGISTRY_AUTO_REGISTER)));
    return RegistryConfig.fromMap(settings);
  }

  /**
   * Threads one forward pass uses: as configured, or the cores shared out among the stream threads
   * (each stream thread runs its own passes, so more would oversubscribe the CPU).
   */
  public int intraOpThreads() {
    return intraOpThreads(inference.configuredThreads(), streamThreads());
  }

  /** The rule of {@link #intraOpThreads()}, for a configured value and a number of stream threads. */
  public static int intraOpThreads(int configured, int streamThreads) {
    return configured > 0 ? configured : Math.max(1, Runtime.getRuntime().availableProcessors() / streamThreads);
  }

  /**
   * Kafka Streams threads: as configured, or one per core. Several stream threads with one core
   * each beat one stream thread using every core for its forward passes: while one thread polls,
   * produces or waits for its transaction to commit, another computes (README, Performance).
   */
  public int streamThreads() {
    return streamThreads(getInt(STREAM_THREADS));
  }

  /**
   * This configuration for an input topic of {@code partitions} partitions: with one stream thread
   * per core (0), at most one per partition, since a thread without a partition idles and its cores
   * then go to the other threads' passes. A configured number, or an unknown count (0), is kept.
   */
  public ProcessorConfig forInputPartitions(int partitions) {
    if (getInt(STREAM_THREADS) > 0 || partitions <= 0 || partitions >= streamThreads()) {
      return this;
    }
    Map<String, Object> adjusted = new HashMap<>(originals());
    adjusted.put(STREAM_THREADS, partitions);
    return new ProcessorConfig(adjusted);
  }

  /** The rule of {@link #streamThreads()}, for a configured value. */
  public static int streamThreads(int configured) {
    return configured > 0 ? configured : Math.min(64, Runtime.getRuntime().availableProcessors());
  }

  /** Every effective setting, the registry password masked. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("ProcessorConfig[");
    settings().forEach((k, v) -> b.append(b.length() > 16 ? ", " : "").append(k).append('=').append(v));
    return b.append(']').toString();
  }

  /**
   * Every effective setting by key, in declaration order, secrets masked (for --print-config): each
   * declared key's parsed value, the computed ones with what is in use.
   */
  public Map<String, String> settings() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String key : ProcessorSettings.DEFINITION.configKeys().keySet()) {
      Object value = values().get(key);
      m.put(key, value instanceof Password p ? mask(p.value()) : String.valueOf(value));
    }
    m.put(TRUSTED_KEYS, String.valueOf(control.trustedKeys()));
    m.put(STREAM_THREADS, getInt(STREAM_THREADS) + " (" + streamThreads() + " in use)");
    m.put(INFERENCE_PRECISION, inference.precision().name());
    m.put(INFERENCE_THREADS, inference.configuredThreads() + " (" + intraOpThreads() + " in use)");
    streamsOverrides.forEach((k, v) -> m.put(STREAMS_PREFIX + k, k.contains("password") || k.contains("jaas") ? "[hidden]" : String.valueOf(v)));
    return m;
  }

  /** {@code user:password} as {@code user:[hidden]}. */
  private static String mask(String userInfo) {
    return userInfo.isEmpty() ? "" : userInfo.replaceAll(":.*", ":[hidden]");
  }
}
