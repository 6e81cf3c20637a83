package io.swiftvr.jobs;

import io.swiftvr.planner.Shard;
import io.swiftvr.udf.video.EncoderSettings;
import java.io.Serializable;

/** What a Spark task needs to restore one shard; small enough to ship per task. */
public record ShardTask(VideoPlan video, Shard shard, String modelPath, EncoderSettings encoder, String stagingDir,
    String device) implements Serializable {}
