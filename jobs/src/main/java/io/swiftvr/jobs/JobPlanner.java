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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The plan stage, on the driver: opens the model bundle, probes every input and cuts it into shards. */
public final class JobPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(JobPlanner.class);

  private JobPlanner() {}

  /** Fails only for problems of the run itself (a bad model bundle); a bad video becomes a rejected row. */
  public static JobPlan plan(JobOptions options) throws IOException, InvalidBundleException {
    String output = options.outputDir();
    Path bundleCache = JobPlan.localCache(output, "bundles");
    Path inputCache = JobPlan.localCache(output, "inputs");
    ModelBundle bundle = ModelBundle.open(RemoteBundles.localize(options.model(), bundleCache), bundleCache);
    OutputSize size = options.size() != null ? options.size()
        : OutputSize.parse("x" + bundle.manifest().default_scale());
    int warmup = options.warmupChunks() != null ? options.warmupChunks() : bundle.manifest().stream().warmup_chunks();
    ShardPlanner planner = new ShardPlanner(bundle.chunkGrid(), warmup);
    VideoProber prober = new VideoProber();
    List<VideoPlan> videos = new ArrayList<>();
    List<VideoOutcome> rejected = new ArrayList<>();
    for (String input : InputLister.expand(options.inputs(), output)) {
      try {
        Storage storage = Storage.forLocation(input);
        if (Storage.isRemote(input) && !storage.exists(input)) {
          throw new InvalidVideoException(input, "file not found");
        }
        // FFmpeg reads local files: a video on S3 is probed from a local copy, which the shards may reuse.
        VideoProbe probe = prober.probe(storage.localCopy(input, inputCache).toString()).withUri(input);
        int[] out = size.resolve(probe.width(), probe.height());
        String key = videoKey(input, bundle, out, options);
        List<Shard> shards = options.spread() != null ? planner.planForParts(key, probe, options.spread())
            : planner.plan(key, probe, options.chunksPerShard());
        LOG.info("Planned {}: {} shards, output {}x{}", probe, shards.size(), out[0], out[1]);
        videos.add(new VideoPlan(key, input, probe, shards, out[0], out[1], outputName(input)));
      } catch (InvalidVideoException e) {
        LOG.warn("Rejected {}", e.getMessage());
        rejected.add(VideoOutcome.failed(input, e.getMessage()));
      }
    }
    // Executors fetch remote bundles themselves (their disks are not the driver's); local ones are shared paths.
    String modelLocation = RemoteBundles.isRemote(options.model()) ? options.model()
        : bundle.directory().toAbsolutePath().toString();
    return new JobPlan(output, modelLocation, bundle.manifest().name(),
        bundle.fingerprint(), options.encoder(), options.device(), Instant.now().toString(), List.copyOf(videos),
        List.copyOf(rejected));
  }

  /** Restored files keep the source's container where it can hold copied streams; others go to Matroska. */
  static String outputName(String input) {
    String name = input.substring(input.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    return base + ".swiftvr." + (List.of("mp4", "m4v", "mov").contains(ext) ? "mp4" : "mkv");
  }

  /** Identity of the input (path, size, mtime) and of every parameter that changes the restored frames. */
  static String videoKey(String input, ModelBundle bundle, int[] out, JobOptions options) throws IOException {
    String location = Storage.isRemote(input) ? input : Path.of(input).toAbsolutePath().toString();
    Storage.FileInfo file = Storage.forLocation(input).info(location);
    String identity = String.join("|", location, Long.toString(file.size()), Long.toString(file.modified()),
        bundle.fingerprint(),
        out[0] + "x" + out[1], options.encoder().toString(), options.chunksPerShard() + "/" + options.spread(),
        String.valueOf(options.warmupChunks()));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      String base = outputName(location).replaceAll("\\.swiftvr\\.(mp4|mkv)$", "").replaceAll("[^A-Za-z0-9._-]", "_");
      return base + "-" + HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
