package io.cpner.prefix;

/**
 * A prefix tensor holds NaN or an infinity. A subtype of {@link IllegalArgumentException} so that the
 * control-topic applier can refuse such an update under its own reason; everything else treats it as
 * any other invalid prefix.
 */
public final class NonFiniteValueException extends IllegalArgumentException {
  public NonFiniteValueException(String message) {
    super(message);
  }
}
