package io.swiftvr.jobs;

import io.swiftvr.udf.bundle.InvalidBundleException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The spark-submit entry point.
 *
 * <pre>
 *   swiftvr run  [options]   plan, restore, merge and report (the default)
 *   swiftvr plan [options]   probe the inputs and print the shard plan, restoring nothing
 * </pre>
 *
 * Without a Spark master (not launched by spark-submit) it runs on local Spark with one task at a time, because one
 * model already uses every CPU core.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    List<String> list = Arrays.asList(args);
    String command = list.isEmpty() || list.get(0).startsWith("--") ? "run" : list.get(0);
    List<String> rest = list.isEmpty() || list.get(0).startsWith("--") ? list : list.subList(1, list.size());
    if (rest.contains("--help") || command.equals("help")) {
      System.out.println("Usage: swiftvr [run|plan] [options]\n" + JobOptions.usage());
      return;
    }
    JobOptions options;
    try {
      options = JobOptions.parse(rest);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    int status = switch (command) {
      case "run" -> run(options);
      case "plan" -> plan(options);
      default -> {
        System.err.println("Unknown command '" + command + "'. Commands: run, plan.");
        yield 2;
      }
    };
    System.exit(status);
  }

  private static int plan(JobOptions options) throws IOException {
    try {
      RestoreJob.Plan plan = RestoreJob.plan(options);
      for (VideoPlan video : plan.videos()) {
        System.out.println(video.probe() + " -> " + video.outWidth() + "x" + video.outHeight() + ", "
            + video.shards().size() + " shards");
        video.shards().forEach(s -> System.out.println("  " + s));
      }
      plan.rejected().forEach(r -> System.out.println("REJECTED " + r.error()));
      return plan.rejected().isEmpty() ? 0 : 1;
    } catch (InvalidBundleException e) {
      System.err.println(e.getMessage());
      return 2;
    }
  }

  private static int run(JobOptions options) throws IOException {
    SparkConf conf = new SparkConf().setAppName("SwiftVR restore");
    if (!conf.contains("spark.master")) {
      conf.setMaster("local[1,2]")
          .set("spark.ui.enabled", "false")
          .set("spark.ui.showConsoleProgress", "false")
          .set("spark.executor.heartbeatInterval", "2s");
    }
    try (JavaSparkContext spark = new JavaSparkContext(conf)) {
      spark.setLogLevel("WARN");
      RestoreJob.Result result = RestoreJob.run(options, spark, System.err);
      System.out.println(JobReport.oneLine(result.videos(), result.wallSeconds()));
      result.videos().stream().filter(VideoOutcome::ok).forEach(v -> System.out.println("  wrote " + v.output()));
      System.out.println("  report in " + options.outputDir().resolve("report"));
      return result.videos().stream().allMatch(VideoOutcome::ok) ? 0 : 1;
    } catch (InvalidBundleException e) {
      System.err.println(e.getMessage());
      return 2;
    }
  }
}
