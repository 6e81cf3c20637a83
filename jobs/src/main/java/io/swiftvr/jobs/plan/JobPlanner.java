package io.swiftvr.jobs.plan;

import io.swiftvr.jobs.storage.Location;
import io.swiftvr.jobs.storage.RemoteBundles;
import io.swiftvr.jobs.storage.Storage;
import io.swiftvr.media.FrameSize;
import io.swiftvr.media.OutputSize;
import io.swiftvr.media.SegmentEncoder;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.ChunkGrid;
import io.swiftvr.planner.InvalidVideoException;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.ShardPlanner;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.ShardRestorer;
import io.swiftvr.udf.bundle.InvalidBundleException;
import io.swiftvr.udf.bundle.ModelBundle;
import io.swiftvr.udf.color.ColorFix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The plan stage, on the driver: opens the model bundle, probes every input and cuts it into shards. */
public final class JobPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(JobPlanner.class);

  private JobPlanner() {}

  /** Fails only for problems of the run itself (a bad model bundle); a bad video becomes a rejected row. */
  public static JobPlan plan(JobOptions options) throws IOException, InvalidBundleException {
    String output = options.outputDir();
    // What can fail the whole run fails here, before a bundle is fetched or a video probed, with one line each.
    InputLister.Listing inputs = InputLister.expand(options.inputs(), output);
    if (inputs.videos().isEmpty()) {
      throw NoVideosFoundException.in(options.inputs(), inputs);
    }
    if (!inputs.skipped().isEmpty()) {
      LOG.info("Inputs: {} videos; {}", inputs.videos().size(), inputs.skipped());
    }
    if (!options.encoder().isNvenc()) {
      SegmentEncoder.requireUsable(options.encoder()); // a GPU encoder is asked on an executor (ShardStage)
    }
    Path bundleCache = JobPlan.localCache(output, "bundles");
    Path inputCache = JobPlan.localCache(output, "inputs");
    ModelBundle bundle = ModelBundle.open(RemoteBundles.localize(options.model(), bundleCache), bundleCache);
    OutputSize size = options.size() != null ? options.size()
        : OutputSize.parse("x" + bundle.manifest().default_scale());
    int warmup = options.warmupChunks() != null ? options.warmupChunks() : bundle.manifest().stream().warmup_chunks();
    ChunkGrid grid = bundle.chunkGrid();
    ShardPlanner planner = new ShardPlanner(grid, warmup);
    VideoProber prober = new VideoProber();
    List<VideoPlan> videos = new ArrayList<>();
    List<RejectedInput> rejected = new ArrayList<>();
    Map<String, String> outputOwners = new HashMap<>();
    for (InputLister.Listed listed : inputs.videos()) {
      String input = listed.location();
      try {
        Storage storage = Location.of(input).storage();
        if (!storage.exists(input)) {
          throw new InvalidVideoException(input, "file not found");
        }
        String outputName = outputName(listed.relativePath(), options.encoder().container());
        String owner = outputOwners.putIfAbsent(outputName, input);
        if (owner != null) {
          throw new InvalidVideoException(input, String.format("its output %s would also be the output of %s; "
              + "restore files of the same name from different folders by giving their common folder as --input "
              + "(outputs mirror the folders below it), or in separate runs", outputName, owner));
        }
        InputIdentity identity = InputIdentity.read(input);
        // FFmpeg reads local files: a video on S3 is probed from a local copy, which the shards may reuse.
        VideoProbe probe = prober.probe(storage.localCopy(input, inputCache).toString()).withUri(input);
        FrameSize out = outputSize(size, probe, bundle.manifest().stream().lq_crop_multiple());
        String encoderRefuses = options.encoder().whyNotFrameSize(out.width(), out.height());
        if (encoderRefuses != null) {
          throw new InvalidVideoException(input, encoderRefuses);
        }
        FrameSize decode = ShardRestorer.decodeSize(input, new FrameSize(probe.width(), probe.height()), out, grid,
            bundle.manifest().stream().lq_crop_multiple());
        options.damaged().check(probe); // under fail, a damaged file costs the seconds of its probe
        if (!probe.damage().isEmpty()) {
          LOG.warn("Damaged {}: {}; restoring it with each lost frame filled from the last good one (--damaged "
              + "repair)", input, probe.damage().describe());
        }
        int outputBits = options.encoder().bitDepthFor(probe.bitsPerSample());
        warnAboutDepthAndHdr(input, probe, outputBits, bundle);
        String key = videoKey(input, identity, bundle.fingerprint(), grid, warmup, out, options, outputBits);
        List<Shard> shards = options.spread() != null ? planner.planForParts(key, probe, options.spread())
            : planner.plan(key, probe, options.chunksPerShard());
        LOG.info("Planned {}: {} shards, output {}", probe, shards.size(), out);
        videos.add(new VideoPlan(key, input, identity, probe, shards, out, outputName, options.damaged(), decode,
            options.colorFix()));
      } catch (InvalidVideoException e) {
        LOG.warn("Rejected {}", e.getMessage());
        outputOwners.values().remove(input);
        rejected.add(new RejectedInput(input, e.getMessage()));
      }
    }
    // Executors fetch remote bundles themselves (their disks are not the driver's); local ones are shared paths.
    String modelLocation = Location.of(options.model()).isRemote() ? options.model()
        : bundle.directory().toAbsolutePath().toString();
    return new JobPlan(output, modelLocation, bundle.manifest().name(),
        bundle.fingerprint(), grid, warmup, options.encoder(), options.device(), Instant.now().toString(),
        List.copyOf(videos),
        List.copyOf(rejected), inputs.skipped());
  }

  /**
   * One warning per video where the output is not what the source might make one expect: a source deeper than 8 bits
   * that an 8-bit-only bundle gets cut to 8 bits, and an HDR transfer (PQ, HLG), which the model, trained on SDR
   * video, restores as plain code values: nothing is tone-mapped, the output keeps the source's transfer, primaries,
   * matrix, range and HDR10 metadata.
   */
  private static void warnAboutDepthAndHdr(String input, VideoProbe probe, int outputBits, ModelBundle bundle) {
    io.swiftvr.planner.ColourInfo colour = probe.colour();
    if (colour.isDeep() && !bundle.manifest().stream().takes16BitSamples()) {
      LOG.warn("{}: a {}-bit source, and bundle {} reads 8-bit samples only (its manifest has no stream.sample_bits "
              + "with 16): the model gets the source cut to 8 bits, the output is written as {}-bit from 8-bit "
              + "samples; a bundle exported by this version's swiftvr.export keeps all bits", input,
          colour.bitsPerSample(), bundle.manifest().name(), outputBits);
    }
    if (colour.isHdrTransfer()) {
      LOG.warn("{}: HDR source ({} transfer, {} primaries): the model was trained on SDR video and restores its "
              + "{}-encoded code values as they are; nothing is tone-mapped, and the output keeps the source's "
              + "transfer, primaries, matrix, range{} at {} bits", input, colour.transfer(), colour.primaries(),
          colour.transfer().equals("smpte2084") ? "PQ" : "HLG",
          colour.masteringDisplay() != null || colour.contentLight() != null ? " and HDR10 metadata" : "",
          outputBits);
    }
  }

  /**
   * The output size for a video: {@code --size} applied to the picture the model restores. A bundle of the official
   * protocol first crops the input top-left to a multiple of {@code lqCropMultiple} (8), as the release does, so a
   * scale multiplies the cropped size (190x139 at x4 gives 736x544, the release's output), not the full one.
   */
  static FrameSize outputSize(OutputSize size, VideoProbe probe, int lqCropMultiple) {
    int crop = Math.max(1, lqCropMultiple);
    return size.resolve(probe.width() - probe.width() % crop, probe.height() - probe.height() % crop);
  }

  /**
   * The output of an input found at {@code relativePath} below its input folder: the same folders below the output
   * folder, the same base name plus {@code .swiftvr}, and the source's container where it can hold the copied
   * streams (MP4 for MP4/MOV sources), Matroska otherwise.
   */
  static String outputName(String relativePath) {
    return outputName(relativePath, null);
  }

  /** {@link #outputName(String)} in {@code container} ("mov", "mkv") where the codec needs one, when not null. */
  static String outputName(String relativePath, String container) {
    int slash = relativePath.lastIndexOf('/');
    String folder = relativePath.substring(0, slash + 1);
    String name = relativePath.substring(slash + 1);
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    if (container != null) {
      return folder + base + ".swiftvr." + container;
    }
    return folder + base + ".swiftvr." + (List.of("mp4", "m4v", "mov").contains(ext) ? "mp4" : "mkv");
  }

  /**
   * The key of a video's segments, markers and outcome rows: the input's location and identity (size, modification
   * time, head and tail hash) and every effective parameter that changes the restored frames or the segments' layout
   * (the bundle's fingerprint, which covers its manifest, the chunk grid, the warm-up, the output size, the encoder,
   * the sharding and the colour fix), so a rerun finds its own earlier work and nothing else. Without a colour fix the
   * key is what it was before {@code --color-fix} existed, so earlier runs' work is found again.
   */
  static String videoKey(String input, InputIdentity identity, String bundleFingerprint, ChunkGrid grid, int warmup,
      FrameSize out, JobOptions options) {
    return videoKey(input, identity, bundleFingerprint, grid, warmup, out, options, 8);
  }

  /**
   * {@link #videoKey(String, InputIdentity, String, ChunkGrid, int, FrameSize, JobOptions)} for output of
   * {@code outputBits}: a 10-bit output that the source chose (no {@code --bit-depth}) is in the key, an 8-bit one
   * leaves it as it was before 10-bit output existed.
   */
  static String videoKey(String input, InputIdentity identity, String bundleFingerprint, ChunkGrid grid, int warmup,
      FrameSize out, JobOptions options, int outputBits) {
    String location = Location.of(input).isRemote() ? input : Path.of(input).toAbsolutePath().toString();
    String sharding = options.spread() != null ? "spread " + options.spread()
        : "chunks per shard " + options.chunksPerShard();
    String identityText = String.join("|", location, Long.toString(identity.size()),
        Long.toString(identity.modified()), identity.headTailSha256(), bundleFingerprint, grid.toString(),
        "warm-up " + warmup, out.toString(), options.encoder().toString(), sharding)
        + (options.colorFix() == ColorFix.NONE ? "" : "|color-fix " + options.colorFix())
        + (outputBits == 10 && options.encoder().bitDepth() == null ? "|bit-depth 10" : "");
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(identityText.getBytes(StandardCharsets.UTF_8));
      String name = location.substring(location.lastIndexOf('/') + 1);
      int dot = name.lastIndexOf('.');
      String base = (dot > 0 ? name.substring(0, dot) : name).replaceAll("[^A-Za-z0-9._-]", "_");
      return base + "-" + HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
