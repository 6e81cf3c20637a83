package io.swiftvr.jobs;

import io.swiftvr.planner.Shard;
import io.swiftvr.planner.VideoProbe;
import java.io.Serializable;
import java.util.List;

/**
 * The plan of one input video: its probe, its shards, the output size and the key under which its segments and
 * output are stored. {@code key} derives from the input's identity (path, size, modification time) and the
 * parameters hash, so a rerun with the same inputs and parameters finds its earlier work.
 */
public record VideoPlan(
    String key, VideoProbe probe, List<Shard> shards, int outWidth, int outHeight, String outputName)
    implements Serializable {}
