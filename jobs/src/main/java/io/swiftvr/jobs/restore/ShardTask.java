package io.swiftvr.jobs.restore;

import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.plan.VideoPlan;
import io.swiftvr.media.EncoderSettings;
import io.swiftvr.planner.Shard;
import java.io.Serializable;

/**
 * What a Spark task needs to restore one shard; small enough to ship per task.
 *
 * @param segmentDir where the shard's segment is published
 * @param outcomeDir where its outcome row (the marker that the segment is complete) is written
 * @param modelFingerprint the fingerprint of the bundle the plan was made with; the task refuses another
 * @param retryFailed run the shard again even if an earlier run failed it for good
 */
public record ShardTask(VideoPlan video, Shard shard, String modelDir, String modelFingerprint, String bundleCache,
    EncoderSettings encoder, String segmentDir, String outcomeDir, String device, boolean retryFailed)
    implements Serializable {

  public static ShardTask of(JobPlan plan, VideoPlan video, Shard shard, boolean retryFailed) {
    return new ShardTask(video, shard, plan.modelDir(), plan.modelFingerprint(), plan.localCache("bundles").toString(),
        plan.encoder(), plan.stagingDir(video), plan.outcomesDir(video), plan.device(), retryFailed);
  }
}
