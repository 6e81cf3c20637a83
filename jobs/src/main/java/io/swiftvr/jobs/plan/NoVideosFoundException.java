package io.swiftvr.jobs.plan;

import java.io.IOException;
import java.util.List;

/**
 * The inputs hold no video: a run over them would restore nothing and report "0/0", which looks like success. The
 * message says what was searched, what counts as a video, and what was found instead, so a wrong folder or an
 * unexpected extension is seen at once.
 */
public final class NoVideosFoundException extends IOException {

  private NoVideosFoundException(String message) {
    super(message);
  }

  /**
   * Describes inputs whose listing holds no video.
   *
   * @param inputs the inputs as the user gave them
   */
  public static NoVideosFoundException in(List<String> inputs, InputLister.Listing listing) {
    String skipped = listing.skipped();
    return new NoVideosFoundException("No videos found in " + String.join(", ", inputs)
        + " (folders are searched recursively for " + String.join(" ", videoExtensions()) + "); "
        + (skipped.isEmpty() ? "found no files at all" : skipped));
  }

  private static List<String> videoExtensions() {
    return InputLister.VIDEO_EXTENSIONS.stream().sorted().map(e -> "." + e).toList();
  }
}
