package io.swiftvr.udf.bundle;

import io.swiftvr.udf.FileTrees;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks bundle archives into a cache folder named by the archive's checksum. Unpacking goes to a temporary sibling
 * that is renamed into place, so concurrent tasks on one executor never see half an archive.
 */
final class BundleArchives {
  private BundleArchives() {}

  static Path unpack(Path archive, Path cache) throws InvalidBundleException {
    String name = archive.getFileName().toString();
    boolean zip = name.endsWith(".zip");
    boolean tar = name.endsWith(".tar.gz") || name.endsWith(".tgz");
    if (!zip && !tar) {
      throw new InvalidBundleException(
          "Model bundle " + archive + " is neither a directory nor a .tar.gz/.tgz/.zip archive");
    }
    Path target = cache.resolve("bundle-" + FileChecksums.sha256(archive).substring(0, 24));
    if (Files.isDirectory(target)) {
      return singleRoot(target);
    }
    Path temp = cache.resolve(target.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(temp);
      try (InputStream in = new BufferedInputStream(Files.newInputStream(archive))) {
        if (zip) {
          unzip(in, temp);
        } else {
          untar(in, temp);
        }
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException e) {
        FileTrees.deleteTree(temp); // another task won the race; its copy is identical
      }
      return singleRoot(target);
    } catch (IOException e) {
      deleteTreeQuietly(temp);
      throw new InvalidBundleException("Cannot unpack model bundle " + archive + ": " + e.getMessage(), e);
    }
  }

  /** Archives made with {@code tar -C parent bundle-dir} hold one top folder; the manifest lives inside it. */
  private static Path singleRoot(Path dir) throws InvalidBundleException {
    if (Files.exists(dir.resolve("manifest.json"))) {
      return dir;
    }
    try (Stream<Path> children = Files.list(dir)) {
      Path[] all = children.toArray(Path[]::new);
      if (all.length == 1 && Files.isDirectory(all[0])) {
        return all[0];
      }
    } catch (IOException e) {
      throw new InvalidBundleException("Cannot list unpacked bundle " + dir + ": " + e.getMessage(), e);
    }
    return dir;
  }

  private static void untar(InputStream in, Path dest) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path out = safeResolve(dest, entry.getName());
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else if (entry.isFile()) {
          Files.createDirectories(out.getParent());
          Files.copy(tar, out);
        }
      }
    }
  }

  private static void unzip(InputStream in, Path dest) throws IOException {
    try (ZipInputStream zip = new ZipInputStream(in)) {
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        Path out = safeResolve(dest, entry.getName());
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(zip, out);
        }
      }
    }
  }

  private static Path safeResolve(Path dest, String entryName) throws IOException {
    Path out = dest.resolve(entryName).normalize();
    if (!out.startsWith(dest)) {
      throw new IOException("archive entry escapes the bundle folder: " + entryName);
    }
    return out;
  }

  private static void deleteTreeQuietly(Path dir) {
    try {
      FileTrees.deleteTree(dir);
    } catch (IOException ignored) {
      // best effort: a leftover temp folder is never read, because only renamed folders are
    }
  }
}
