package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.jobs.cli.Main;
import io.swiftvr.jobs.spark.RestoreJob;
import io.swiftvr.jobs.state.VideoOutcome;
import io.swiftvr.media.Chapters;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.TestBundles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Clips that peers get wrong: every frame must come out, with its timestamp, rotation and a valid size. */
class EdgeCaseJobTest {
  private static JavaSparkContext spark;

  @BeforeAll
  static void startSpark() {
    spark = new JavaSparkContext(new SparkConf().setMaster("local[1]").setAppName("EdgeCaseJobTest")
        .set("spark.ui.enabled", "false"));
  }

  @AfterAll
  static void stopSpark() {
    spark.close();
  }

  private static VideoProbe restore(Path input, Path out, String... extra) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("--input", input.toString(), "--output", out.toString(),
        "--model", TestBundles.tinyDir().toString()));
    args.addAll(Arrays.asList(extra));
    RestoreJob.Result result = RestoreJob.run(Main.parseRunOptions(args), spark, new PrintStream(new ByteArrayOutputStream()));
    VideoOutcome video = result.videos().get(0);
    assertEquals("restored", video.status(), String.valueOf(video.error()));
    VideoProbe source = new VideoProber().probe(input.toString());
    VideoProbe restored = new VideoProber().probe(video.output());
    assertEquals(source.frameCount(), restored.frameCount(), "frame count");
    // Exact up to the output container's clock (Matroska counts milliseconds).
    double tick = Math.max(1e-6, (double) restored.timeBaseNum() / restored.timeBaseDen());
    assertArrayEquals(MediaAssertions.frameSeconds(source), MediaAssertions.frameSeconds(restored), tick, "frame timestamps");
    assertEquals(source.rotationDegrees(), restored.rotationDegrees(), "rotation tag");
    return restored;
  }

  /** Shorter than one chunk, a tail that is not a multiple of 4, a single frame; across shard boundaries too. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 5, 26, 30})
  void everyFrameOfShortClipsComesOut(int frames, @TempDir Path dir) throws Exception {
    // a small crop: frame counts and shard boundaries do not depend on the picture's size
    Path clip = EdgeClips.write(dir.resolve("short" + frames + ".mp4"), new EdgeClips.Spec(96, 64, frames, 0, null));
    assertEquals(frames, new VideoProber().probe(clip.toString()).frameCount());
    restore(clip, dir.resolve("out"), "--chunks-per-shard", "1");
  }

  @Test
  void chaptersAreCopiedToTheRestoredFilm(@TempDir Path dir) throws Exception {
    Chapters chapters = new Chapters(List.of(
        new Chapters.Chapter(1, 1, 1000, 0, 600, "Opening"),
        new Chapters.Chapter(2, 1, 1000, 600, 1200, "The plant")));
    Path clip = ChapteredClip.write(io.swiftvr.planner.TestMedia.realShort(), dir.resolve("film.mkv"), chapters);
    assertEquals(List.of("Opening 0.000-0.600", "The plant 0.600-1.200"), ChapteredClip.read(clip).describe(),
        "the source has its chapters");
    restore(clip, dir.resolve("out"));
    assertEquals(chapters.describe(), ChapteredClip.read(dir.resolve("out/film.swiftvr.mkv")).describe());
  }

  @Test
  void encodesWithX265WhenAsked(@TempDir Path dir) throws Exception {
    Path clip = EdgeClips.write(dir.resolve("clip.mp4"), EdgeClips.frames(12));
    VideoProbe restored = restore(clip, dir.resolve("out"), "--codec", "libx265", "--crf", "28", "--preset", "fast");
    assertEquals("hevc", restored.codec());
  }

  @Test
  void oddSizedInputGivesAnEvenOutput(@TempDir Path dir) throws Exception {
    Path clip = EdgeClips.writeY4m(dir.resolve("odd.y4m"), 161, 119, 10);
    VideoProbe source = new VideoProber().probe(clip.toString());
    assertEquals(161, source.width());
    assertEquals(119, source.height());
    VideoProbe restored = restore(clip, dir.resolve("out"), "--size", "x2");
    assertEquals(322, restored.width());
    assertEquals(238, restored.height());
  }

  @Test
  void rotatedInputKeepsItsRotation(@TempDir Path dir) throws Exception {
    Path clip = EdgeClips.write(dir.resolve("rotated.mp4"), new EdgeClips.Spec(320, 240, 12, 90, null));
    // FFmpeg's display matrix turns 90° counter-clockwise: players rotate 270° clockwise (the old "rotate" tag).
    assertEquals(270, new VideoProber().probe(clip.toString()).rotationDegrees());
    VideoProbe restored = restore(clip, dir.resolve("out"));
    assertEquals(640, restored.width(), "frames are restored as coded; the tag rotates them on display");
  }

  @Test
  void variableFrameRateKeepsEveryTimestamp(@TempDir Path dir) throws Exception {
    long[] micros = new long[30];
    long t = 0;
    for (int i = 0; i < micros.length; i++) {
      micros[i] = t;
      t += i % 3 == 0 ? 66_000 : 33_000; // a camera that drops to 15 fps every third frame
    }
    Path clip = EdgeClips.write(dir.resolve("vfr.mp4"), new EdgeClips.Spec(320, 240, 30, 0, micros));
    VideoProbe source = new VideoProber().probe(clip.toString());
    assertTrue(source.variableFrameRate(), "the clip is VFR");
    restore(clip, dir.resolve("out"), "--chunks-per-shard", "1");
  }

}
