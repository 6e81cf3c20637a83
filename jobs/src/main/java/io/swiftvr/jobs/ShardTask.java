package io.swiftvr.jobs;

import io.swiftvr.planner.Shard;
import io.swiftvr.udf.video.EncoderSettings;
import java.io.Serializable;

/**
 * What a Spark task needs to restore one shard; small enough to ship per task.
 *
 * @param segmentDir where the shard's segment is published
 * @param outcomeDir where its outcome row (the marker that the segment is complete) is written
 */
public record ShardTask(VideoPlan video, Shard shard, String modelDir, String bundleCache, EncoderSettings encoder,
    String segmentDir, String outcomeDir, String device) implements Serializable {

  static ShardTask of(JobPlan plan, VideoPlan video, Shard shard) {
    return new ShardTask(video, shard, plan.modelDir(), plan.localCache("bundles").toString(), plan.encoder(),
        plan.stagingDir(video), plan.outcomesDir(video), plan.device());
  }
}
