package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.jobs.merge.MergeStage;
import io.swiftvr.jobs.plan.JobOptions;
import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.plan.JobPlanner;
import io.swiftvr.jobs.plan.RejectedInput;
import io.swiftvr.jobs.plan.VideoPlan;
import io.swiftvr.jobs.report.JobReport;
import io.swiftvr.jobs.restore.ShardTask;
import io.swiftvr.jobs.restore.ShardTaskRunner;
import io.swiftvr.jobs.restore.TaskEnvironment;
import io.swiftvr.jobs.spark.RestoreJob;
import io.swiftvr.jobs.spark.ShardStage;
import io.swiftvr.jobs.state.OutcomeRows;
import io.swiftvr.jobs.state.ShardOutcome;
import io.swiftvr.jobs.state.VideoOutcome;
import io.swiftvr.media.FrameSource;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole job on local Spark with the tiny test bundle, over the real sample clip and bad inputs. */
class RestoreJobTest {
  private static JavaSparkContext spark;
  /** A 96x64 crop of the real sample's 36 frames, for what the job does around the model (the same at any size). */
  private static Path small;

  @BeforeAll
  static void startSpark(@TempDir Path clips) throws Exception {
    spark = TinyJobs.localSpark("RestoreJobTest");
    small = EdgeClips.write(clips.resolve("small.mp4"), new EdgeClips.Spec(96, 64, 36, 0, null));
  }

  @AfterAll
  static void stopSpark() {
    spark.close();
  }

  private static JobOptions options(Path out, String... extra) {
    return TinyJobs.options(out, extra);
  }

  private static RestoreJob.Result run(JobOptions options) throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    RestoreJob.Result result = RestoreJob.run(options, spark, new PrintStream(console, true));
    assertTrue(console.toString().contains("restoring ["), "progress was shown: " + console);
    return result;
  }

  @Test
  void restoresTheRealSampleWithItsTimestampsAndAudio(@TempDir Path out) throws Exception {
    Path input = TestMedia.realShort();
    RestoreJob.Result result = run(options(out, "--input", input.toString(), "--size", "x2", "--spread", "2"));

    assertEquals(1, result.videos().size());
    VideoOutcome video = result.videos().get(0);
    assertEquals("restored", video.status(), String.valueOf(video.error()));
    assertEquals(2, result.shards().size(), "36 frames make 2 chunks, one shard each");
    VideoProbe source = new VideoProber().probe(input.toString());
    VideoProbe restored = new VideoProber().probe(video.output());
    assertEquals(source.frameCount(), restored.frameCount());
    assertEquals(640, restored.width());
    assertEquals(480, restored.height());
    assertArrayEquals(MediaAssertions.frameSeconds(source), MediaAssertions.frameSeconds(restored), 1e-6);
    assertEquals(source.durationSeconds(), restored.durationSeconds(), 1e-6);
    assertEquals(MediaAssertions.audioPackets(input.toString()), MediaAssertions.audioPackets(video.output()));
    assertPixelsAreSane(restored);

    assertTrue(Files.readString(out.resolve("report/videos.csv")).contains(",restored,"));
    assertEquals(3, Files.readAllLines(out.resolve("report/shards.csv")).size());
    List<String> throughput = Files.readAllLines(out.resolve("report/throughput.csv"));
    assertEquals(2, throughput.size(), "one device type: " + throughput);
    assertTrue(throughput.get(1).startsWith("\"CPU"), throughput.get(1));
    assertTrue(Files.size(out.resolve("report/throughput.png")) > 1000);
    SparkSession session = SparkSession.builder().sparkContext(spark.sc()).getOrCreate();
    assertEquals(2, session.read().parquet(out.resolve("report/shards.parquet").toString()).count());
    assertEquals(36L, session.read().parquet(out.resolve("report/videos.parquet").toString())
        .first().getAs("frames").equals(36) ? 36L : -1L);
    for (String table : List.of("shards", "videos", "throughput")) {
      assertEquals(Files.readAllLines(out.resolve("report/" + table + ".csv")).get(0),
          String.join(",", session.read().parquet(out.resolve("report/" + table + ".parquet").toString()).columns()),
          "one column list serves the CSV and the Parquet " + table + " table");
    }
    assertFalse(Files.exists(out.resolve(".swiftvr/staging/" + result.shards().get(0).videoKey())),
        "staging is cleaned after publishing");
  }

  @Test
  void badInputsBecomeErrorRowsAndTheRestFinishes(@TempDir Path out, @TempDir Path in) throws Exception {
    Path good = Files.copy(small, in.resolve("good.mp4"));
    Path text = Files.writeString(in.resolve("notes.mp4"), "not a video\n".repeat(100));
    byte[] whole = Files.readAllBytes(TestMedia.realShort());
    Path truncated = Files.write(in.resolve("truncated.mp4"), Arrays.copyOf(whole, whole.length / 3));
    Path missing = in.resolve("missing.mp4");

    RestoreJob.Result result = run(options(out, "--input", in.toString(), "--input", missing.toString()));

    assertEquals(4, result.videos().size());
    List<VideoOutcome> failed = result.videos().stream().filter(v -> !v.ok()).toList();
    assertEquals(3, failed.size());
    assertTrue(failed.stream().anyMatch(v -> v.error().equals(missing + ": file not found")));
    assertTrue(failed.stream().anyMatch(v -> v.error().startsWith(text + ": not a video file FFmpeg can open")));
    assertTrue(failed.stream().anyMatch(v -> v.error().startsWith(truncated.toString())));
    VideoOutcome ok = result.videos().stream().filter(VideoOutcome::ok).findFirst().orElseThrow();
    assertEquals(good.toString(), ok.input());
    try (Stream<Path> files = Files.list(out)) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(List.of(".swiftvr", "good.swiftvr.mp4", "plan.json", "report"), names,
          "only the good video is published");
    }
    String videos = Files.readString(out.resolve("report/videos.csv"));
    assertEquals(3, videos.lines().filter(l -> l.contains(",failed,")).count());
  }

  @Test
  void readsInputsFromAManifestFile(@TempDir Path dir) throws Exception {
    Path manifest = Files.writeString(dir.resolve("library.txt"),
        "# tonight's batch\n" + TestMedia.realShort() + "\n\nmissing.mp4\n");
    JobPlan plan = JobPlanner.plan(options(dir.resolve("out"), "--input", "@" + manifest));
    assertEquals(List.of(TestMedia.realShort().toString()),
        plan.videos().stream().map(v -> v.probe().uri()).toList());
    assertEquals(List.of(dir.resolve("missing.mp4") + ": file not found"),
        plan.rejected().stream().map(RejectedInput::error).toList());
  }

  @Test
  void anOutputFolderInsideTheInputFolderIsNotReadAsInput(@TempDir Path library) throws Exception {
    Files.copy(small, library.resolve("film.mp4"));
    Path out = library.resolve("restored");
    run(options(out, "--input", library.toString()));
    JobPlan second = JobPlanner.plan(options(out, "--input", library.toString()));
    assertEquals(List.of(library.resolve("film.mp4").toString()),
        second.videos().stream().map(v -> v.probe().uri()).toList());
  }

  @Test
  void aRerunSkipsVideosThatAreAlreadyRestored(@TempDir Path out) throws Exception {
    JobOptions options = options(out, "--input", small.toString());
    RestoreJob.Result first = run(options);
    Path output = Path.of(first.videos().get(0).output());
    byte[] bytes = Files.readAllBytes(output);

    RestoreJob.Result second = RestoreJob.run(options, spark, new PrintStream(new ByteArrayOutputStream()));
    assertEquals("reused", second.videos().get(0).status());
    assertTrue(second.shards().isEmpty(), "no shard ran again");
    assertArrayEquals(bytes, Files.readAllBytes(output));
    assertNull(second.videos().get(0).error());
  }

  /** A job killed after its first shard: the rerun restores only the rest, and the output is the same. */
  @Test
  void aKilledRunResumesWithoutRecomputingFinishedShards(@TempDir Path killed, @TempDir Path clean) throws Exception {
    JobOptions interrupted = options(killed, "--input", small.toString(), "--chunks-per-shard", "1");
    JobPlan plan = JobPlanner.plan(interrupted);
    plan.write();
    VideoPlan video = plan.videos().get(0);
    ShardOutcome first = ShardTaskRunner.run(ShardTask.of(plan, video, video.shards().get(0), false),
        TaskEnvironment.NONE, n -> { });
    assertEquals("restored", first.status());
    // A task that died mid-write leaves only a temporary file, which must never be taken for a segment.
    Files.writeString(Path.of(plan.stagingDir(video)).resolve(".shard-00001-of-00002.mp4.tmp-dead.mp4"), "partial");

    RestoreJob.Result resumed = run(interrupted);
    assertEquals(List.of("reused", "restored"), resumed.shards().stream().map(ShardOutcome::status).toList());
    assertEquals("restored", resumed.videos().get(0).status());

    RestoreJob.Result fresh = run(options(clean, "--input", small.toString(), "--chunks-per-shard", "1"));
    assertArrayEquals(Files.readAllBytes(Path.of(fresh.videos().get(0).output())),
        Files.readAllBytes(Path.of(resumed.videos().get(0).output())), "resumed output equals an uninterrupted run");
  }

  /** A task that dies once just before publishing is retried by Spark; the output is the same as without it. */
  @Test
  void aTaskThatFailsOnceIsRetriedWithIdenticalOutput(@TempDir Path failing, @TempDir Path clean) throws Exception {
    AtomicInteger failures = new AtomicInteger();
    ShardTaskRunner.beforePublish = task -> {
      if (task.shard().shardIndex() == 1 && failures.getAndIncrement() == 0) {
        throw new IllegalStateException("injected: executor lost before publishing " + task.shard().segmentName());
      }
    };
    RestoreJob.Result retried;
    try {
      retried = run(options(failing, "--input", small.toString(), "--chunks-per-shard", "1"));
    } finally {
      ShardTaskRunner.beforePublish = task -> { };
    }
    assertEquals(2, failures.get(), "shard 1 ran twice");
    assertEquals("restored", retried.videos().get(0).status());
    RestoreJob.Result fresh = run(options(clean, "--input", small.toString(), "--chunks-per-shard", "1"));
    assertArrayEquals(Files.readAllBytes(Path.of(fresh.videos().get(0).output())),
        Files.readAllBytes(Path.of(retried.videos().get(0).output())));
    try (Stream<Path> left = Files.walk(failing)) {
      assertEquals(List.of(), left.map(Path::toString).filter(p -> p.contains(".tmp-")).toList(),
          "no temporary file is left behind");
    }
  }

  @Test
  void stageCommandsMeetInTheOutputFolder(@TempDir Path out) throws Exception {
    JobOptions options = options(out, "--input", small.toString());
    JobPlan plan = JobPlanner.plan(options);
    plan.write();
    JobPlan read = JobPlan.read(out.toString());
    assertEquals(plan.videos().get(0).key(), read.videos().get(0).key());
    assertEquals(36, read.videos().get(0).probe().frameCount());

    assertEquals("pending", MergeStage.merge(read, OutcomeRows.read(read)).get(0).status(),
        "nothing to merge before restore");
    ShardStage.restore(read, spark, new PrintStream(new ByteArrayOutputStream()), false);
    List<VideoOutcome> merged = MergeStage.merge(read, OutcomeRows.read(read));
    assertEquals("restored", merged.get(0).status());
    JobReport.write(read, OutcomeRows.all(OutcomeRows.read(read)),
        MergeStage.outcomesWithoutMerging(read, OutcomeRows.read(read)), 0, Map.of(), List.of());
    assertTrue(Files.readString(out.resolve("report/videos.csv")).contains(",restored,"));
    assertEquals(2, Files.readAllLines(out.resolve("report/shards.csv")).size());
  }

  private static void assertPixelsAreSane(VideoProbe restored) throws Exception {
    byte[] frame = new byte[restored.width() * restored.height() * 3];
    try (FrameSource source = FrameSource.open(restored, 17)) {
      source.read(frame, 0);
    }
    long sum = 0;
    long sumSq = 0;
    for (byte b : frame) {
      int v = b & 0xff;
      sum += v;
      sumSq += (long) v * v;
    }
    double mean = (double) sum / frame.length;
    double std = Math.sqrt((double) sumSq / frame.length - mean * mean);
    assertTrue(mean > 5 && mean < 250, "mean " + mean);
    assertTrue(std > 2, "the frame has structure, std " + std);
  }

}
