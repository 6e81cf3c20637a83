package io.swiftvr.jobs.storage;

import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A place the job reads or writes: an {@code s3a://} URI or a local path. The one place where a location's kind is
 * decided; every other class asks it. Plans and reports store its text ({@link #toString}), so a location survives
 * being written to {@code plan.json} as a plain string.
 *
 * <p>{@link #parse} reads what a user typed: {@code s3a://} URIs stay as they are, {@code file:} URIs become local
 * paths, and any other scheme ({@code gs://}, {@code http://}, the typo {@code s3://}) is refused with the supported
 * ones, so no remote name is ever written to a local folder of that name.
 */
public record Location(String text) implements Serializable {

  public Location {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("A location cannot be empty");
    }
  }

  /** A location the job stored itself (a plan's, a report's, a listing's). */
  public static Location of(String text) {
    return new Location(text);
  }

  /**
   * A location as a user gave it: local paths as given (relative ones stay relative), {@code file:} URIs as paths,
   * {@code s3a://} URIs as they are; other schemes are refused.
   */
  public static Location parse(String userText) {
    Location location = new Location(userText);
    if (location.isRemote()) {
      return location;
    }
    String scheme = scheme(userText);
    if (scheme == null) {
      return location;
    }
    if (scheme.equals("file")) {
      return new Location(Path.of(URI.create(userText)).toString());
    }
    throw unsupported(userText, scheme);
  }

  public boolean isRemote() {
    return text.toLowerCase(Locale.ROOT).startsWith("s3a://");
  }

  /** The same location with a local path made absolute (what a plan stores: it is read from other directories). */
  public Location absolute() {
    return isRemote() ? this : new Location(localPath().toAbsolutePath().toString());
  }

  /** The local path of a local location; an error for a remote one (a bug: ask {@link #isRemote} first). */
  public Path localPath() {
    if (isRemote()) {
      throw new IllegalStateException(text + " is not a local path");
    }
    return Path.of(text);
  }

  /** A location below this one, joined with '/' (S3 keys and local paths alike). */
  public Location resolve(String child) {
    return new Location(text.endsWith("/") ? text + child : text + "/" + child);
  }

  /**
   * The storage that holds this location: S3A for {@code s3a://}, local disk for a path. A location with another
   * scheme is refused here too, so no caller can write a remote name to a local folder of that name.
   */
  public Storage storage() {
    if (isRemote()) {
      return new HadoopStorage();
    }
    String scheme = scheme(text);
    if (scheme != null) {
      throw unsupported(text, scheme);
    }
    return new LocalStorage();
  }

  /** A local path with this location's content: itself when local, else a copy in {@code cache}. */
  public Path localCopy(Path cache) throws IOException {
    return isRemote() ? storage().localCopy(text, cache) : localPath();
  }

  @Override
  public String toString() {
    return text;
  }

  private static IllegalArgumentException unsupported(String text, String scheme) {
    return new IllegalArgumentException("Unsupported location '" + text + "': " + scheme
        + ": is not a supported scheme; use a local path, a file: URI or an s3a:// URI");
  }

  /** The URI scheme a text starts with, lower case, or null for a plain path (a drive letter is no scheme). */
  private static String scheme(String text) {
    int colon = text.indexOf(':');
    if (colon > 1 && text.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      return text.substring(0, colon).toLowerCase(Locale.ROOT);
    }
    return null;
  }
}
