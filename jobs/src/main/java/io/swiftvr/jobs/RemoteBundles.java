package io.swiftvr.jobs;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import scala.Tuple2;

/**
 * Model bundles on S3 ({@code s3a://bucket/models/name/} or {@code …/name.tar.gz}): each JVM (driver, executors)
 * copies the bundle once into its local cache, named by the location, size and modification time, so a replaced
 * bundle is fetched again and an unchanged one never. Checksums are verified after the copy, by {@code ModelBundle}.
 * Credentials and endpoints come from Hadoop's S3A configuration ({@code spark.hadoop.fs.s3a.*}); nothing is logged.
 */
final class RemoteBundles {
  private RemoteBundles() {}

  /** A local path holding the bundle at {@code location}: the location itself when it is local. */
  static Path localize(String location, Path cache) throws IOException {
    if (!Storage.isRemote(location)) {
      return Path.of(location);
    }
    try {
      return Storage.forLocation(location).localCopy(location, cache);
    } catch (IOException e) {
      throw new IOException("Model bundle not found or unreadable: " + location + " (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Hadoop's configuration with every {@code spark.hadoop.*} entry of the running Spark application, or of the JVM's
   * system properties where no Spark runs (the plan and doctor commands).
   */
  static Configuration hadoopConfiguration() {
    Configuration conf = new Configuration();
    SparkEnv env = SparkEnv.get();
    SparkConf spark = env != null ? env.conf() : new SparkConf();
    for (Tuple2<String, String> entry : spark.getAll()) {
      if (entry._1().startsWith("spark.hadoop.")) {
        conf.set(entry._1().substring("spark.hadoop.".length()), entry._2());
      }
    }
    return conf;
  }
}
