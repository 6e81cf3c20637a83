package io.swiftvr.jobs.state;

import io.swiftvr.jobs.storage.Location;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run at a time in an output folder. The driver of every command that writes there holds an operating-system
 * lock on {@code .swiftvr/lock} while it runs, with its holder (pid, host, command, start) written inside; a second
 * run stops at once with a message naming the holder. The system releases the lock when the process ends, however it
 * ends ({@code kill -9} too), so a dead run never blocks the next one, and the next one may delete the temporary files
 * a dead run left behind: no other run can be writing them.
 *
 * <p>S3 has no such lock: for an {@code s3a://} output this only logs that concurrent runs are not detected there.
 */
public final class OutputLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutputLock.class);
  /** The scratch files of {@link LocalStorage#scratch}: a leading dot and ".tmp-" in the name. */
  private static final Pattern SCRATCH = Pattern.compile("^\\..*\\.tmp-[^/]*$");

  private final FileChannel channel;
  private final FileLock lock;

  private OutputLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Thrown when another run holds the output folder. */
  public static final class OutputInUseException extends IOException {
    OutputInUseException(String message) {
      super(message);
    }
  }

  /** Locks {@code outputDir} for this process, then deletes the scratch files earlier, dead runs left there. */
  public static OutputLock acquire(String outputDir, String command) throws IOException {
    if (Location.of(outputDir).isRemote()) {
      LOG.info("{} is on S3, which has no lock: do not start two runs into it at once", outputDir);
      return new OutputLock(null, null);
    }
    Path file = Path.of(outputDir, ".swiftvr", "lock");
    Files.createDirectories(file.getParent());
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this JVM holds it already
    }
    if (lock == null) {
      String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
      channel.close();
      throw new OutputInUseException("Output folder " + outputDir + " is in use by another run ("
          + (holder.isEmpty() ? "holder unknown" : holder) + "); wait for it to finish, or give another --output");
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(holder(command).getBytes(StandardCharsets.UTF_8)), 0);
    channel.force(false);
    deleteStaleScratch(Path.of(outputDir));
    return new OutputLock(channel, lock);
  }

  private static String holder(String command) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown host";
    }
    return "pid " + ProcessHandle.current().pid() + " on " + host + ", command '" + command + "', since "
        + Instant.now();
  }

  private static void deleteStaleScratch(Path output) throws IOException {
    List<Path> stale;
    try (Stream<Path> walk = Files.walk(output)) {
      stale = walk.filter(Files::isRegularFile).filter(p -> SCRATCH.matcher(p.getFileName().toString()).matches())
          .toList();
    }
    for (Path p : stale) {
      Files.deleteIfExists(p);
    }
    if (!stale.isEmpty()) {
      LOG.info("Deleted {} temporary files an interrupted run left in {}", stale.size(), output);
    }
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      lock.release();
      channel.close();
    }
  }
}
