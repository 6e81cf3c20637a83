package io.swiftvr.udf;

import java.io.Serializable;

/**
 * What restoring one shard did: frames decoded, run through the model and emitted, and where the time went.
 * Seconds are wall-clock per stage, measured where the stages meet.
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
