package io.swiftvr.jobs.spark;

import io.swiftvr.jobs.storage.HadoopSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Starting Spark for a command, and handing its {@code spark.hadoop.*} settings to S3A ({@link HadoopSettings}) on
 * the driver, in tasks and in executor plugins.
 *
 * <p>Without a Spark master (not launched by spark-submit) a command runs on local Spark with one task at a time,
 * because one model already uses every CPU core, and two attempts per task; set {@code spark.master} to change that.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /** @param setup adds what the command needs before Spark starts (executor plugins are fixed at start) */
  public static JavaSparkContext start(UnaryOperator<SparkConf> setup) {
    SparkConf conf = setup.apply(new SparkConf().setAppName("SwiftVR restore"));
    if (!conf.contains("spark.master")) {
      conf.setMaster("local[1,2]")
          .set("spark.ui.enabled", "false")
          .set("spark.ui.showConsoleProgress", "false")
          .set("spark.executor.heartbeatInterval", "2s");
    }
    JavaSparkContext spark = new JavaSparkContext(conf);
    spark.setLogLevel("WARN");
    useHadoopSettings(conf);
    return spark;
  }

  /** Hands a Spark configuration's entries to S3A in this JVM. */
  static void useHadoopSettings(SparkConf conf) {
    Map<String, String> entries = new HashMap<>();
    for (Tuple2<String, String> entry : conf.getAll()) {
      entries.put(entry._1(), entry._2());
    }
    HadoopSettings.use(entries);
  }
}
