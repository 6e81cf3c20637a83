package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.swiftvr.jobs.spark.RestoreJob;
import io.swiftvr.jobs.state.VideoOutcome;
import io.swiftvr.media.VideoProber;
import io.swiftvr.udf.TestBundles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An output folder on a disk that fills up during the restore: a real small tmpfs (mounting one needs root, as CI and
 * the development machines have; elsewhere the test is skipped). The video that does not fit fails with the reason and
 * the location; the videos that fit are published whole; no file under a final name is broken; the report is written.
 */
class FullDiskTest {

  private static boolean mount(Path dir, String size) throws Exception {
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
        .redirectErrorStream(true).start();
    return mount.waitFor() == 0;
  }

  private static void unmount(Path dir) throws Exception {
    new ProcessBuilder("umount", dir.toString()).redirectErrorStream(true).start().waitFor();
  }

  @Test
  void anOutputFolderThatCannotBeWrittenStopsTheRunWithOneLine(@TempDir Path disk) throws Exception {
    assumeTrue(mount(disk, "1m,ro"), "mounting a tmpfs needs root");
    try {
      Path out = disk.resolve("out");
      MainCommandLineTest.Result result = MainCommandLineTest.main("run", "--input",
          io.swiftvr.planner.TestMedia.realShort().toString(), "--output", out.toString(), "--model",
          TestBundles.tinyDir().toString());
      assertEquals(2, result.status(), result.toString());
      assertEquals("swiftvr run: " + out + ": Read-only file system\n", result.err());
      assertEquals("", result.out(), "nothing was restored or published");
    } finally {
      unmount(disk);
    }
  }

  @Test
  void aFullDiskFailsOnlyTheVideoThatDidNotFitAndLeavesNothingBroken(@TempDir Path library, @TempDir Path disk)
      throws Exception {
    Path small = EdgeClips.write(library.resolve("small.mp4"), EdgeClips.frames(2));
    Path tiny = EdgeClips.write(library.resolve("tiny.mp4"), EdgeClips.frames(1));
    Path large = EdgeClips.writeNoise(library.resolve("large.mp4"), 60);
    assumeTrue(mount(disk, "3m"), "mounting a tmpfs needs root");
    Path out = disk.resolve("out");
    try (JavaSparkContext spark = TinyJobs.localSpark("FullDiskTest")) {
      RestoreJob.Result result = RestoreJob.run(TinyJobs.options(out, "--input", library.toString(), "--size", "x2",
          "--crf", "0"), // lossless: a frame takes hundreds of kB, so the large clip fills the disk within a few frames
          spark, new PrintStream(new ByteArrayOutputStream(), true));
      VideoOutcome failed = result.videos().stream().filter(v -> v.input().equals(large.toString())).findFirst()
          .orElseThrow();
      assertEquals("failed", failed.status());
      assertTrue(failed.error().contains("No space left on device"), failed.error());
      assertTrue(failed.error().contains(out.toString()), "names the location: " + failed.error());
      for (Path input : List.of(small, tiny)) {
        VideoOutcome ok = result.videos().stream().filter(v -> v.input().equals(input.toString())).findFirst()
            .orElseThrow();
        assertEquals("restored", ok.status(), ok.error());
        assertEquals(new VideoProber().probe(input.toString()).frameCount(),
            new VideoProber().probe(ok.output()).frameCount());
      }
      try (Stream<Path> files = Files.walk(out)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String name = f.getFileName().toString();
          assertTrue(!name.contains(".tmp-"), "no temporary file left: " + f);
          if (name.endsWith(".mp4")) {
            new VideoProber().probe(f.toString()); // every video under a final name opens whole
          }
        }
      }
      assertTrue(Files.readString(out.resolve("report/videos.csv")).contains(",failed,"));
    } finally {
      unmount(disk);
    }
  }
}
