package io.cpner.registry;

/**
 * A schema-registry request that failed: the registry answered with an error, or could not be
 * reached at all.
 *
 * <p>{@link #httpStatus()} is the HTTP status (or {@link #NO_RESPONSE} when no answer came) and
 * {@link #errorCode()} the registry's {@code error_code} (e.g. 40401 subject not found, 40403 schema
 * not found, 42201 invalid schema), or {@link #NO_ERROR_CODE} when the body carried none.
 */
public class SchemaRegistryException extends RuntimeException {
  /** {@link #httpStatus()} when the registry did not answer (connection refused, timeout, ...). */
  public static final int NO_RESPONSE = -1;
  /** {@link #errorCode()} when the answer had no Confluent error body. */
  public static final int NO_ERROR_CODE = -1;

  /** Confluent error code: the subject does not exist. */
  public static final int SUBJECT_NOT_FOUND = 40401;
  /** Confluent error code: the version does not exist under the subject. */
  public static final int VERSION_NOT_FOUND = 40402;
  /** Confluent error code: the schema (by id, or under a subject) does not exist. */
  public static final int SCHEMA_NOT_FOUND = 40403;

  private final int httpStatus;
  private final int errorCode;

  public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  /** The HTTP status of the answer, or {@link #NO_RESPONSE}. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The registry's {@code error_code}, or {@link #NO_ERROR_CODE}. */
  public int errorCode() {
    return errorCode;
  }

  /** Whether the registry said that the schema or subject asked for does not exist. */
  public boolean isNotFound() {
    return httpStatus == 404;
  }

  /**
   * Whether this is no answer about the schema at all, so the same request may well succeed later:
   * no response (refused, timed out), a server error (5xx), or the registry asking to be called back
   * later (408, 429). Every other status is the registry's definite answer.
   */
  public boolean isUnavailable() {
    return httpStatus == NO_RESPONSE || httpStatus >= 500 || httpStatus == 408 || httpStatus == 429;
  }
}
