package io.swiftvr.jobs.spark;

import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.plan.VideoPlan;
import io.swiftvr.jobs.restore.ShardTask;
import io.swiftvr.jobs.restore.ShardTaskRunner;
import io.swiftvr.jobs.state.PublishedMarkers;
import io.swiftvr.jobs.state.ShardOutcome;
import io.swiftvr.media.EncoderSettings;
import io.swiftvr.media.SegmentEncoder;
import io.swiftvr.planner.Shard;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The restore stage: one Spark task per shard of every video not yet published, with a progress display. */
public final class ShardStage {
  private static final Logger LOG = LoggerFactory.getLogger(ShardStage.class);

  private ShardStage() {}

  /**
   * @param retryFailed run again the shards an earlier run failed for good ({@code --retry-failed})
   * @return a row per shard; a video's failure is a {@code failed} row, never an exception that stops the batch
   */
  public static List<ShardOutcome> restore(JobPlan plan, JavaSparkContext spark, PrintStream console,
      boolean retryFailed) throws IOException {
    SparkSessions.useHadoopSettings(spark.getConf());
    List<ShardRef> tasks = new ArrayList<>();
    long frames = 0;
    for (VideoPlan video : plan.videos()) {
      if (PublishedMarkers.read(plan.storage(), plan.publishedDir(), video) != null) {
        LOG.info("{} is unchanged since it was restored; skipping", video.input());
        continue;
      }
      frames += video.probe().frameCount();
      for (Shard shard : video.shards()) {
        tasks.add(new ShardRef(video.key(), shard.shardIndex()));
      }
    }
    if (tasks.isEmpty()) {
      return List.of();
    }
    if (plan.encoder().isNvenc()) {
      requireEncoderOnAnExecutor(plan, spark);
    }
    LongAccumulator restored = spark.sc().longAccumulator("frames restored");
    ProgressDisplay progress = new ProgressDisplay(restored, frames, console);
    spark.sc().addSparkListener(progress);
    try {
      spark.setJobGroup("swiftvr-restore", "SwiftVR: restore " + tasks.size() + " shards", false);
      // The plan (every frame's timestamp of every video) travels once per executor, not once per task.
      Broadcast<JobPlan> shared = spark.broadcast(plan);
      try {
        return spark.parallelize(tasks, tasks.size()).map(new RunShard(shared, restored, retryFailed)).collect();
      } finally {
        shared.destroy();
      }
    } finally {
      spark.sc().removeSparkListener(progress);
      progress.finish();
    }
  }

  /**
   * NVENC works where the executors' GPUs and driver are, not necessarily on the driver: one task opens the encoder
   * there on a small frame, so a codec no executor can use stops the run with one line before any shard is restored.
   */
  private static void requireEncoderOnAnExecutor(JobPlan plan, JavaSparkContext spark) {
    EncoderSettings encoder = plan.encoder();
    String reason = spark.parallelize(List.of(0), 1).map(i -> SegmentEncoder.whyNotUsable(encoder)).first();
    if (reason != null) {
      throw new IllegalArgumentException("Encoder " + encoder + " does not work on the executors: " + reason);
    }
  }

  /** What one task is told: which shard of which video. */
  record ShardRef(String videoKey, int shardIndex) implements java.io.Serializable {}

  /** The task body; a static class so the closure ships only the broadcast plan and the accumulator. */
  private static final class RunShard implements Function<ShardRef, ShardOutcome> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<JobPlan> plan;
    private final LongAccumulator frames;
    private final boolean retryFailed;

    RunShard(Broadcast<JobPlan> plan, LongAccumulator frames, boolean retryFailed) {
      this.plan = plan;
      this.frames = frames;
      this.retryFailed = retryFailed;
    }

    @Override
    public ShardOutcome call(ShardRef ref) {
      JobPlan jobPlan = plan.value();
      VideoPlan video = jobPlan.videos().stream().filter(v -> v.key().equals(ref.videoKey())).findFirst()
          .orElseThrow(() -> new IllegalStateException("No video " + ref.videoKey() + " in the plan"));
      ShardTask task = ShardTask.of(jobPlan, video, video.shards().get(ref.shardIndex()), retryFailed);
      SparkEnv env = SparkEnv.get();
      if (env != null) {
        SparkSessions.useHadoopSettings(env.conf()); // S3A on the executor reads the application's settings
      }
      int[] reported = {0};
      return ShardTaskRunner.run(task, new SparkTaskEnvironment(), emitted -> {
        frames.add(emitted - reported[0]);
        reported[0] = emitted;
      });
    }
  }
}
