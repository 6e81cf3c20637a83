package io.swiftvr.jobs.state;

import io.swiftvr.jobs.plan.VideoPlan;
import io.swiftvr.planner.Shard;
import io.swiftvr.udf.ShardResult;
import java.io.Serializable;

/**
 * One row of the shard report: a restored (or reused) segment with its timings, or the reason it failed.
 *
 * @param status {@code restored}, {@code reused} (a finished segment from an earlier run) or {@code failed}
 * @param permanent for a failure: it would happen again (a broken or changed file, a frame size beyond the limits),
 *     so a rerun does not try the shard again unless asked ({@code --retry-failed}); a failure that may pass (storage,
 *     memory, a lost executor) is tried again by Spark, and by a rerun
 */
public record ShardOutcome(
    String videoKey,
    String input,
    int shardIndex,
    int shardCount,
    String status,
    String error,
    ShardResult result,
    String segment,
    String host,
    String executor,
    boolean permanent) implements Serializable {

  public static ShardOutcome failed(VideoPlan video, Shard shard, String error, boolean permanent, String host,
      String executor) {
    return new ShardOutcome(video.key(), video.input(), shard.shardIndex(), shard.shardCount(), "failed", error, null,
        null, host, executor, permanent);
  }

  public boolean failed() {
    return "failed".equals(status);
  }
}
