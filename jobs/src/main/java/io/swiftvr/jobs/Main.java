package io.swiftvr.jobs;

import io.swiftvr.udf.StopSignal;
import io.swiftvr.udf.bundle.InvalidBundleException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The spark-submit entry point: {@code run} does every stage; the stage commands do one each and meet in the output
 * folder ({@code plan.json}, {@code .swiftvr/}), so a failed stage can be rerun alone.
 *
 * <p>Without a Spark master (not launched by spark-submit) it runs on local Spark with one task at a time, because one
 * model already uses every CPU core; set {@code spark.master} to change that.
 */
public final class Main {
  private static final String COMMANDS = String.join("\n",
      "Usage: swiftvr [COMMAND] [options]",
      "Commands:",
      "  run      plan, restore, merge and report (the default)",
      "  plan     probe the inputs, cut them into shards, write plan.json and print it",
      "  restore  restore the shards of plan.json that are not finished (Spark tasks)",
      "  merge    merge and publish every video whose shards all finished",
      "  report   write report/ from what the output folder holds",
      "  doctor   print the engine, GPUs, caches, FFmpeg codecs, and check the model bundle",
      "restore and merge take only --output; report takes --output and --prices.");

  /** The commands that write to the output folder. */
  private static final java.util.Set<String> WRITERS = java.util.Set.of("run", "plan", "restore", "merge", "report");

  private Main() {}

  public static void main(String[] args) throws Exception {
    List<String> list = Arrays.asList(args);
    // "-h" is an option, not a command name; -h and --help print the usage wherever they stand, and exit 0.
    boolean named = !list.isEmpty() && !list.get(0).startsWith("-");
    String command = named ? list.get(0) : "run";
    List<String> rest = named ? list.subList(1, list.size()) : list;
    if (rest.contains("--help") || rest.contains("-h") || command.equals("help")) {
      System.out.println(COMMANDS + "\n" + JobOptions.usage());
      System.exit(0);
    }
    int status;
    try {
      JobOptions options = JobOptions.parse(rest);
      if (!WRITERS.contains(command) && !command.equals("doctor")) {
        throw new IllegalArgumentException("Unknown command '" + command + "'\n" + COMMANDS);
      }
      if (WRITERS.contains(command)) {
        CleanStop.install(command, System.err);
      }
      // Every command that writes to the output folder holds it alone while it runs.
      try (OutputLock lock = WRITERS.contains(command) ? OutputLock.acquire(options.outputDir(), command) : null) {
        status = switch (command) {
          case "run" -> run(options);
          case "plan" -> plan(options);
          case "restore" -> restore(options.outputDir(), options.retryFailed());
          case "merge" -> merge(options.outputDir());
          case "report" -> report(options);
          default -> Doctor.run(options, System.out);
        };
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      status = 2;
    } catch (InvalidBundleException | IOException e) {
      System.err.println("swiftvr " + command + ": " + e.getMessage());
      status = 2;
    } catch (Exception e) {
      if (StopSignal.stopping()) {
        return; // Spark's jobs end with errors once the JVM shuts down after a signal; CleanStop has said why
      }
      throw e;
    } finally {
      CleanStop.finished(); // ended by itself, even by an exception: no "interrupted" line at exit
    }
    System.exit(status);
  }

  private static int run(JobOptions options) throws IOException, InvalidBundleException {
    try (JavaSparkContext spark = startSpark(conf -> ModelPreloadPlugin.configure(conf, options.model(),
        JobPlan.localCache(options.outputDir(), "bundles"), options.device()))) {
      RestoreJob.Result result = RestoreJob.run(options, spark, System.err);
      return printOutcome(result.plan(), result.videos(), result.wallSeconds());
    }
  }

  private static int plan(JobOptions options) throws IOException, InvalidBundleException {
    JobPlan plan = JobPlanner.plan(options);
    plan.write();
    System.out.printf(Locale.ROOT, "Model %s (%s), encoder %s%n", plan.modelName(), plan.modelFingerprint(),
        plan.encoder());
    for (VideoPlan video : plan.videos()) {
      System.out.println(video.probe() + " -> " + video.outWidth() + "x" + video.outHeight() + ", "
          + video.shards().size() + " shards, " + video.outputName());
      video.shards().forEach(s -> System.out.printf(Locale.ROOT,
          "  %s: frames %d-%d, chunks %d-%d, warm-up from chunk %d, decode from frame %d%n", s.segmentName(),
          s.emitStartFrame(), s.emitEndFrame() - 1, s.firstChunk(), s.endChunk() - 1, s.warmupFirstChunk(),
          s.decodeStartFrame()));
    }
    plan.rejected().forEach(r -> System.out.println("REJECTED " + r.error()));
    if (!plan.skipped().isEmpty()) {
      System.out.println("Inputs: " + plan.skipped() + " (left alone)");
    }
    if (options.estimateFrom() != null) {
      double videoSeconds = plan.videos().stream().mapToDouble(v -> v.probe().durationSeconds()).sum();
      System.out.printf(Locale.ROOT, "Estimate for %.2f hours of video, from %s:%n", videoSeconds / 3600,
          options.estimateFrom());
      ThroughputTable.readSecondsPerVideoSecond(options.estimateFrom()).forEach((device, perSecond) ->
          System.out.printf(Locale.ROOT, "  %s: %.3f device-hours (%.0f s)%n", device, videoSeconds * perSecond / 3600,
              videoSeconds * perSecond));
    }
    System.out.println("Wrote " + plan.location(JobPlan.FILE));
    return plan.rejected().isEmpty() ? 0 : 1;
  }

  private static int restore(String output, boolean retryFailed) throws IOException {
    JobPlan plan = JobPlan.read(output);
    try (JavaSparkContext spark = startSpark(conf -> ModelPreloadPlugin.configure(conf, plan.modelDir(),
        plan.localCache("bundles"), plan.device()))) {
      List<ShardOutcome> shards = ShardStage.restore(plan, spark, System.err, retryFailed);
      long failed = shards.stream().filter(ShardOutcome::failed).count();
      System.out.printf("Restored %d shards, %d failed%n", shards.size() - failed, failed);
      return failed == 0 ? 0 : 1;
    }
  }

  private static int merge(String output) throws IOException {
    JobPlan plan = JobPlan.read(output);
    long started = System.nanoTime();
    List<VideoOutcome> videos = MergeStage.merge(plan);
    return printOutcome(plan, videos, (System.nanoTime() - started) / 1e9);
  }

  private static int report(JobOptions options) throws IOException {
    JobPlan plan = JobPlan.read(options.outputDir());
    List<VideoOutcome> videos = MergeStage.outcomesWithoutMerging(plan);
    JobReport.Tables tables = JobReport.write(plan, videos, 0, options.priceTable(), options.addThroughput());
    try (JavaSparkContext spark = startSpark(UnaryOperator.identity())) {
      ParquetReport.write(spark, plan, tables.shards(), tables.videos(), tables.throughput());
    }
    System.out.println("Wrote " + plan.location("report"));
    return 0;
  }

  private static int printOutcome(JobPlan plan, List<VideoOutcome> videos, double seconds) {
    System.out.println(JobReport.oneLine(videos, seconds));
    if (plan.skipped() != null && !plan.skipped().isEmpty()) {
      System.out.println("  " + plan.skipped() + " (left alone)");
    }
    videos.stream().filter(v -> "restored".equals(v.status())).forEach(v -> System.out.println("  wrote " + v.output()));
    System.out.println("  report in " + plan.location("report"));
    return videos.stream().allMatch(VideoOutcome::ok) ? 0 : 1;
  }

  /** @param setup adds what the command needs before Spark starts (executor plugins are fixed at start) */
  private static JavaSparkContext startSpark(UnaryOperator<SparkConf> setup) {
    SparkConf conf = setup.apply(new SparkConf().setAppName("SwiftVR restore"));
    if (!conf.contains("spark.master")) {
      conf.setMaster("local[1,2]")
          .set("spark.ui.enabled", "false")
          .set("spark.ui.showConsoleProgress", "false")
          .set("spark.executor.heartbeatInterval", "2s");
    }
    JavaSparkContext spark = new JavaSparkContext(conf);
    spark.setLogLevel("WARN");
    return spark;
  }
}
