package io.swiftvr.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Markers of published videos, keyed like their staging (input identity + parameters hash). A rerun over the same
 * inputs finds them and skips the work, so a scheduled run costs nothing when nothing changed; a changed input or
 * parameter changes the key and is restored again.
 */
final class PublishedMarkers {
  private PublishedMarkers() {}

  /** The outcome recorded when this video was published, if it was and its output still exists. */
  static VideoOutcome read(Path dir, VideoPlan video) throws IOException {
    Path marker = dir.resolve(video.key() + ".json");
    if (!Files.isRegularFile(marker)) {
      return null;
    }
    VideoOutcome earlier = ReportFiles.GSON.fromJson(Files.readString(marker), VideoOutcome.class);
    if (earlier.output() == null || !Files.isRegularFile(Path.of(earlier.output()))) {
      return null;
    }
    return earlier;
  }

  static void write(Path dir, VideoPlan video, VideoOutcome outcome) throws IOException {
    ReportFiles.writeAtomically(dir.resolve(video.key() + ".json"), ReportFiles.GSON.toJson(outcome));
  }
}
