package io.swiftvr.planner;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a probed video into shards of whole chunks on the global chunk grid, each with enough warm-up chunks before
 * it that its carried streaming state equals what one sequential pass would have had.
 */
public final class ShardPlanner {
  private final ChunkGrid grid;
  private final int warmupChunks;

  /**
   * @param warmupChunks chunks to run (and discard) before a shard's first emitted chunk; the model bundle's measured
   *     temporal receptive field, in chunks
   */
  public ShardPlanner(ChunkGrid grid, int warmupChunks) {
    if (warmupChunks < 0) {
      throw new IllegalArgumentException("Warm-up chunks cannot be negative: " + warmupChunks);
    }
    this.grid = grid;
    this.warmupChunks = warmupChunks;
  }

  public ChunkGrid grid() {
    return grid;
  }

  /**
   * Plans shards of at most {@code chunksPerShard} chunks; the chunks are spread evenly so that no shard is much
   * shorter than the others.
   */
  public List<Shard> plan(String videoId, VideoProbe probe, int chunksPerShard) {
    if (chunksPerShard <= 0) {
      throw new IllegalArgumentException("Chunks per shard must be positive, got " + chunksPerShard);
    }
    int frames = probe.frameCount();
    int chunks = grid.chunkCount(frames);
    int shardCount = chunks / chunksPerShard + (chunks % chunksPerShard == 0 ? 0 : 1);
    List<Shard> shards = new ArrayList<>(shardCount);
    for (int s = 0; s < shardCount; s++) {
      int first = (int) ((long) chunks * s / shardCount);
      int end = (int) ((long) chunks * (s + 1) / shardCount);
      int warmupFirst = Math.max(0, first - warmupChunks);
      int warmupStart = Math.min(frames - 1, grid.firstFrameRead(warmupFirst, frames));
      shards.add(new Shard(
          videoId,
          s,
          shardCount,
          frames,
          warmupFirst,
          first,
          end,
          probe.keyframeAtOrBefore(warmupStart),
          grid.firstFrameRead(warmupFirst, frames),
          grid.emitStart(first, frames),
          grid.emitEnd(end - 1, frames)));
    }
    return List.copyOf(shards);
  }

  /** Plans shards for spreading one video over {@code parts} workers (GPUs). */
  public List<Shard> planForParts(String videoId, VideoProbe probe, int parts) {
    if (parts <= 0) {
      throw new IllegalArgumentException("Parts must be positive, got " + parts);
    }
    int chunks = grid.chunkCount(probe.frameCount());
    return plan(videoId, probe, chunks / parts + (chunks % parts == 0 ? 0 : 1));
  }
}
