package io.swiftvr.jobs.plan;

import io.swiftvr.jobs.storage.Location;
import io.swiftvr.jobs.storage.Storage;
import io.swiftvr.planner.InvalidVideoException;
import java.io.IOException;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What the plan knows of an input file's content, so that a file replaced or rewritten while a run uses it is
 * noticed instead of restored half old, half new: its size, its modification time, and a SHA-256 of its first and
 * last MiB (a cheap content check: two ranged reads on S3, whatever the file's size). The plan records it; every shard
 * task checks it before it restores and again before it publishes its segment, and the merge before and after it
 * joins the segments.
 */
public record InputIdentity(long size, long modified, String headTailSha256) implements Serializable {
  static final int SAMPLE_BYTES = 1 << 20;

  /** The identity of the file at {@code location} now. */
  static InputIdentity read(String location) throws IOException {
    Storage storage = Location.of(location).storage();
    Storage.FileInfo info = storage.info(location);
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    sha.update(storage.readRange(location, 0, SAMPLE_BYTES));
    if (info.size() > SAMPLE_BYTES) {
      long tail = Math.max(SAMPLE_BYTES, info.size() - SAMPLE_BYTES);
      sha.update(storage.readRange(location, tail, SAMPLE_BYTES));
    }
    return new InputIdentity(info.size(), info.modified(), HexFormat.of().formatHex(sha.digest()));
  }

  /**
   * Fails when the file at {@code location} is no longer this one.
   *
   * @param when what is about to happen, for the message ("before restoring shard 2 of 4")
   */
  public void check(String location, String when) throws InvalidVideoException {
    InputIdentity now;
    try {
      now = read(location);
    } catch (IOException e) {
      throw new InvalidVideoException(location, "can no longer be read " + when + " (" + e.getMessage()
          + "); it was moved or deleted after it was planned", e);
    }
    if (!equals(now)) {
      throw new InvalidVideoException(location, String.format(
          "changed after it was planned (%s), found %s; a video is never made from two versions of a file: "
              + "rerun the same command to restore the file as it is now", describe(), when + ": " + now.describe()));
    }
  }

  private String describe() {
    return String.format("%d bytes, modified %s, head+tail sha256 %s", size, java.time.Instant.ofEpochMilli(modified),
        headTailSha256.substring(0, 12));
  }
}
