package io.swiftvr.jobs.storage;

import io.swiftvr.udf.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/** Local disks (and shared mounts): scratch files sit next to their final name, so publishing is an atomic rename. */
public final class LocalStorage implements Storage {
  private static final long serialVersionUID = 1L;

  @Override
  public boolean exists(String location) {
    return Files.exists(Path.of(location));
  }

  @Override
  public boolean isDirectory(String location) {
    return Files.isDirectory(Path.of(location));
  }

  @Override
  public FileInfo info(String location) throws IOException {
    Path p = Path.of(location);
    return new FileInfo(location, Files.size(p), Files.getLastModifiedTime(p).toMillis());
  }

  @Override
  public List<FileInfo> list(String dir, boolean recursive) throws IOException {
    Path root = Path.of(dir);
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<FileInfo> files = new ArrayList<>();
    try (Stream<Path> walk = recursive ? Files.walk(root) : Files.list(root)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        files.add(info(p.toString()));
      }
    }
    return files;
  }

  @Override
  public String read(String location) throws IOException {
    return Files.readString(Path.of(location));
  }

  @Override
  public byte[] readRange(String location, long offset, int length) throws IOException {
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(Path.of(location))) {
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.max(0, Math.min(length,
          channel.size() - offset)));
      while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) >= 0) {
        // FileChannel.read may return fewer bytes than asked; loop until the range is read
      }
      return java.util.Arrays.copyOf(buffer.array(), buffer.position());
    }
  }

  @Override
  public void write(String location, String text) throws IOException {
    Path temp = scratch(location);
    try {
      Files.writeString(temp, text);
      publish(temp, location);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public Path scratch(String finalLocation) throws IOException {
    Path target = Path.of(finalLocation).toAbsolutePath();
    Files.createDirectories(target.getParent());
    String name = target.getFileName().toString();
    int dot = name.lastIndexOf('.');
    // A leading dot and "tmp" in the name: never mistaken for a result; the extension stays for FFmpeg's muxers.
    return target.resolveSibling("." + name + ".tmp-" + UUID.randomUUID() + (dot > 0 ? name.substring(dot) : ""));
  }

  @Override
  public void publish(Path scratch, String finalLocation) throws IOException {
    Files.move(scratch, Path.of(finalLocation), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public Path localCopy(String location, Path cache) {
    return Path.of(location);
  }

  @Override
  public void deleteTree(String dir) throws IOException {
    FileTrees.deleteTree(Path.of(dir));
  }
}
