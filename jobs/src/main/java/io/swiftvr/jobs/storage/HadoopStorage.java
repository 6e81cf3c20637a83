package io.swiftvr.jobs.storage;


import io.swiftvr.udf.FileTrees;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * S3 through S3A (hadoop-aws with the slim AWS SDK). Configuration and credentials come from the Spark application's
 * {@code spark.hadoop.fs.s3a.*} settings and Hadoop's provider chain; nothing is logged. An object appears only when
 * its upload is complete, so a publish is one upload and readers never see half a file.
 */
public final class HadoopStorage implements Storage {
  private static final long serialVersionUID = 1L;

  private static FileSystem fs(String location) throws IOException {
    return FileSystem.get(URI.create(location), HadoopSettings.configuration());
  }

  private static org.apache.hadoop.fs.Path path(String location) {
    return new org.apache.hadoop.fs.Path(URI.create(location));
  }

  @Override
  public boolean exists(String location) throws IOException {
    return fs(location).exists(path(location));
  }

  @Override
  public boolean isDirectory(String location) throws IOException {
    try {
      return fs(location).getFileStatus(path(location)).isDirectory();
    } catch (FileNotFoundException e) {
      return false;
    }
  }

  @Override
  public FileInfo info(String location) throws IOException {
    FileStatus status = fs(location).getFileStatus(path(location));
    return new FileInfo(location, status.getLen(), status.getModificationTime());
  }

  @Override
  public List<FileInfo> list(String dir, boolean recursive) throws IOException {
    List<FileInfo> files = new ArrayList<>();
    try {
      RemoteIterator<LocatedFileStatus> it = fs(dir).listFiles(path(dir), recursive);
      while (it.hasNext()) {
        LocatedFileStatus s = it.next();
        files.add(new FileInfo(s.getPath().toString(), s.getLen(), s.getModificationTime()));
      }
    } catch (FileNotFoundException e) {
      return List.of();
    }
    files.sort(java.util.Comparator.comparing(FileInfo::location));
    return files;
  }

  @Override
  public String read(String location) throws IOException {
    try (FSDataInputStream in = fs(location).open(path(location))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Override
  public byte[] readRange(String location, long offset, int length) throws IOException {
    FileSystem fs = fs(location);
    long size = fs.getFileStatus(path(location)).getLen();
    byte[] bytes = new byte[(int) Math.max(0, Math.min(length, size - offset))];
    try (FSDataInputStream in = fs.open(path(location))) {
      in.readFully(offset, bytes); // a positioned read: one ranged GET, not the whole object
    }
    return bytes;
  }

  @Override
  public void write(String location, String text) throws IOException {
    try (OutputStream out = fs(location).create(path(location), true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public Path scratch(String finalLocation) throws IOException {
    String name = path(finalLocation).getName();
    int dot = name.lastIndexOf('.');
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "swiftvr-scratch");
    Files.createDirectories(dir);
    return dir.resolve(UUID.randomUUID() + (dot > 0 ? name.substring(dot) : ""));
  }

  @Override
  public void publish(Path scratch, String finalLocation) throws IOException {
    fs(finalLocation).copyFromLocalFile(true, true, new org.apache.hadoop.fs.Path(scratch.toUri()),
        path(finalLocation));
  }

  /**
   * Copies the object (or a folder of objects, such as a model bundle) once per JVM into {@code cache}, named by
   * location, size and newest modification time, so a replaced file is fetched again and an unchanged one never.
   */
  @Override
  public Path localCopy(String location, Path cache) throws IOException {
    FileSystem fs = fs(location);
    org.apache.hadoop.fs.Path remote = path(location);
    FileStatus status;
    try {
      status = fs.getFileStatus(remote);
    } catch (FileNotFoundException e) {
      throw new IOException("Not found: " + location, e);
    }
    long bytes = status.getLen();
    long newest = status.getModificationTime();
    if (status.isDirectory()) {
      for (FileInfo f : list(location, true)) {
        bytes += f.size();
        newest = Math.max(newest, f.modified());
      }
    }
    String name = remote.getName();
    Path target = cache.resolve("s3-" + digest(location + "|" + bytes + "|" + newest)).resolve(name);
    if (Files.exists(target)) {
      return target;
    }
    Path temp = cache.resolve("." + UUID.randomUUID() + ".tmp");
    try {
      Files.createDirectories(temp);
      fs.copyToLocalFile(false, remote, new org.apache.hadoop.fs.Path(temp.resolve(name).toUri()), true);
      try {
        Files.move(temp, target.getParent(), StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException
          | AtomicMoveNotSupportedException e) {
        // another task on this host copied it first; the copies are the same
      }
      return target;
    } finally {
      FileTrees.deleteTree(temp);
    }
  }

  @Override
  public void deleteTree(String dir) throws IOException {
    fs(dir).delete(path(dir), true);
  }

  private static String digest(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
