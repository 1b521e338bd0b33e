package io.cpner.stream.documents;

import io.cpner.registry.RegistryUnavailableException;
import io.cpner.registry.SchemaRegistry;
import io.cpner.registry.SchemaRegistryException;
import io.cpner.registry.TopicNameStrategy;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.avro.Schema;

/**
 * Where a document's output goes: {@code topic.output}, or, when it holds {@code {domain}}, one topic
 * per domain ({@code entities.{domain}} gives {@code entities.politics}), named after the domain of
 * the prefix that tags the document (an installed domain, so signed prefix updates alone decide
 * which topics exist; under the fallback policy a document of an unknown domain goes to the
 * fallback's topic). The router {@link #prepare}s a domain's topic before its first document is
 * buffered: the topic is created if missing and, for {@code NerResult} output, the schema is
 * registered under its subject, so the sink never waits for Kafka's admin or the registry.
 * Thread-safe; shared by every task.
 */
public final class OutputTopics {
  /** The placeholder of the domain in {@code topic.output}. */
  public static final String DOMAIN = "{domain}";
  private final String pattern;
  private final SchemaRegistry registry;
  private final Schema resultSchema;
  private final Consumer<String> createTopic;
  private final Set<String> prepared = ConcurrentHashMap.newKeySet();

  /** A topic that could not be made ready for a domain's output. */
  public static final class UnavailableException extends RuntimeException {
    UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * @param resultSchema the schema written to every topic ({@code NerResult}), or null when each
   *     record's schema is resolved on its own (enriched output)
   * @param createTopic creates a topic if it does not exist (throws when it cannot)
   */
  public OutputTopics(String pattern, SchemaRegistry registry, Schema resultSchema, Consumer<String> createTopic) {
    this.pattern = pattern;
    this.registry = registry;
    this.resultSchema = resultSchema;
    this.createTopic = createTopic;
  }

  /** Whether each domain has its own topic. */
  public boolean perDomain() {
    return pattern.contains(DOMAIN);
  }

  /** The output topic of documents tagged by {@code prefixDomain}'s prefix. */
  public String topicFor(String prefixDomain) {
    return pattern.replace(DOMAIN, prefixDomain);
  }

  /**
   * The output topic of {@code prefixDomain}, created and its result schema registered on first use
   * (a single topic was made ready at start).
   *
   * @throws RegistryUnavailableException when the registry gives no answer (the record may wait)
   * @throws UnavailableException when the topic cannot be created or the registry refuses the schema
   */
  public String prepare(String prefixDomain) {
    String topic = topicFor(prefixDomain);
    if (!perDomain() || prepared.contains(topic)) {
      return topic;
    }
    try {
      createTopic.accept(topic);
    } catch (RuntimeException e) {
      throw new UnavailableException("cannot create output topic " + topic + ": " + e.getMessage(), e);
    }
    if (resultSchema != null) {
      String subject = TopicNameStrategy.subject(topic, false);
      try {
        registry.schemaId(subject, resultSchema);
      } catch (SchemaRegistryException e) {
        if (e.isUnavailable()) {
          throw new RegistryUnavailableException("no answer about " + resultSchema.getName() + " under " + subject + ": " + e.getMessage(), e);
        }
        throw new UnavailableException("the registry refused " + resultSchema.getName() + " under " + subject + ": " + e.getMessage(), e);
      }
    }
    prepared.add(topic);
    return topic;
  }
}
