package io.swiftvr.planner;

/**
 * One unit of restore work: a run of whole chunks of one video, with the warm-up chunks before it.
 *
 * <p>The restorer decodes from {@code decodeStartFrame} (a keyframe), feeds the model from {@code warmupStartFrame}
 * on, runs chunks {@code [warmupFirstChunk, endChunk)} with the streaming state carried, discards the outputs of the
 * warm-up chunks {@code [warmupFirstChunk, firstChunk)}, and emits video frames {@code [emitStartFrame,
 * emitEndFrame)}. Every frame of a video is emitted by exactly one shard.
 */
public record Shard(
    String videoId,
    int shardIndex,
    int shardCount,
    int frameCount,
    int warmupFirstChunk,
    int firstChunk,
    int endChunk,
    int decodeStartFrame,
    int warmupStartFrame,
    int emitStartFrame,
    int emitEndFrame) implements java.io.Serializable {

  public int emittedFrames() {
    return emitEndFrame - emitStartFrame;
  }

  public int warmupChunks() {
    return firstChunk - warmupFirstChunk;
  }

  /** Stable name of this shard's segment, zero-padded so that listing order is playback order. */
  public String segmentName() {
    return String.format("shard-%05d-of-%05d", shardIndex, shardCount);
  }
}
