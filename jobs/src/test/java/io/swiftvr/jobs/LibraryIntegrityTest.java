package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.jobs.cli.Main;
import io.swiftvr.jobs.merge.MergeStage;
import io.swiftvr.jobs.plan.JobOptions;
import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.plan.JobPlanner;
import io.swiftvr.jobs.plan.RejectedInput;
import io.swiftvr.jobs.plan.VideoPlan;
import io.swiftvr.jobs.restore.ShardTask;
import io.swiftvr.jobs.restore.ShardTaskRunner;
import io.swiftvr.jobs.restore.TaskEnvironment;
import io.swiftvr.jobs.spark.RestoreJob;
import io.swiftvr.jobs.spark.ShardStage;
import io.swiftvr.jobs.state.OutcomeRows;
import io.swiftvr.jobs.state.ShardOutcome;
import io.swiftvr.jobs.state.VideoOutcome;
import io.swiftvr.jobs.storage.Location;
import io.swiftvr.media.FrameSize;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.TestBundles;
import io.swiftvr.udf.bundle.ModelBundle;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an ordinary library does to a batch: files of the same name in different folders, files replaced while the
 * job runs, a file no task can restore, a bundle changed between plan and restore. Nothing may be lost, mixed or
 * published partially, and one video never stops the others. Real clips, real Spark, the tiny test bundle.
 */
class LibraryIntegrityTest {
  private static JavaSparkContext spark;

  @BeforeAll
  static void startSpark() {
    spark = TinyJobs.localSpark("LibraryIntegrityTest");
  }

  @AfterAll
  static void stopSpark() {
    spark.close();
  }

  private static JobOptions options(Path out, String... extra) {
    return TinyJobs.options(out, extra);
  }

  private static RestoreJob.Result run(JobOptions options) throws Exception {
    return RestoreJob.run(options, spark, new PrintStream(new ByteArrayOutputStream(), true));
  }

  private static VideoOutcome outcomeOf(RestoreJob.Result result, Path input) {
    return result.videos().stream().filter(v -> v.input().equals(input.toString())).findFirst().orElseThrow();
  }

  @Test
  void filesOfTheSameNameInDifferentFoldersGetOutputsOfTheirOwn(@TempDir Path library, @TempDir Path out)
      throws Exception {
    Path a = Files.createDirectories(library.resolve("a"));
    Path b = Files.createDirectories(library.resolve("b/deeper"));
    Files.copy(TestMedia.realShort(), a.resolve("clip.mp4"));
    EdgeClips.write(b.resolve("clip.mp4"), EdgeClips.frames(9));
    Files.copy(TestMedia.realShort(), a.resolve("interview.m4a")); // audio-only by its name: left alone, but counted

    JobPlan plan = JobPlanner.plan(options(out, "--input", library.toString()));
    assertEquals(List.of("a/clip.swiftvr.mp4", "b/deeper/clip.swiftvr.mp4"),
        plan.videos().stream().map(VideoPlan::outputName).toList());
    assertEquals("skipped 1 file that is not a video: 1 .m4a", plan.skipped());

    RestoreJob.Result result = run(options(out, "--input", library.toString(), "--size", "x2"));
    assertEquals(List.of("restored", "restored"), result.videos().stream().map(VideoOutcome::status).toList());
    assertEquals(36, new VideoProber().probe(out.resolve("a/clip.swiftvr.mp4").toString())
        .frameCount());
    assertEquals(9, new VideoProber().probe(out.resolve("b/deeper/clip.swiftvr.mp4").toString())
        .frameCount());
  }

  @Test
  void twoFilesGivenOneByOneThatWouldShareAnOutputAreRefusedByThePlan(@TempDir Path library, @TempDir Path out)
      throws Exception {
    Path first = Files.copy(TestMedia.realShort(), Files.createDirectories(library.resolve("a")).resolve("clip.mp4"));
    Path second = Files.copy(TestMedia.realShort(), Files.createDirectories(library.resolve("b")).resolve("clip.mp4"));

    JobPlan plan = JobPlanner.plan(options(out, "--input", first.toString(), "--input", second.toString(),
        "--input", first.toString()));
    assertEquals(List.of(first.toString()), plan.videos().stream().map(VideoPlan::input).toList(),
        "a file listed twice is one input");
    assertEquals(List.of(second + ": its output clip.swiftvr.mp4 would also be the output of " + first
            + "; restore files of the same name from different folders by giving their common folder as --input "
            + "(outputs mirror the folders below it), or in separate runs"),
        plan.rejected().stream().map(RejectedInput::error).toList());
  }

  @Test
  void anInputReplacedAfterPlanningFailsThatVideoAndNothingIsPublished(@TempDir Path library, @TempDir Path out)
      throws Exception {
    Path input = Files.copy(TestMedia.realShort(), library.resolve("film.mp4"));
    JobPlan plan = JobPlanner.plan(options(out, "--input", input.toString()));
    plan.write();
    Path other = EdgeClips.write(library.resolve("other.mp4"), EdgeClips.frames(30));
    Files.move(other, input, StandardCopyOption.REPLACE_EXISTING);

    List<ShardOutcome> shards = ShardStage.restore(JobPlan.read(out.toString()), spark,
        new PrintStream(new ByteArrayOutputStream()), false);
    assertEquals(1, shards.size());
    assertTrue(shards.get(0).error().startsWith(input + ": changed after it was planned ("), shards.get(0).error());
    List<VideoOutcome> merged = MergeStage.merge(plan, OutcomeRows.read(plan));
    assertEquals("failed", merged.get(0).status());
    assertFalse(Files.exists(out.resolve("film.swiftvr.mp4")));
  }

  /** The file is replaced after its first shard was restored: the video is never made of two versions. */
  @Test
  void anInputReplacedDuringRestoreIsNeverPublishedMixed(@TempDir Path library, @TempDir Path out) throws Exception {
    Path input = Files.copy(TestMedia.realShort(), library.resolve("film.mp4"));
    JobPlan plan = JobPlanner.plan(options(out, "--input", input.toString(), "--chunks-per-shard", "1"));
    plan.write();
    VideoPlan video = plan.videos().get(0);
    assertEquals("restored", ShardTaskRunner.run(ShardTask.of(plan, video, video.shards().get(0), false), TaskEnvironment.NONE,
        n -> { })
        .status());
    // replaced while shard 2 restores: it must not publish its segment
    ShardTaskRunner.beforePublish = task -> {
      try {
        Files.copy(EdgeClips.write(library.resolve("other.mp4"), EdgeClips.frames(30)), input,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    ShardOutcome second;
    try {
      second = ShardTaskRunner.run(ShardTask.of(plan, video, video.shards().get(1), false), TaskEnvironment.NONE,
        n -> { });
    } finally {
      ShardTaskRunner.beforePublish = task -> { };
    }
    assertEquals("failed", second.status());
    assertTrue(second.error().contains("before publishing shard 2 of 2"), second.error());
    assertTrue(second.permanent());
    try (Stream<Path> staged = Files.list(Path.of(plan.stagingDir(video)))) {
      assertEquals(List.of("shard-00000-of-00002.mp4"),
          staged.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList());
    }
    VideoOutcome merged = MergeStage.merge(plan, OutcomeRows.read(plan)).get(0);
    assertEquals("failed", merged.status());
    assertFalse(Files.exists(out.resolve("film.swiftvr.mp4")));
  }

  /**
   * One video fails in every task for good (an injected NegativeArraySizeException, as a chunk buffer too large for
   * an int raised), one fails on every Spark attempt, an 8K film scan is restored to the asked size with its frames
   * scaled as they are decoded, and one is fine: the batch finishes, the fine ones are published, and a rerun retries
   * only what may pass, unless asked.
   */
  @Test
  void oneBadFileNeverStopsTheLibrary(@TempDir Path library, @TempDir Path out) throws Exception {
    Path broken = Files.copy(TestMedia.realShort(), library.resolve("broken.mp4"));
    Path flaky = Files.copy(TestMedia.realShort(), library.resolve("flaky.mp4"));
    Path fine = EdgeClips.write(library.resolve("fine.mp4"), EdgeClips.frames(9));
    Path scan = EdgeClips.writeScaled(library.resolve("scan8k.mp4"), 7680, 4320, 3);
    int[] flakyAttempts = {0};
    ShardTaskRunner.beforePublish = task -> {
      if (task.video().input().equals(broken.toString())) {
        throw new NegativeArraySizeException("-1508048896");
      }
      if (task.video().input().equals(flaky.toString())) {
        flakyAttempts[0]++;
        throw new IllegalStateException("injected: disk went away");
      }
    };
    RestoreJob.Result first;
    try {
      first = run(options(out, "--input", library.toString(), "--size", "320x180"));
    } finally {
      ShardTaskRunner.beforePublish = task -> { };
    }
    assertEquals(2, flakyAttempts[0], "Spark tried the flaky shard as often as local[1,2] allows");
    assertEquals(broken + ": shard 1 of 1 failed: NegativeArraySizeException: -1508048896",
        outcomeOf(first, broken).error());
    assertEquals(flaky + ": shard 1 of 1 failed on every attempt: IllegalStateException: injected: disk went away",
        outcomeOf(first, flaky).error());
    // The 8K scan's chunk of 28 frames (2.79 GB) fits no buffer: its frames are scaled as they are decoded.
    assertEquals("restored", outcomeOf(first, scan).status(), outcomeOf(first, scan).error());
    VideoProbe restoredScan = new VideoProber().probe(out.resolve("scan8k.swiftvr.mp4").toString());
    assertEquals(List.of(320, 180, 3), List.of(restoredScan.width(), restoredScan.height(),
        restoredScan.frameCount()));
    assertEquals("restored", outcomeOf(first, fine).status());
    assertTrue(Files.exists(out.resolve("fine.swiftvr.mp4")));
    assertFalse(Files.exists(out.resolve("broken.swiftvr.mp4")));
    try (Stream<Path> staging = Files.walk(out.resolve(".swiftvr/staging"))) {
      assertEquals(List.of(), staging.filter(Files::isRegularFile).toList(),
          "no segment left for published or permanently failed videos");
    }

    RestoreJob.Result rerun = run(options(out, "--input", library.toString(), "--size", "320x180"));
    assertEquals(List.of(flaky.toString()), rerun.shards().stream().filter(s -> s.status().equals("restored"))
        .map(ShardOutcome::input).toList(), "only the shard that may pass was tried again");
    assertEquals("failed", outcomeOf(rerun, broken).status());
    assertEquals("restored", outcomeOf(rerun, flaky).status());
    assertEquals("reused", outcomeOf(rerun, fine).status());

    RestoreJob.Result retried = run(options(out, "--input", library.toString(), "--size", "320x180",
        "--retry-failed"));
    assertEquals("restored", outcomeOf(retried, broken).status());
  }

  /** An output whose chunk fits no buffer is beyond what can be restored: the plan refuses it and says the limit. */
  @Test
  void anOutputTooLargeForAChunkIsRefusedWithTheLimit(@TempDir Path out) throws Exception {
    String input = TestMedia.realShort().toString();
    JobPlan plan = JobPlanner.plan(options(out, "--input", input, "--size", "16384x12288"));
    assertEquals(List.of(input + ": output frames of 16384x12288 are too large: a chunk of 28 of them is 16.91 GB, "
        + "over the 2.15 GB a chunk buffer holds, so frames of at most 25.6 megapixels can be restored (6144x4096 "
        + "fits, 7680x4320 does not); ask for a smaller --size"),
        plan.rejected().stream().map(RejectedInput::error).toList());
  }

  /** A frame size the chosen encoder cannot open with is refused by the plan, not by every shard of the video. */
  @Test
  void anOutputTooSmallForDnxhrIsRefusedWithTheLimit(@TempDir Path out) throws Exception {
    String input = TestMedia.realShort().toString();
    JobPlan plan = JobPlanner.plan(options(out, "--input", input, "--codec", "dnxhd", "--size", "240x180"));
    assertEquals(List.of(input + ": output frames of 240x180 are too small for dnxhd: DNxHR takes 256x120 and up; "
        + "ask for a larger --size or another --codec"), plan.rejected().stream().map(RejectedInput::error).toList());
  }

  @Test
  void aBundleChangedAfterPlanningIsRefusedByEveryTask(@TempDir Path dir, @TempDir Path out) throws Exception {
    Path bundle = TestBundles.copyOf(TestBundles.tinyDir(), dir.resolve("bundle"));
    JobPlan plan = JobPlanner.plan(Main.parseRunOptions(List.of("--output", out.toString(), "--model", bundle.toString(),
        "--input", TestMedia.realShort().toString())));
    Path manifest = bundle.resolve("manifest.json");
    Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"warmup_chunks\": *(\\d+)",
        "\"warmup_chunks\": 9"));
    String now = ModelBundle.open(bundle, dir).fingerprint();
    VideoPlan video = plan.videos().get(0);

    ShardOutcome outcome = ShardTaskRunner.run(ShardTask.of(plan, video, video.shards().get(0), false), TaskEnvironment.NONE,
        n -> { });
    assertEquals(TestMedia.realShort() + ": shard 1 of 1 failed: InvalidBundleException: the model bundle at "
        + bundle + " is " + now + ", but the plan was made with " + plan.modelFingerprint() + ": it changed after "
        + "planning, and one video is never restored with two models; rerun the same command to plan again with the "
        + "bundle as it is", outcome.error());
  }

  /** Options that used to fail only inside tasks, with pages of stack traces, stop the run before any work. */
  @Test
  void encoderOptionsAreCheckedBeforeAnyShardRuns(@TempDir Path out) throws Exception {
    IllegalArgumentException preset = assertThrows(IllegalArgumentException.class, () -> JobPlanner.plan(
        options(out, "--input", TestMedia.realShort().toString(), "--preset", "bogus")));
    assertTrue(preset.getMessage().startsWith("Encoder libx264 crf=18 preset=bogus does not work here: Error setting "
        + "preset/tune bogus"), preset.getMessage());

    JobOptions nvenc = options(out, "--input", TestMedia.realShort().toString(), "--codec", "h264_nvenc");
    String why = io.swiftvr.media.SegmentEncoder.whyNotUsable(nvenc.encoder());
    org.junit.jupiter.api.Assumptions.assumeTrue(why != null, "this machine has NVENC");
    IllegalArgumentException gpu = assertThrows(IllegalArgumentException.class, () -> run(nvenc));
    assertEquals("Encoder h264_nvenc crf=18 preset=medium does not work on the executors: " + why, gpu.getMessage());
    try (Stream<Path> staged = Files.walk(out)) {
      assertEquals(List.of(), staged.filter(p -> p.toString().endsWith(".json") && p.toString().contains("outcomes"))
          .toList(), "no shard ran");
    }
  }

  /** An official-protocol bundle restores the input cropped to a multiple of 8, as the release: x2 of 190x138. */
  @Test
  void theOfficialProtocolScalesTheCroppedInputAsTheReleaseDoes(@TempDir Path dir) throws Exception {
    Path clip = EdgeClips.write(dir.resolve("odd.mp4"), new EdgeClips.Spec(190, 138, 5, 0, null));
    JobPlan plan = JobPlanner.plan(Main.parseRunOptions(List.of("--input", clip.toString(), "--output",
        dir.resolve("out").toString(), "--model", TestBundles.tinyDir().resolveSibling("tiny-official").toString(),
        "--size", "x2")));
    assertEquals(new FrameSize(368, 272), plan.videos().get(0).outputSize(),
        "184x136 (the crop to a multiple of 8) times 2");
    JobPlan ours = JobPlanner.plan(options(dir.resolve("ours"), "--input", clip.toString(), "--size", "x2"));
    assertEquals(new FrameSize(380, 276), ours.videos().get(0).outputSize(),
        "our protocol restores the whole picture");
  }

  @Test
  void anUnknownSchemeIsRefusedWhereverALocationIsUsed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Location.of("gs://bucket/films").storage());
    assertEquals("Unsupported location 'gs://bucket/films': gs: is not a supported scheme; use a local path, a file: "
        + "URI or an s3a:// URI", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Location.of("s3://bucket/films").storage());
  }
}
