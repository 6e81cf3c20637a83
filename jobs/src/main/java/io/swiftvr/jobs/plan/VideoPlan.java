package io.swiftvr.jobs.plan;

import io.swiftvr.jobs.storage.Location;
import io.swiftvr.media.FrameSize;
import io.swiftvr.planner.DamagePolicy;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.color.ColorFix;
import java.io.Serializable;
import java.util.List;

/**
 * The plan of one input video: where it is ({@code input}: a local path or an S3 URI), its identity when it was
 * planned, its probe, its shards, the output size, its output's path below the output folder ({@code outputName},
 * mirroring the input's folders below the input folder) and the key under which its segments are stored. {@code key}
 * derives from the input's location and identity and the parameters hash ({@code JobPlanner.videoKey}), so a rerun
 * with the same inputs and parameters finds its earlier work. {@code damaged} says what a task does with a frame the
 * decoder loses ({@code --damaged}); it is not in the key, since it changes no pixel of a video that restores under
 * both. {@code colorFix} is what is done to the restored frames' colours ({@code --color-fix}); it changes pixels, so
 * it is in the key.
 */
public record VideoPlan(
    String key, String input, InputIdentity identity, VideoProbe probe, List<Shard> shards, FrameSize outputSize,
    String outputName, DamagePolicy damaged, FrameSize decodeSize, ColorFix colorFix)
    implements Serializable {

  public VideoPlan {
    damaged = damaged == null ? DamagePolicy.FAIL : damaged; // plans written before repair: as they ran then
    decodeSize = decodeSize == null ? new FrameSize(probe.width(), probe.height()) : decodeSize; // likewise
    colorFix = colorFix == null ? ColorFix.NONE : colorFix; // plans written before --color-fix: as they ran then
  }

  /** The probe pointing at a local file FFmpeg can open: the input itself, or its copy in {@code cache}. */
  public VideoProbe localProbe(java.nio.file.Path cache) throws java.io.IOException {
    Location location = Location.of(input);
    return location.isRemote() ? probe.withUri(location.localCopy(cache).toString()) : probe;
  }
}
