package io.cpner.stream.control;

/**
 * Where the control-topic applier records each update it installed, exactly as it arrived (signed),
 * so that a restart finds the newest validly signed version of every domain even after compaction
 * of the control topic kept a later record that was refused. See {@link AcceptedPrefixLog}.
 */
@FunctionalInterface
public interface AcceptedPrefixSink {
  /** Records nowhere (tests that do not restart). */
  AcceptedPrefixSink NONE = (domain, version, value) -> { };

  /** The update for {@code domain} at {@code version} was installed from these record bytes. */
  void accepted(String domain, long version, byte[] value);
}
