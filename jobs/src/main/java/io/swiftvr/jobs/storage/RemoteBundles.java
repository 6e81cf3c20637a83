package io.swiftvr.jobs.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Model bundles on S3 ({@code s3a://bucket/models/name/} or {@code …/name.tar.gz}): each JVM (driver, executors)
 * copies the bundle once into its local cache, named by the location, size and modification time, so a replaced
 * bundle is fetched again and an unchanged one never. Checksums are verified after the copy, by {@code ModelBundle}.
 * Credentials and endpoints come from Hadoop's S3A configuration ({@link HadoopSettings}); nothing is logged.
 */
public final class RemoteBundles {
  private RemoteBundles() {}

  /** A local path holding the bundle at {@code location}: the location itself when it is local. */
  public static Path localize(String location, Path cache) throws IOException {
    Location bundle = Location.of(location);
    try {
      return bundle.localCopy(cache);
    } catch (IOException e) {
      throw new IOException("Model bundle not found or unreadable: " + location + " (" + e.getMessage() + ")", e);
    }
  }
}
