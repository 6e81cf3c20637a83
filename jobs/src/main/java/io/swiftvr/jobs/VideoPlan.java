package io.swiftvr.jobs;

import io.swiftvr.planner.Shard;
import io.swiftvr.planner.VideoProbe;
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
    String key, String input, InputIdentity identity, VideoProbe probe, List<Shard> shards, int outWidth, int outHeight, String outputName)
    implements Serializable {

  /** The probe pointing at a local file FFmpeg can open: the input itself, or its copy in {@code cache}. */
  VideoProbe localProbe(java.nio.file.Path cache) throws java.io.IOException {
    return Storage.isRemote(input)
        ? probe.withUri(Storage.forLocation(input).localCopy(input, cache).toString())
        : probe;
  }
}
