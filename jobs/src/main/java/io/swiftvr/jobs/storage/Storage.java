package io.swiftvr.jobs.storage;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the job reads videos and writes results: local paths or S3 through S3A. One small seam, chosen by the
 * location ({@link Location#storage}). FFmpeg reads local files, so remote videos and segments are copied to a local
 * cache first ({@link #localCopy}); results are written to a local scratch file and then published, which is an atomic
 * rename on local disks and a single-object upload (visible only when complete) on S3.
 */
public interface Storage extends Serializable {

  /** Size and modification time, the identity of a stored file. */
  record FileInfo(String location, long size, long modified) {}

  boolean exists(String location) throws IOException;

  boolean isDirectory(String location) throws IOException;

  FileInfo info(String location) throws IOException;

  /** Every file below {@code dir}, or directly in it when not {@code recursive}; empty when it does not exist. */
  List<FileInfo> list(String dir, boolean recursive) throws IOException;

  String read(String location) throws IOException;

  /** Up to {@code length} bytes from {@code offset} on (fewer only at the end of the file). */
  byte[] readRange(String location, long offset, int length) throws IOException;

  /** Writes a small file so that readers see either the old or the whole new content. */
  void write(String location, String text) throws IOException;

  /** A local file to build {@code finalLocation}'s content in, before {@link #publish}. */
  Path scratch(String finalLocation) throws IOException;

  /**
   * Makes a finished scratch file the content of {@code finalLocation}, replacing what was there. Replacing is safe
   * because every final name is owned by one plan entry: a segment's name holds its video key (input identity and
   * parameters), an output's name is unique per input in a plan, and the output folder is locked by one run at a
   * time ({@link OutputLock}); what it replaces is an earlier result of the same work, or a stale one a newer plan
   * supersedes.
   */
  void publish(Path scratch, String finalLocation) throws IOException;

  /** A local path with the content of {@code location}: the file itself when local, else a cached copy. */
  Path localCopy(String location, Path cache) throws IOException;

  void deleteTree(String dir) throws IOException;
}
