package io.swiftvr.jobs;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where the job reads videos and writes results: local paths (and {@code file:} URIs) or S3 through S3A. One small
 * seam, chosen by the location's scheme. FFmpeg reads local files, so remote videos and segments are copied to a local
 * cache first ({@link #localCopy}); results are written to a local scratch file and then published, which is an atomic
 * rename on local disks and a single-object upload (visible only when complete) on S3.
 */
interface Storage extends Serializable {

  /** Size and modification time, the identity of a stored file. */
  record FileInfo(String location, long size, long modified) {}

  static Storage forLocation(String location) {
    return isRemote(location) ? new HadoopStorage() : new LocalStorage();
  }

  static boolean isRemote(String location) {
    return location.toLowerCase(Locale.ROOT).startsWith("s3a://");
  }

  static String resolve(String dir, String child) {
    return dir.endsWith("/") ? dir + child : dir + "/" + child;
  }

  boolean exists(String location) throws IOException;

  boolean isDirectory(String location) throws IOException;

  FileInfo info(String location) throws IOException;

  /** Every file below {@code dir}, or directly in it when not {@code recursive}; empty when it does not exist. */
  List<FileInfo> list(String dir, boolean recursive) throws IOException;

  String read(String location) throws IOException;

  /** Writes a small file so that readers see either the old or the whole new content. */
  void write(String location, String text) throws IOException;

  /** A local file to build {@code finalLocation}'s content in, before {@link #publish}. */
  Path scratch(String finalLocation) throws IOException;

  /** Makes a finished scratch file the content of {@code finalLocation}, replacing what was there. */
  void publish(Path scratch, String finalLocation) throws IOException;

  /** A local path with the content of {@code location}: the file itself when local, else a cached copy. */
  Path localCopy(String location, Path cache) throws IOException;

  void deleteTree(String dir) throws IOException;
}
