package io.swiftvr.udf;

import java.io.Serializable;

/**
 * What restoring one shard did: frames decoded, run through the model and emitted, and where the time went.
 * Seconds are busy time per stage, measured where the stages meet (the stages overlap, so they add up to more than
 * {@code totalSeconds}). {@code device} is the hardware model, e.g. "NVIDIA H100 80GB HBM3" or "CPU … x2".
 *
 * <p>{@code repairedFrames} are the display indices of the shard's emitted frames that the decoder lost and that were
 * filled from the last good frame ({@code --damaged repair}), and {@code repaired} says the same for a report:
 * "137-143 (6.850 s to 7.150 s)", the times being the frames' source timestamps; empty when none was.
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
    String device,
    int[] repairedFrames,
    String repaired) implements Serializable {

  public ShardResult {
    repairedFrames = repairedFrames == null ? new int[0] : repairedFrames.clone(); // rows written before repair
    repaired = repaired == null ? "" : repaired;
  }

  /** A shard in which no frame was repaired. */
  public ShardResult(String videoId, int shardIndex, int framesDecoded, int framesModelled, int framesEmitted,
      double decodeSeconds, double modelSeconds, double encodeSeconds, double totalSeconds, String device) {
    this(videoId, shardIndex, framesDecoded, framesModelled, framesEmitted, decodeSeconds, modelSeconds,
        encodeSeconds, totalSeconds, device, new int[0], "");
  }

  @Override
  public int[] repairedFrames() {
    return repairedFrames.clone();
  }
}
