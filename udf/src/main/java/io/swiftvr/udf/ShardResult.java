package io.swiftvr.udf;

import java.io.Serializable;

/**
 * What restoring one shard did: frames decoded, run through the model and emitted, and where the time went.
 * Seconds are busy time per stage, measured where the stages meet (the stages overlap, so they add up to more than
 * {@code totalSeconds}). {@code device} is the hardware model, e.g. "NVIDIA H100 80GB HBM3" or "CPU … x2".
 */
public record ShardResult(
    String videoId,
    int shardIndex,
    int framesDecoded,
    int framesModelled,
    int framesEmitted,
    double decodeSeconds,
    double modelSeconds,
    double encodeSeconds,
    double totalSeconds,
    String device) implements Serializable {}
