package io.swiftvr.planner;

/**
 * A video that cannot be restored: missing, not a video, no video stream, zero frames, truncated or undecodable.
 * The message always names the file and the reason, because it ends up in the per-video error row a user reads.
 */
public class InvalidVideoException extends Exception {
  private final String uri;
  private final String reason;

  public InvalidVideoException(String uri, String reason) {
    this(uri, reason, null);
  }

  public InvalidVideoException(String uri, String reason, Throwable cause) {
    super(uri + ": " + reason, cause);
    this.uri = uri;
    this.reason = reason;
  }

  public String uri() {
    return uri;
  }

  public String reason() {
    return reason;
  }
}
