package io.swiftvr.jobs.state;

import io.swiftvr.jobs.plan.Json;
import io.swiftvr.jobs.plan.VideoPlan;
import io.swiftvr.jobs.storage.Location;
import io.swiftvr.jobs.storage.Storage;
import java.io.IOException;

/**
 * Markers of published videos, keyed like their staging (input identity + parameters hash). A rerun over the same
 * inputs finds them and skips the work, so a scheduled run costs nothing when nothing changed; a changed input or
 * parameter changes the key and is restored again.
 */
public final class PublishedMarkers {
  private PublishedMarkers() {}

  /** The outcome recorded when this video was published, if it was and its output still exists. */
  public static VideoOutcome read(Storage storage, String dir, VideoPlan video) throws IOException {
    String marker = Location.of(dir).resolve(video.key() + ".json").toString();
    if (!storage.exists(marker)) {
      return null;
    }
    VideoOutcome earlier = Json.GSON.fromJson(storage.read(marker), VideoOutcome.class);
    if (earlier.output() == null || !storage.exists(earlier.output())) {
      return null;
    }
    return earlier;
  }

  public static void write(Storage storage, String dir, VideoPlan video, VideoOutcome outcome) throws IOException {
    storage.write(Location.of(dir).resolve(video.key() + ".json").toString(), Json.GSON.toJson(outcome));
  }
}
