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

  /** The earlier outcome when this video was published with these parameters and its output still exists. */
  static VideoOutcome read(Path dir, VideoPlan video, Path outputDir) throws IOException {
    Path marker = dir.resolve(video.key() + ".json");
    if (!Files.isRegularFile(marker)) {
      return null;
    }
    VideoOutcome earlier = ReportFiles.GSON.fromJson(Files.readString(marker), VideoOutcome.class);
    if (earlier.output() == null || !Files.isRegularFile(Path.of(earlier.output()))) {
      return null;
    }
    return new VideoOutcome(earlier.input(), earlier.output(), "reused", null, earlier.frames(),
        earlier.videoSeconds(), earlier.inWidth(), earlier.inHeight(), earlier.outWidth(), earlier.outHeight(),
        0, 0, 0, 0, earlier.device());
  }

  static void write(Path dir, VideoPlan video, VideoOutcome outcome) throws IOException {
    ReportFiles.writeAtomically(dir.resolve(video.key() + ".json"), ReportFiles.GSON.toJson(outcome));
  }
}
