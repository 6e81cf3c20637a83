package io.swiftvr.jobs.spark;

import io.swiftvr.jobs.merge.MergeStage;
import io.swiftvr.jobs.plan.JobOptions;
import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.plan.JobPlanner;
import io.swiftvr.jobs.report.JobReport;
import io.swiftvr.jobs.report.ThroughputTable;
import io.swiftvr.jobs.state.OutcomeRows;
import io.swiftvr.jobs.state.ShardOutcome;
import io.swiftvr.jobs.state.VideoOutcome;
import io.swiftvr.udf.bundle.InvalidBundleException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The whole job: plan on the driver, restore one shard per Spark task, merge each video whose shards all succeeded,
 * and write the report. Each stage is also a command of its own ({@code jobs.cli}); they meet in the output folder.
 */
public final class RestoreJob {

  /** What a run produced: a row per input video and per shard run in this run. */
  public record Result(JobPlan plan, List<VideoOutcome> videos, List<ShardOutcome> shards, double wallSeconds) {}

  private RestoreJob() {}

  /** The {@code run} command: starts Spark with the model preload on executors, and runs the whole job. */
  public static Result runOnSpark(JobOptions options, PrintStream console) throws IOException, InvalidBundleException {
    try (JavaSparkContext spark = SparkSessions.start(conf -> ModelPreloadPlugin.configure(conf, options.model(),
        JobPlan.localCache(options.outputDir(), "bundles"), options.device()))) {
      return run(options, spark, console);
    }
  }

  /** The {@code restore} command: starts Spark with the model preload and restores the plan's unfinished shards. */
  public static List<ShardOutcome> restoreOnSpark(JobPlan plan, PrintStream console, boolean retryFailed)
      throws IOException {
    try (JavaSparkContext spark = SparkSessions.start(conf -> ModelPreloadPlugin.configure(conf, plan.modelDir(),
        plan.localCache("bundles"), plan.device()))) {
      return ShardStage.restore(plan, spark, console, retryFailed);
    }
  }

  /** The Parquet twins of the report's tables, written where Spark is needed only for them (the report command). */
  public static void writeParquet(JobPlan plan, JobReport.Tables tables) {
    try (JavaSparkContext spark = SparkSessions.start(java.util.function.UnaryOperator.identity())) {
      ParquetReport.write(spark, plan, tables.shards(), tables.videos(), tables.throughput());
    }
  }

  public static Result run(JobOptions options, JavaSparkContext spark, PrintStream console)
      throws IOException, InvalidBundleException {
    SparkSessions.useHadoopSettings(spark.getConf()); // the plan may read S3 on the driver
    long started = System.nanoTime();
    JobPlan plan = JobPlanner.plan(options);
    plan.write();
    List<ShardOutcome> shards = ShardStage.restore(plan, spark, console, options.retryFailed());
    Map<String, List<ShardOutcome>> rows = OutcomeRows.read(plan); // this run's rows and earlier runs', read once
    List<VideoOutcome> videos = MergeStage.merge(plan, rows);
    double wall = (System.nanoTime() - started) / 1e9;
    try {
      JobReport.Tables tables = JobReport.write(plan, OutcomeRows.all(rows), videos, wall,
          ThroughputTable.readPrices(options.prices()), options.addThroughput());
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
