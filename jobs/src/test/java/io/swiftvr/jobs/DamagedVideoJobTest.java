package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.jobs.spark.RestoreJob;
import io.swiftvr.jobs.state.VideoOutcome;
import io.swiftvr.media.DamagedClips;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.DamagePolicy;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real clip with 4 KB corrupted in its middle (issues 27.5 and 32.7): by default it is restored with its frame count
 * and timestamps, the two frames the decoder loses filled and listed in the report; with {@code --damaged fail} it is
 * rejected when planning, before any shard is restored, with what was found.
 */
class DamagedVideoJobTest {
  private static JavaSparkContext spark;

  @BeforeAll
  static void startSpark() {
    spark = TinyJobs.localSpark("DamagedVideoJobTest");
  }

  @AfterAll
  static void stopSpark() {
    spark.close();
  }

  @Test
  void aDamagedVideoIsRepairedByDefaultAndListed(@TempDir Path dir) throws Exception {
    Path clip = DamagedClips.overwriteMiddle(TestMedia.realShort(), dir.resolve("damaged.mp4"), 4096);
    Path out = dir.resolve("out");
    RestoreJob.Result result = RestoreJob.run(TinyJobs.options(out, "--input", clip.toString()), spark,
        new PrintStream(new ByteArrayOutputStream()));
    VideoOutcome video = result.videos().get(0);
    assertEquals("restored", video.status(), String.valueOf(video.error()));
    assertEquals("23-24 (0.766 s to 0.799 s)", video.repaired());
    assertEquals("2 damaged packets: frames 23-24 (0.766 s to 0.799 s); the first, at byte 49441: a NAL unit of "
        + "3158251649 bytes in a packet of 2561 (Invalid NAL unit size)", video.damage());

    VideoProbe source = new VideoProber().probe(TestMedia.realShort().toString());
    VideoProbe restored = new VideoProber().probe(video.output());
    assertEquals(36, restored.frameCount());
    assertArrayEquals(MediaAssertions.frameSeconds(source), MediaAssertions.frameSeconds(restored), 1e-6);
    List<String> rows = Files.readAllLines(out.resolve("report/videos.csv"));
    assertTrue(rows.get(0).endsWith(",damage,repaired"), rows.get(0));
    assertTrue(rows.get(1).endsWith(",23-24 (0.766 s to 0.799 s)"), rows.get(1));
  }

  @Test
  void framesAMatroskaFileLostWholeAreFilledInPlace(@TempDir Path dir) throws Exception {
    Path clip = DamagedClips.overwriteMiddle(DamagedClips.realShortAs(dir.resolve("whole.mkv")),
        dir.resolve("damaged.mkv"), 4096);
    RestoreJob.Result result = RestoreJob.run(TinyJobs.options(dir.resolve("out"), "--input", clip.toString()), spark,
        new PrintStream(new ByteArrayOutputStream()));
    VideoOutcome video = result.videos().get(0);
    assertEquals("restored", video.status(), String.valueOf(video.error()));
    assertEquals("20-29 (0.666 s to 0.966 s)", video.repaired());
    VideoProbe source = new VideoProber().probe(DamagedClips.realShortAs(dir.resolve("again.mkv")).toString());
    VideoProbe restored = new VideoProber().probe(video.output());
    assertEquals(36, restored.frameCount(), "the frames of the part the demuxer skipped are in place");
    // Within one tick of Matroska's millisecond clock: the lost frames' times are spread evenly across the gap.
    assertArrayEquals(MediaAssertions.frameSeconds(source), MediaAssertions.frameSeconds(restored), 1.5e-3);
  }

  @Test
  void underFailItIsRejectedWhenPlanning(@TempDir Path dir) throws Exception {
    Path clip = DamagedClips.overwriteMiddle(TestMedia.realShort(), dir.resolve("damaged.mp4"), 4096);
    RestoreJob.Result result = RestoreJob.run(TinyJobs.options(dir.resolve("out"), "--input", clip.toString(),
        "--damaged", "fail"), spark, new PrintStream(new ByteArrayOutputStream()));
    VideoOutcome video = result.videos().get(0);
    assertEquals("failed", video.status());
    assertEquals(clip + ": damaged: 2 damaged packets: frames 23-24 (0.766 s to 0.799 s); the first, at byte 49441: a "
        + "NAL unit of 3158251649 bytes in a packet of 2561 (Invalid NAL unit size) (--damaged repair restores it with "
        + "each lost frame filled from the last good one)", video.error());
    // Rejected by the plan, from the probe: no shard of it was planned, so no frame was decoded or restored.
    assertTrue(result.plan().videos().isEmpty(), "planned: " + result.plan().videos());
    assertTrue(result.shards().isEmpty(), "restored: " + result.shards());
  }

  @Test
  void theOptionTakesFailOrRepair() {
    assertEquals(DamagePolicy.REPAIR, TinyJobs.options(Path.of("out")).damaged());
    assertEquals(DamagePolicy.FAIL, TinyJobs.options(Path.of("out"), "--damaged", "fail").damaged());
    assertEquals("Invalid value for option '--damaged': expected fail or repair, got 'skip'",
        assertThrows(IllegalArgumentException.class, () -> TinyJobs.options(Path.of("out"), "--damaged", "skip"))
            .getMessage());
  }
}
