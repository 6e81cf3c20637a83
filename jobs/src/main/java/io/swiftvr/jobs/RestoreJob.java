package io.swiftvr.jobs;

import io.swiftvr.planner.InvalidVideoException;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.ShardPlanner;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.planner.VideoProber;
import io.swiftvr.udf.bundle.InvalidBundleException;
import io.swiftvr.udf.bundle.ModelBundle;
import io.swiftvr.udf.video.OutputSize;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole job: plan on the driver, restore one shard per Spark task, merge each video whose shards all succeeded,
 * and write the report. Bad videos become error rows; nothing partial is published.
 */
public final class RestoreJob {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreJob.class);

  /** The plans of a run, and the inputs that could not be planned (with their reasons). */
  public record Plan(ModelBundle bundle, List<VideoPlan> videos, List<VideoOutcome> rejected) {
    public long totalFrames() {
      return videos.stream().mapToLong(v -> v.probe().frameCount()).sum();
    }
  }

  /** What a run produced. */
  public record Result(List<VideoOutcome> videos, List<ShardOutcome> shards, double wallSeconds) {}

  private RestoreJob() {}

  /** Probes every input and plans its shards. Fails only for problems of the run itself (a bad model bundle). */
  public static Plan plan(JobOptions options) throws IOException, InvalidBundleException {
    ModelBundle bundle = ModelBundle.open(options.model(), options.outputDir().resolve(".swiftvr/bundles"));
    OutputSize size = options.size() != null ? options.size()
        : OutputSize.parse("x" + bundle.manifest().default_scale());
    ShardPlanner planner = new ShardPlanner(bundle.chunkGrid(), bundle.manifest().stream().warmup_chunks());
    VideoProber prober = new VideoProber();
    List<VideoPlan> plans = new ArrayList<>();
    List<VideoOutcome> rejected = new ArrayList<>();
    for (String input : InputLister.expand(options.inputs())) {
      try {
        VideoProbe probe = prober.probe(input);
        int[] out = size.resolve(probe.width(), probe.height());
        String key = videoKey(input, bundle, out, options);
        List<Shard> shards = planner.plan(key, probe, options.chunksPerShard());
        LOG.info("Planned {}: {} shards, output {}x{}", probe, shards.size(), out[0], out[1]);
        plans.add(new VideoPlan(key, probe, shards, out[0], out[1], outputName(input)));
      } catch (InvalidVideoException e) {
        rejected.add(VideoOutcome.failed(input, e.getMessage()));
      }
    }
    return new Plan(bundle, List.copyOf(plans), List.copyOf(rejected));
  }

  public static Result run(JobOptions options, JavaSparkContext spark, PrintStream console)
      throws IOException, InvalidBundleException {
    long started = System.nanoTime();
    Plan plan = plan(options);
    Path staging = options.outputDir().resolve(".swiftvr/staging").toAbsolutePath();
    Path published = options.outputDir().resolve(".swiftvr/published");
    List<VideoOutcome> videos = new ArrayList<>(plan.rejected());
    List<VideoPlan> todo = new ArrayList<>();
    for (VideoPlan video : plan.videos()) {
      VideoOutcome earlier = PublishedMarkers.read(published, video, options.outputDir());
      if (earlier != null) {
        LOG.info("{} is unchanged since it was restored into {}; skipping", video.probe().uri(), earlier.output());
        videos.add(earlier);
      } else {
        todo.add(video);
      }
    }
    List<ShardTask> tasks = new ArrayList<>();
    for (VideoPlan video : todo) {
      for (Shard shard : video.shards()) {
        tasks.add(new ShardTask(video, shard, plan.bundle().directory().toAbsolutePath().toString(),
            options.encoder(), staging.toString(), options.device()));
      }
    }
    List<ShardOutcome> shardOutcomes = List.of();
    if (!tasks.isEmpty()) {
      LongAccumulator frames = spark.sc().longAccumulator("frames restored");
      long total = todo.stream().mapToLong(v -> v.probe().frameCount()).sum();
      ProgressDisplay progress = new ProgressDisplay(frames, total, console);
      spark.sc().addSparkListener(progress);
      try {
        spark.setJobGroup("swiftvr-restore", "Restore " + tasks.size() + " shards", false);
        shardOutcomes = spark.parallelize(tasks, tasks.size()).map(new RunShard(frames)).collect();
      } finally {
        spark.sc().removeSparkListener(progress);
        progress.finish();
      }
    }

    Map<String, List<ShardOutcome>> byVideo = new LinkedHashMap<>();
    for (ShardOutcome o : shardOutcomes) {
      byVideo.computeIfAbsent(o.videoKey(), k -> new ArrayList<>()).add(o);
    }
    for (VideoPlan video : todo) {
      VideoOutcome outcome = publish(video, byVideo.getOrDefault(video.key(), List.of()), options.outputDir(), staging);
      if (outcome.ok()) {
        PublishedMarkers.write(published, video, outcome);
      }
      videos.add(outcome);
    }
    double wall = (System.nanoTime() - started) / 1e9;
    JobReport.write(options.outputDir().resolve("report"), shardOutcomes, videos, wall);
    return new Result(List.copyOf(videos), shardOutcomes, wall);
  }

  /** Merges a video whose shards all succeeded, checks the frame count, and publishes it with an atomic rename. */
  static VideoOutcome publish(VideoPlan video, List<ShardOutcome> shards, Path outputDir, Path staging) {
    VideoProbe probe = video.probe();
    List<ShardOutcome> sorted = new ArrayList<>(shards);
    sorted.sort(Comparator.comparingInt(ShardOutcome::shardIndex));
    for (ShardOutcome s : sorted) {
      if (s.failed()) {
        return VideoOutcome.failed(probe.uri(), s.error());
      }
    }
    if (sorted.size() != video.shards().size()) {
      return VideoOutcome.failed(probe.uri(), String.format(
          "%s: %d of %d shards finished", probe.uri(), sorted.size(), video.shards().size()));
    }
    long started = System.nanoTime();
    Path output = outputDir.resolve(video.outputName());
    Path temp = outputDir.resolve("." + video.outputName() + ".tmp-" + UUID.randomUUID()
        + video.outputName().substring(video.outputName().lastIndexOf('.')));
    try {
      Files.createDirectories(outputDir);
      List<Path> segments = sorted.stream().map(s -> Path.of(s.segment())).toList();
      int[] firstFrames = video.shards().stream().mapToInt(Shard::emitStartFrame).toArray();
      new SegmentMerger().merge(probe, segments, firstFrames, temp);
      VideoProbe written = new VideoProber().probe(temp.toString());
      if (written.frameCount() != probe.frameCount()) {
        return VideoOutcome.failed(probe.uri(), String.format(
            "%s: restored file has %d frames, the source %d; not published",
            probe.uri(), written.frameCount(), probe.frameCount()));
      }
      Files.move(temp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      deleteTree(staging.resolve(video.key()));
    } catch (IOException | InvalidVideoException e) {
      return VideoOutcome.failed(probe.uri(), probe.uri() + ": merge failed: " + e.getMessage());
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // a leftover temp file is never mistaken for output: its name starts with a dot and says tmp
      }
    }
    double decode = 0;
    double model = 0;
    double encode = 0;
    String device = null;
    for (ShardOutcome s : sorted) {
      decode += s.result().decodeSeconds();
      model += s.result().modelSeconds();
      encode += s.result().encodeSeconds();
      device = s.result().device();
    }
    return new VideoOutcome(probe.uri(), output.toString(), "restored", null, probe.frameCount(),
        probe.durationSeconds(), probe.width(), probe.height(), video.outWidth(), video.outHeight(),
        decode, model, encode, (System.nanoTime() - started) / 1e9, device);
  }

  /** Restored files keep the source's container where it can hold copied streams; others go to Matroska. */
  static String outputName(String input) {
    String name = Path.of(input).getFileName().toString();
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    return base + ".swiftvr." + (List.of("mp4", "m4v", "mov").contains(ext) ? "mp4" : "mkv");
  }

  /** Identity of the input (path, size, mtime) and of every parameter that changes the restored frames. */
  static String videoKey(String input, ModelBundle bundle, int[] out, JobOptions options) throws IOException {
    Path path = Path.of(input).toAbsolutePath();
    String identity = String.join("|", path.toString(), Long.toString(Files.size(path)),
        Long.toString(Files.getLastModifiedTime(path).toMillis()), bundle.fingerprint(),
        out[0] + "x" + out[1], options.encoder().toString(), Integer.toString(options.chunksPerShard()));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      String base = path.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
      return base + "-" + HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The task body; a static class so the closure ships only the accumulator. */
  private static final class RunShard implements Function<ShardTask, ShardOutcome> {
    private static final long serialVersionUID = 1L;
    private final LongAccumulator frames;

    RunShard(LongAccumulator frames) {
      this.frames = frames;
    }

    @Override
    public ShardOutcome call(ShardTask task) {
      int[] reported = {0};
      return ShardTaskRunner.run(task, emitted -> {
        frames.add(emitted - reported[0]);
        reported[0] = emitted;
      });
    }
  }
}
