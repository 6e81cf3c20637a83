package io.swiftvr.udf.bundle;

/** A model bundle that is missing, corrupt (checksum mismatch) or of a format this build does not understand. */
public class InvalidBundleException extends Exception {
  public InvalidBundleException(String message) {
    super(message);
  }

  public InvalidBundleException(String message, Throwable cause) {
    super(message, cause);
  }
}
