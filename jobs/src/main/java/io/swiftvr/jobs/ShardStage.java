package io.swiftvr.jobs;

import io.swiftvr.planner.Shard;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The restore stage: one Spark task per shard of every video not yet published, with a progress display. */
public final class ShardStage {
  private static final Logger LOG = LoggerFactory.getLogger(ShardStage.class);

  private ShardStage() {}

  public static List<ShardOutcome> restore(JobPlan plan, JavaSparkContext spark, PrintStream console)
      throws IOException {
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
    LongAccumulator restored = spark.sc().longAccumulator("frames restored");
    ProgressDisplay progress = new ProgressDisplay(restored, frames, console);
    spark.sc().addSparkListener(progress);
    try {
      spark.setJobGroup("swiftvr-restore", "SwiftVR: restore " + tasks.size() + " shards", false);
      // The plan (every frame's timestamp of every video) travels once per executor, not once per task.
      Broadcast<JobPlan> shared = spark.broadcast(plan);
      try {
        return spark.parallelize(tasks, tasks.size()).map(new RunShard(shared, restored)).collect();
      } finally {
        shared.destroy();
      }
    } finally {
      spark.sc().removeSparkListener(progress);
      progress.finish();
    }
  }

  /** What one task is told: which shard of which video. */
  record ShardRef(String videoKey, int shardIndex) implements java.io.Serializable {}

  /** The task body; a static class so the closure ships only the broadcast plan and the accumulator. */
  private static final class RunShard implements Function<ShardRef, ShardOutcome> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<JobPlan> plan;
    private final LongAccumulator frames;

    RunShard(Broadcast<JobPlan> plan, LongAccumulator frames) {
      this.plan = plan;
      this.frames = frames;
    }

    @Override
    public ShardOutcome call(ShardRef ref) {
      JobPlan jobPlan = plan.value();
      VideoPlan video = jobPlan.videos().stream().filter(v -> v.key().equals(ref.videoKey())).findFirst()
          .orElseThrow(() -> new IllegalStateException("No video " + ref.videoKey() + " in the plan"));
      ShardTask task = ShardTask.of(jobPlan, video, video.shards().get(ref.shardIndex()));
      int[] reported = {0};
      return ShardTaskRunner.run(task, emitted -> {
        frames.add(emitted - reported[0]);
        reported[0] = emitted;
      });
    }
  }
}
