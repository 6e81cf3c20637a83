package io.swiftvr.jobs;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/** Turns a user's location (a plain path or a {@code file:} URI) into a local path; other schemes are refused. */
final class LocalPaths {
  private LocalPaths() {}

  static Path of(String location) {
    int colon = location.indexOf(':');
    if (colon > 1 && location.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      String scheme = location.substring(0, colon).toLowerCase(Locale.ROOT);
      if (scheme.equals("file")) {
        return Path.of(URI.create(location));
      }
      throw new IllegalArgumentException("Unsupported location '" + location + "': this build reads local paths and "
          + "file: URIs (" + scheme + ": storage is not implemented yet)");
    }
    return Path.of(location);
  }
}
