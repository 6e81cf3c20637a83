package io.swiftvr.jobs;

import io.swiftvr.udf.bundle.InvalidBundleException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The whole job: plan on the driver, restore one shard per Spark task, merge each video whose shards all succeeded,
 * and write the report. Each stage is also a command of its own ({@link Main}); they meet in the output folder.
 */
public final class RestoreJob {

  /** What a run produced: a row per input video and per shard run in this run. */
  public record Result(JobPlan plan, List<VideoOutcome> videos, List<ShardOutcome> shards, double wallSeconds) {}

  private RestoreJob() {}

  public static Result run(JobOptions options, JavaSparkContext spark, PrintStream console)
      throws IOException, InvalidBundleException {
    long started = System.nanoTime();
    JobPlan plan = JobPlanner.plan(options);
    plan.write();
    List<ShardOutcome> shards = ShardStage.restore(plan, spark, console, options.retryFailed());
    List<VideoOutcome> videos = MergeStage.merge(plan);
    double wall = (System.nanoTime() - started) / 1e9;
    try {
      JobReport.Tables tables = JobReport.write(plan, videos, wall, options.priceTable(), options.addThroughput());
      ParquetReport.write(spark, plan, tables.shards(), tables.videos(), tables.throughput());
    } catch (IOException | RuntimeException e) {
      // The restored videos and their outcome rows are in place; a full disk must not hide what the run did.
      console.println("Could not write the report to " + plan.location("report") + ": " + e.getMessage()
          + "; the videos above are published, and 'report --output " + plan.outputDir() + "' writes it once "
          + "there is room");
    }
    return new Result(plan, videos, shards, wall);
  }
}
