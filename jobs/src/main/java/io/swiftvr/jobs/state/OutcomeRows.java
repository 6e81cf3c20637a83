package io.swiftvr.jobs.state;

import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.plan.Json;
import io.swiftvr.jobs.plan.VideoPlan;
import io.swiftvr.jobs.storage.Location;
import io.swiftvr.jobs.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome rows of a plan's shards ({@code .swiftvr/outcomes/<video key>/<segment>.json}): a restored shard's row
 * is the marker that its segment is complete; a failed shard's row says why, and whether a rerun tries again. Tasks
 * write one row each; the driver reads them all once per stage ({@link #read}) and hands them to merge and report.
 */
public final class OutcomeRows {
  private OutcomeRows() {}

  /** The location of a shard's row. */
  public static String location(String outcomeDir, String segmentName) {
    return Location.of(outcomeDir).resolve(segmentName + ".json").toString();
  }

  public static ShardOutcome readOne(Storage storage, String location) throws IOException {
    return Json.GSON.fromJson(storage.read(location), ShardOutcome.class);
  }

  public static void write(Storage storage, String location, ShardOutcome outcome) throws IOException {
    storage.write(location, Json.GSON.toJson(outcome));
  }

  /** Every row the plan's shards left, per video key (every planned video has an entry), by shard index. */
  public static Map<String, List<ShardOutcome>> read(JobPlan plan) throws IOException {
    Map<String, List<ShardOutcome>> byVideo = new LinkedHashMap<>();
    Storage storage = plan.storage();
    for (VideoPlan video : plan.videos()) {
      List<ShardOutcome> rows = new ArrayList<>();
      for (Storage.FileInfo f : storage.list(plan.outcomesDir(video), false)) {
        if (f.location().endsWith(".json")) {
          rows.add(readOne(storage, f.location()));
        }
      }
      rows.sort(Comparator.comparingInt(ShardOutcome::shardIndex));
      byVideo.put(video.key(), List.copyOf(rows));
    }
    return byVideo;
  }

  /** The rows of all videos in one list, in plan order. */
  public static List<ShardOutcome> all(Map<String, List<ShardOutcome>> rows) {
    return rows.values().stream().flatMap(List::stream).toList();
  }
}
