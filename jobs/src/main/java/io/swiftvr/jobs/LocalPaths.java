package io.swiftvr.jobs;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

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
    int colon = location.indexOf(':');
    if (colon > 1 && location.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      String scheme = location.substring(0, colon).toLowerCase(Locale.ROOT);
      if (scheme.equals("file")) {
        return Path.of(URI.create(location));
      }
      throw new IllegalArgumentException("Unsupported location '" + location + "': use a local path, a file: URI or "
          + "an s3a:// URI (" + scheme + ": is not supported)");
    }
    return Path.of(location);
  }
}
