package io.cpner.testkit;

/**
 * A request the registry answers with an error, in Confluent's format:
 * HTTP {@code status} and body {@code {"error_code": errorCode, "message": message}}.
 */
final class RegistryError extends RuntimeException {
  private final int status;
  private final int errorCode;

  private RegistryError(int status, int errorCode, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
  }

  int status() {
    return status;
  }

  int errorCode() {
    return errorCode;
  }

  static RegistryError subjectNotFound(String subject) {
    return new RegistryError(404, 40401, "Subject '" + subject + "' not found.", null);
  }

  static RegistryError versionNotFound(int version) {
    return new RegistryError(404, 40402, "Version " + version + " not found.", null);
  }

  static RegistryError schemaNotFound() {
    return new RegistryError(404, 40403, "Schema not found", null);
  }

  static RegistryError schemaNotFound(int id) {
    return new RegistryError(404, 40403, "Schema " + id + " not found", null);
  }

  static RegistryError invalidSchema(String detail, Throwable cause) {
    return new RegistryError(422, 42201, "Invalid schema: " + detail, cause);
  }

  static RegistryError invalidVersion(String version) {
    return new RegistryError(422, 42202, "The specified version '" + version + "' is not a valid version id. "
        + "Allowed values are between [1, 2^31-1] and the string \"latest\"", null);
  }

  static RegistryError badRequest(String detail, Throwable cause) {
    return new RegistryError(400, 400, detail, cause);
  }

  static RegistryError unauthorized() {
    return new RegistryError(401, 401, "Unauthorized", null);
  }

  static RegistryError notFound() {
    return new RegistryError(404, 404, "HTTP 404 Not Found", null);
  }

  static RegistryError methodNotAllowed() {
    return new RegistryError(405, 405, "HTTP 405 Method Not Allowed", null);
  }

  static RegistryError storeError(Throwable cause) {
    return new RegistryError(500, 50001, "Error in the backend data store: " + cause.getMessage(), cause);
  }
}
