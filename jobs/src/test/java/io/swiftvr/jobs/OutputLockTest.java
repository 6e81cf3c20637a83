package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.jobs.state.OutputLock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run at a time per output folder, across processes; a killed run never blocks the next. */
class OutputLockTest {

  /** Holds the lock of the folder in args[0] until its standard input closes: a second run in another JVM. */
  public static void main(String[] args) throws Exception {
    try (OutputLock lock = OutputLock.acquire(args[0], "run")) {
      System.out.println("locked");
      System.out.flush();
      System.in.read();
    }
  }

  @Test
  void aSecondRunIsToldWhoHoldsTheFolderAndAKilledOneReleasesIt(@TempDir Path out) throws Exception {
    Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), OutputLockTest.class.getName(), out.toString())
        .redirectErrorStream(true).start();
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = lines.readLine()) != null && !line.equals("locked")) {
        // the holder's log lines
      }
      assertEquals("locked", line);
      OutputLock.OutputInUseException e = assertThrows(OutputLock.OutputInUseException.class,
          () -> OutputLock.acquire(out.toString(), "restore"));
      assertTrue(e.getMessage().startsWith("Output folder " + out + " is in use by another run (pid " + other.pid()
          + " on "), e.getMessage());
      assertTrue(e.getMessage().endsWith("); wait for it to finish, or give another --output"), e.getMessage());
    } finally {
      other.destroyForcibly(); // kill -9: the system releases its lock
      assertTrue(other.waitFor(30, TimeUnit.SECONDS));
    }
    Path stale = Files.createDirectories(out.resolve(".swiftvr/staging/film-0123"))
        .resolve(".shard-00001-of-00002.mp4.tmp-5f0c1a52-8a77-4a5e-9a43-2d4b0f6f0a11.mp4");
    Files.writeString(stale, "a segment a killed run was writing");
    Path segment = Files.writeString(stale.resolveSibling("shard-00000-of-00002.mp4"), "a finished segment");
    try (OutputLock lock = OutputLock.acquire(out.toString(), "run")) {
      assertFalse(Files.exists(stale), "the killed run's temporary file is deleted");
      assertTrue(Files.exists(segment), "finished work is kept");
      assertThrows(OutputLock.OutputInUseException.class, () -> OutputLock.acquire(out.toString(), "plan"),
          "the same JVM cannot take it twice either");
    }
    OutputLock.acquire(out.toString(), "run").close();
  }
}
