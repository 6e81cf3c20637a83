package io.swiftvr.jobs.cli;

import io.swiftvr.jobs.plan.JobOptions;
import io.swiftvr.jobs.storage.Location;
import io.swiftvr.media.OutputSize;
import io.swiftvr.planner.DamagePolicy;
import io.swiftvr.udf.color.ColorFix;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options that shape a plan: what to restore, with which model, to what size and codec, cut how. */
final class PlanOptions {
  @Option(names = "--input", paramLabel = "PATH",
      description = "a video file, a folder of videos, or @FILE listing them; local or s3a://; repeatable "
          + "(default: " + JobOptions.DEFAULT_INPUT + ")")
  List<String> inputs = List.of();

  @Mixin
  ModelOption model = new ModelOption();

  @Option(names = "--size", paramLabel = "S",
      description = "x2, x4 (scale) or WxH such as 3840x2160, aspect kept (default: the model's scale)")
  String size;

  @Mixin
  EncoderOptions encoder = new EncoderOptions();

  @Option(names = "--chunks-per-shard", paramLabel = "N", converter = WholeNumber.class,
      description = "chunks of ~24 frames per Spark task (default: " + JobOptions.DEFAULT_CHUNKS_PER_SHARD + ")")
  Integer chunksPerShard;

  @Option(names = "--spread", paramLabel = "N", converter = WholeNumber.class,
      description = "cut every video into N shards of equal length (e.g. the GPU count), not by size")
  Integer spread;

  @Option(names = "--warmup-chunks", paramLabel = "N", converter = WholeNumber.class,
      description = "chunks run before each shard and discarded (default: the model's measured exact value)")
  Integer warmupChunks;

  @Option(names = "--device", paramLabel = "D", defaultValue = "auto",
      description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}: the GPU Spark assigned, else the CPU)")
  String device;

  @Option(names = "--damaged", paramLabel = "M", converter = DamagedValue.class,
      description = "a video with damaged packets: repair (restore it, each frame the decoder loses held from the "
          + "last good one, listed in report/videos.csv) or fail (reject it when planning) (default: repair)")
  DamagePolicy damaged = JobOptions.DEFAULT_DAMAGED;

  @Option(names = "--color-fix", paramLabel = "F", converter = ColorFixValue.class,
      description = "match the output's low-frequency colour to the input's: none, wavelet (the output's detail on "
          + "the input's blurred colours) or adain (each channel's mean and spread set to the input's) (default: "
          + "${DEFAULT-VALUE}, chosen on the held-out set, docs/quality.md)")
  ColorFix colorFix = ColorFix.DEFAULT;

  /** The checked values of a run; throws IllegalArgumentException with one line naming the option. */
  JobOptions toJobOptions(String outputDir, Path prices, Path estimateFrom, List<Path> addThroughput,
      boolean retryFailed) {
    if (!List.of("auto", "cpu", "gpu").contains(device)) {
      throw new IllegalArgumentException("--device must be auto, cpu or gpu, got " + device);
    }
    if (chunksPerShard != null && chunksPerShard < 1) {
      throw new IllegalArgumentException("--chunks-per-shard must be at least 1, got " + chunksPerShard);
    }
    if (spread != null && spread < 1) {
      throw new IllegalArgumentException("--spread must be at least 1, got " + spread);
    }
    if (spread != null && chunksPerShard != null) {
      throw new IllegalArgumentException("--spread and --chunks-per-shard both size the shards: give one of them");
    }
    if (warmupChunks != null && warmupChunks < 0) {
      throw new IllegalArgumentException("--warmup-chunks cannot be negative, got " + warmupChunks);
    }
    List<String> given = inputs.isEmpty() ? List.of(JobOptions.DEFAULT_INPUT) : inputs;
    return new JobOptions(
        given.stream().map(PlanOptions::inputLocation).toList(),
        outputDir,
        model.location(),
        size == null ? null : OutputSize.parse(size),
        encoder.settings(),
        chunksPerShard == null ? JobOptions.DEFAULT_CHUNKS_PER_SHARD : chunksPerShard,
        spread,
        warmupChunks,
        device,
        prices,
        estimateFrom,
        addThroughput,
        retryFailed,
        damaged,
        colorFix);
  }

  /** Inputs keep relative paths as given (they name the files in reports); {@code @FILE} names a local manifest. */
  private static String inputLocation(String input) {
    return input.startsWith("@") ? "@" + Location.parse(input.substring(1)).localPath()
        : Location.parse(input).toString();
  }
}
