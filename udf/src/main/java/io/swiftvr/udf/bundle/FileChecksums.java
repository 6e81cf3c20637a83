package io.swiftvr.udf.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SHA-256 of bundle files (module files and archives), remembered per JVM. Every Spark task opens its bundle, and
 * hashing is not free: an official-size bfloat16 module is 10.1 GB, about 7 s of hashing at the 1.46 GB/s measured
 * on the development CPU, which the GPU spent idle in every task (docs/benchmarks-multi-gpu.md). A file is hashed
 * again when its identity (device and inode where the file system has them), size or modification time differs, so
 * a bundle rewritten or replaced in place is checked again. Callers asking for a file whose hash is being computed
 * wait for that computation instead of starting their own: an executor's first task opens the bundle while the
 * preload thread is still hashing it.
 */
final class FileChecksums {
  private record Seen(Object fileKey, long size, FileTime modified, CompletableFuture<String> sha256) {
    boolean describes(BasicFileAttributes a) {
      return Objects.equals(fileKey, a.fileKey()) && size == a.size() && modified.equals(a.lastModifiedTime());
    }
  }

  private static final ConcurrentHashMap<Path, Seen> SEEN = new ConcurrentHashMap<>();
  private static final AtomicLong FILES_HASHED = new AtomicLong();

  private FileChecksums() {}

  /** The file's SHA-256 as lowercase hex. */
  static String sha256(Path file) throws InvalidBundleException {
    try {
      return sha256Once(file);
    } catch (InvalidBundleException | RuntimeException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw e;
      }
      // The hash this thread waited for may have failed in another thread (a Spark task interrupted while it read
      // the file); the failed computation is forgotten, so this thread's own attempt decides.
      return sha256Once(file);
    }
  }

  private static String sha256Once(Path file) throws InvalidBundleException {
    Path key = file.toAbsolutePath().normalize();
    // the attributes from before hashing: a write during the hash leaves a newer time, so the next call hashes again
    BasicFileAttributes before = attributes(file);
    CompletableFuture<String> mine = new CompletableFuture<>();
    Seen seen = SEEN.compute(key, (k, old) -> old != null && old.describes(before) ? old
        : new Seen(before.fileKey(), before.size(), before.lastModifiedTime(), mine));
    if (seen.sha256() != mine) {
      return Completions.await(seen.sha256(), "the checksum of " + file);
    }
    try {
      String hash = hash(file);
      FILES_HASHED.incrementAndGet();
      mine.complete(hash);
      return hash;
    } catch (Throwable e) { // also errors: callers waiting on this hash must not wait forever
      SEEN.remove(key, seen); // not remembered: the next caller tries again
      mine.completeExceptionally(e);
      throw e;
    }
  }

  /** How many files this JVM has hashed (tests check that opening a bundle again does not hash again). */
  static long filesHashed() {
    return FILES_HASHED.get();
  }

  private static BasicFileAttributes attributes(Path file) throws InvalidBundleException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      throw new InvalidBundleException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static String hash(Path file) throws InvalidBundleException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new InvalidBundleException("Cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
