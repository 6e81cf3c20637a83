package io.swiftvr.jobs;

import java.io.IOException;

/**
 * Markers of published videos, keyed like their staging (input identity + parameters hash). A rerun over the same
 * inputs finds them and skips the work, so a scheduled run costs nothing when nothing changed; a changed input or
 * parameter changes the key and is restored again.
 */
final class PublishedMarkers {
  private PublishedMarkers() {}

  /** The outcome recorded when this video was published, if it was and its output still exists. */
  static VideoOutcome read(Storage storage, String dir, VideoPlan video) throws IOException {
    String marker = Storage.resolve(dir, video.key() + ".json");
    if (!storage.exists(marker)) {
      return null;
    }
    VideoOutcome earlier = ReportFiles.GSON.fromJson(storage.read(marker), VideoOutcome.class);
    if (earlier.output() == null || !storage.exists(earlier.output())) {
      return null;
    }
    return earlier;
  }

  static void write(Storage storage, String dir, VideoPlan video, VideoOutcome outcome) throws IOException {
    storage.write(Storage.resolve(dir, video.key() + ".json"), ReportFiles.GSON.toJson(outcome));
  }
}
