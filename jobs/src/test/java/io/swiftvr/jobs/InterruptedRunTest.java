package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.jobs.cli.Main;
import io.swiftvr.udf.TestBundles;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped from outside, as a user or a scheduler stops one: SIGTERM ends it with one line and no crash, kill -9
 * ends it without a word; either way the rerun of the same command skips the finished shards and publishes exactly the
 * bytes an uninterrupted run publishes. Each run is the real command in a JVM of its own.
 */
class InterruptedRunTest {
  private static Path clip;

  @BeforeAll
  static void writeLongClip(@TempDir Path dir) throws Exception {
    clip = EdgeClips.writeLooped(dir.resolve("long.mp4"), 124); // five chunks, five shards
  }

  /** The job's command in a new JVM started in {@code workDir}, with the test JVM's module options and class path. */
  private static Process start(Path workDir, Path out) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if ((arg.startsWith("--add") || arg.startsWith("-D") || arg.startsWith("--enable")) && !arg.contains("ErrorFile")) {
        command.add(arg);
      }
    }
    command.addAll(List.of("-Xmx2g", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
        "--input", clip.toString(), "--output", out.toString(), "--model", TestBundles.tinyDir().toString(),
        "--chunks-per-shard", "1", "--size", "320x240", "--warmup-chunks", "1"));
    return new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(workDir.resolve("console.txt").toFile()).start();
  }

  private static String finish(Process process, Path workDir) throws Exception {
    try {
      assertTrue(process.waitFor(3, TimeUnit.MINUTES), "the run ended");
    } finally {
      process.destroyForcibly(); // a run that did not end must not outlive the test
    }
    return Files.readString(workDir.resolve("console.txt"), StandardCharsets.UTF_8);
  }

  /** Waits until the run has finished at least one shard (its outcome row exists) and is working on others. */
  private static void awaitFirstShard(Process process, Path out) throws Exception {
    Path outcomes = out.resolve(".swiftvr/outcomes");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline && process.isAlive()) {
      if (Files.isDirectory(outcomes)) {
        try (Stream<Path> rows = Files.walk(outcomes)) {
          if (rows.anyMatch(p -> p.toString().endsWith(".json"))) {
            return;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no shard finished while the run was alive");
  }

  private static byte[] output(Path out) throws Exception {
    return Files.readAllBytes(out.resolve("long.swiftvr.mp4"));
  }

  /** The finished shards' outcome rows with their modification times: a restored shard writes its row again. */
  private static java.util.Map<Path, java.nio.file.attribute.FileTime> finishedShards(Path out) throws Exception {
    try (Stream<Path> rows = Files.walk(out.resolve(".swiftvr/outcomes"))) {
      java.util.Map<Path, java.nio.file.attribute.FileTime> times = new java.util.TreeMap<>();
      for (Path row : rows.filter(p -> p.toString().endsWith(".json")).toList()) {
        times.put(row, Files.getLastModifiedTime(row));
      }
      return times;
    }
  }

  @Test
  void sigtermStopsCleanlyAndKillNineLosesNothing(@TempDir Path work) throws Exception {
    Path cleanDir = Files.createDirectories(work.resolve("clean"));
    Process clean = start(cleanDir, work.resolve("clean-out"));
    assertEquals("", finish(clean, cleanDir).lines().filter(l -> l.startsWith("\tat ")).findFirst().orElse(""));
    assertEquals(0, clean.exitValue());
    byte[] expected = output(work.resolve("clean-out"));

    for (boolean forcibly : new boolean[] {false, true}) {
      Path dir = Files.createDirectories(work.resolve(forcibly ? "killed" : "terminated"));
      Path out = work.resolve(dir.getFileName() + "-out");
      Process run = start(dir, out);
      try {
        awaitFirstShard(run, out);
      } catch (AssertionError | Exception e) {
        run.destroyForcibly();
        throw e;
      }
      if (forcibly) {
        run.destroyForcibly(); // kill -9
      } else {
        run.destroy(); // SIGTERM
      }
      String console = finish(run, dir);
      if (!forcibly) {
        assertEquals(143, run.exitValue(), console);
        assertTrue(console.contains(System.lineSeparator() + "swiftvr run interrupted: finished shards and published "
            + "videos are kept; rerun the same command to resume"), console);
        assertEquals(List.of(), console.lines().filter(l -> l.startsWith("\tat ")).toList(), "no stack trace");
      }
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err"))
            .toList(), "the JVM did not crash");
      }
      assertFalse(Files.exists(out.resolve("long.swiftvr.mp4")), "nothing was published by the stopped run");

      java.util.Map<Path, java.nio.file.attribute.FileTime> finished = finishedShards(out);
      assertFalse(finished.isEmpty());
      Process rerun = start(dir, out);
      String again = finish(rerun, dir);
      assertEquals(0, rerun.exitValue(), again);
      java.util.Map<Path, java.nio.file.attribute.FileTime> after = finishedShards(out);
      finished.forEach((row, time) -> assertEquals(time, after.get(row), row + " was not restored again"));
      assertTrue(after.size() > finished.size(), "the rest was restored");
      assertArrayEquals(expected, output(out), "the resumed output equals an uninterrupted run's");
    }
  }
}
