package io.swiftvr.jobs;

/**
 * One row of the video report: a published restored video, or why there is none.
 *
 * @param status {@code restored}, {@code reused} (published by an earlier run with the same input and parameters)
 *     or {@code failed}
 */
public record VideoOutcome(
    String input,
    String output,
    String status,
    String error,
    int frames,
    double videoSeconds,
    int inWidth,
    int inHeight,
    int outWidth,
    int outHeight,
    double decodeSeconds,
    double modelSeconds,
    double encodeSeconds,
    double mergeSeconds,
    String device) {

  static VideoOutcome failed(String input, String error) {
    return new VideoOutcome(input, null, "failed", error, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null);
  }

  public boolean ok() {
    return "restored".equals(status) || "reused".equals(status);
  }
}
