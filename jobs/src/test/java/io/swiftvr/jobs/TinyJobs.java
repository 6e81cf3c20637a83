package io.swiftvr.jobs;

import io.swiftvr.jobs.cli.Main;
import io.swiftvr.jobs.plan.JobOptions;
import io.swiftvr.udf.TestBundles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** What the job tests share: local Spark as the job runs it, and options for the tiny test bundle. */
final class TinyJobs {
  private TinyJobs() {}

  /** Local Spark with one task at a time and Spark's retry (two attempts), as {@code Main} runs it. */
  static JavaSparkContext localSpark(String name) {
    return new JavaSparkContext(new SparkConf().setMaster("local[1,2]").setAppName(name)
        .set("spark.ui.enabled", "false").set("spark.executor.heartbeatInterval", "1s"));
  }

  /** The job's options with the tiny test bundle, output in {@code out}, and {@code extra} arguments. */
  static JobOptions options(Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("--output", out.toString(), "--model", TestBundles.tinyDir().toString()));
    args.addAll(Arrays.asList(extra));
    return Main.parseRunOptions(args);
  }
}
