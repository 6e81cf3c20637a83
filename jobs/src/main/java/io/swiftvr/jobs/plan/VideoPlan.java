package io.swiftvr.jobs.plan;

import io.swiftvr.jobs.storage.Location;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.video.FrameSize;
import java.io.Serializable;
import java.util.List;

/**
 * The plan of one input video: where it is ({@code input}: a local path or an S3 URI), its identity when it was
 * planned, its probe, its shards, the output size, its output's path below the output folder ({@code outputName},
 * mirroring the input's folders below the input folder) and the key under which its segments are stored. {@code key}
 * derives from the input's location and identity and the parameters hash ({@code JobPlanner.videoKey}), so a rerun
 * with the same inputs and parameters finds its earlier work.
 */
public record VideoPlan(
    String key, String input, InputIdentity identity, VideoProbe probe, List<Shard> shards, FrameSize outputSize,
    String outputName)
    implements Serializable {

  /** The probe pointing at a local file FFmpeg can open: the input itself, or its copy in {@code cache}. */
  public VideoProbe localProbe(java.nio.file.Path cache) throws java.io.IOException {
    Location location = Location.of(input);
    return location.isRemote() ? probe.withUri(location.localCopy(cache).toString()) : probe;
  }
}
