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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SHA-256 of bundle files (module files and archives), remembered per JVM. Every Spark task opens its bundle, and
 * hashing is not free: an official-size bfloat16 module is 10.1 GB, about 7 s of hashing at the 1.46 GB/s measured
 * on the development CPU, which the GPU spent idle in every task (docs/benchmarks-multi-gpu.md). A file is hashed
 * again when its identity (device and inode where the file system has them), size or modification time differs, so
 * a bundle rewritten or replaced in place is checked again.
 */
final class FileChecksums {
  private record Seen(Object fileKey, long size, FileTime modified, String sha256) {}

  private static final ConcurrentHashMap<Path, Seen> SEEN = new ConcurrentHashMap<>();
  private static final AtomicLong FILES_HASHED = new AtomicLong();

  private FileChecksums() {}

  /** The file's SHA-256 as lowercase hex. */
  static String sha256(Path file) throws InvalidBundleException {
    Path key = file.toAbsolutePath().normalize();
    BasicFileAttributes before = attributes(file);
    Seen seen = SEEN.get(key);
    if (seen != null && Objects.equals(seen.fileKey(), before.fileKey()) && seen.size() == before.size()
        && seen.modified().equals(before.lastModifiedTime())) {
      return seen.sha256();
    }
    String hash = hash(file);
    FILES_HASHED.incrementAndGet();
    // the attributes from before hashing: a write during the hash leaves a newer time, so the next call hashes again
    SEEN.put(key, new Seen(before.fileKey(), before.size(), before.lastModifiedTime(), hash));
    return hash;
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
