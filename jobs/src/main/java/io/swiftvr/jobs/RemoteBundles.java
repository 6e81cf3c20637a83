package io.swiftvr.jobs;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import io.swiftvr.udf.FileTrees;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
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

  static boolean isRemote(String location) {
    return location.toLowerCase(Locale.ROOT).startsWith("s3a://");
  }

  /** A local path holding the bundle at {@code location}: the location itself when it is local. */
  static Path localize(String location, Path cache) throws IOException {
    if (!isRemote(location)) {
      return Path.of(location);
    }
    URI uri = URI.create(location);
    FileSystem fs = FileSystem.get(uri, hadoopConfiguration());
    org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(uri);
    FileStatus status;
    try {
      status = fs.getFileStatus(remote);
    } catch (java.io.FileNotFoundException e) {
      throw new IOException("Model bundle not found: " + location, e);
    }
    long newest = status.getModificationTime();
    long bytes = status.getLen();
    if (status.isDirectory()) {
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(remote, true);
      while (files.hasNext()) {
        LocatedFileStatus f = files.next();
        newest = Math.max(newest, f.getModificationTime());
        bytes += f.getLen();
      }
    }
    String name = remote.getName();
    Path target = cache.resolve("s3-" + digest(location + "|" + bytes + "|" + newest)).resolve(name);
    if (Files.exists(target)) {
      return target;
    }
    Path temp = cache.resolve("s3-" + UUID.randomUUID() + ".tmp");
    try {
      Files.createDirectories(temp);
      fs.copyToLocalFile(false, remote, new org.apache.hadoop.fs.Path(temp.resolve(name).toUri()), true);
      Files.createDirectories(target.getParent().getParent());
      try {
        Files.move(temp, target.getParent(), StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
        // another task of this JVM or host fetched it first; its copy is the same
      }
      return target;
    } finally {
      FileTrees.deleteTree(temp);
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

  private static String digest(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
