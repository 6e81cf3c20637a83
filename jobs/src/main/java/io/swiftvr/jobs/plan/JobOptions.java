package io.swiftvr.jobs.plan;

import io.swiftvr.media.EncoderSettings;
import io.swiftvr.media.OutputSize;
import io.swiftvr.planner.DamagePolicy;
import io.swiftvr.udf.color.ColorFix;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * What a run was asked to do, already checked by the command line ({@code jobs.cli}): locations normalised (local
 * output and model absolute, inputs as given), values in range.
 *
 * @param inputs video files, folders, or {@code @FILE} manifests
 * @param size the output size, or null for the model's own scale
 * @param spread cut every video into this many shards of equal length, or null to cut by {@code chunksPerShard}
 * @param warmupChunks the warm-up per shard, or null for the model's measured value
 * @param device {@code auto}, {@code cpu} or {@code gpu}
 * @param prices a CSV of prices per device hour, or null
 * @param estimateFrom an earlier run's throughput table to estimate device-hours from (plan), or null
 * @param addThroughput other throughput tables to join the report's
 * @param retryFailed run again shards an earlier run failed for good
 * @param damaged what to do with a video whose packets are damaged: repair it, or reject it when planning
 * @param colorFix what is done to the restored frames' colours ({@code --color-fix})
 */
public record JobOptions(
    List<String> inputs,
    String outputDir,
    String model,
    OutputSize size,
    EncoderSettings encoder,
    int chunksPerShard,
    Integer spread,
    Integer warmupChunks,
    String device,
    Path prices,
    Path estimateFrom,
    List<Path> addThroughput,
    boolean retryFailed,
    DamagePolicy damaged,
    ColorFix colorFix) implements Serializable {

  public static final String DEFAULT_INPUT = "samples/realshort.mp4";
  public static final String DEFAULT_MODEL = "models/swiftvr-small";
  public static final String DEFAULT_OUTPUT = "out";
  public static final int DEFAULT_CHUNKS_PER_SHARD = 40;
  /** Archive files are often damaged and rarely have a better copy: restore them, and list what was filled. */
  public static final DamagePolicy DEFAULT_DAMAGED = DamagePolicy.REPAIR;
}
