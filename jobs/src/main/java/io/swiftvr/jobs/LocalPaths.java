package io.swiftvr.jobs;

import java.net.URI;
import java.nio.file.Path;

/**
 * Turns a user's location into what the job stores: {@code s3a://} URIs as they are, {@code file:} URIs and plain
 * paths as absolute local paths; other schemes are refused.
 */
final class LocalPaths {
  private LocalPaths() {}

  static String normalize(String location) {
    return Storage.isRemote(location) ? location : of(location).toAbsolutePath().toString();
  }

  static Path of(String location) {
    String scheme = Storage.scheme(location);
    if (scheme != null) {
      if (scheme.equals("file")) {
        return Path.of(URI.create(location));
      }
      throw new IllegalArgumentException("Unsupported location '" + location + "': use a local path, a file: URI or "
          + "an s3a:// URI (" + scheme + ": is not supported)");
    }
    return Path.of(location);
  }
}
