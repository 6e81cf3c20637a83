package io.swiftvr.jobs.storage;

import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The Hadoop configuration S3A reads: every {@code spark.hadoop.*} entry of the running application, without the
 * prefix. The Spark side hands them over ({@link #use}) on the driver when Spark starts and in each task and executor
 * plugin; where no Spark runs (the plan and doctor commands) they come from the JVM's system properties, which is
 * where spark-submit puts a properties file's entries for the driver.
 */
public final class HadoopSettings {
  private static final String PREFIX = "spark.hadoop.";
  private static volatile Map<String, String> sparkEntries;

  private HadoopSettings() {}

  /** The application's settings, {@code spark.hadoop.*} keys with their prefix. */
  public static void use(Map<String, String> entries) {
    sparkEntries = Map.copyOf(entries);
  }

  static Configuration configuration() {
    Map<String, String> entries = sparkEntries;
    if (entries == null) {
      entries = new HashMap<>();
      for (String key : System.getProperties().stringPropertyNames()) {
        entries.put(key, System.getProperty(key));
      }
    }
    Configuration conf = new Configuration();
    entries.forEach((k, v) -> {
      if (k.startsWith(PREFIX)) {
        conf.set(k.substring(PREFIX.length()), v);
      }
    });
    return conf;
  }
}
