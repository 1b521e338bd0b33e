package io.cpner.registry;

/**
 * Confluent's default subject naming: a topic's values are registered under
 * {@code <topic>-value} and its keys under {@code <topic>-key}.
 */
public final class TopicNameStrategy {
  private TopicNameStrategy() {}

  /** The subject of {@code topic}'s keys ({@code isKey}) or values. */
  public static String subject(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }
}
