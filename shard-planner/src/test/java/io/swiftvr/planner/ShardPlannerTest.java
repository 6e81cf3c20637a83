package io.swiftvr.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class ShardPlannerTest {

  private static VideoProbe probe(int frames, int[] keyframes) {
    long[] pts = new long[frames];
    for (int i = 0; i < frames; i++) {
      pts[i] = i * 512L;
    }
    return new VideoProbe("mem://clip", 0, "mp4", "h264", 64, 48, 0, 1, 12800, 25, 1, false, false, 0, pts, keyframes,
        new ColourInfo(null, null, null, null), List.of());
  }

  @Test
  void shardsOfTwentyChunksWarmUpOnTwoChunksFromTheKeyframeBefore() {
    int[] keyframes = {0, 250, 500, 750};
    List<Shard> shards = new ShardPlanner(ChunkGrid.SWIFTVR, 2).plan("v", probe(1000, keyframes), 20);
    assertEquals(3, shards.size());
    Shard second = shards.get(1);
    assertEquals(14, second.firstChunk());
    assertEquals(12, second.warmupFirstChunk());
    assertEquals(28 + 11 * 24, second.warmupStartFrame());
    assertEquals(250, second.decodeStartFrame());
    assertEquals(28 + 13 * 24 - 3, second.emitStartFrame());
  }

  /** Random frame counts, keyframe layouts, shard sizes and warm-ups: every frame is emitted exactly once. */
  @RepeatedTest(200)
  void everyFrameIsEmittedByExactlyOneShard(RepetitionInfo repetition) {
    // A fixed seed per repetition: a failure names its case and reproduces.
    Random random = new Random(repetition.getCurrentRepetition());
    int frames = 1 + random.nextInt(random.nextBoolean() ? 60 : 5000);
    TreeSet<Integer> keys = new TreeSet<>();
    keys.add(random.nextInt(Math.min(frames, 5))); // streams may open on a non-keyframe
    for (int i = 0; i < frames / 10; i++) {
      keys.add(random.nextInt(frames));
    }
    int[] keyframes = keys.stream().mapToInt(Integer::intValue).toArray();
    VideoProbe probe = probe(frames, keyframes);
    int warmup = random.nextInt(4);
    int perShard = 1 + random.nextInt(30);
    ChunkGrid grid = new ChunkGrid(4 * (1 + random.nextInt(10)), 4 * (1 + random.nextInt(10)), random.nextInt(4));
    List<Shard> shards = new ShardPlanner(grid, warmup).plan("v", probe, perShard);

    int next = 0;
    for (Shard shard : shards) {
      assertEquals(next, shard.emitStartFrame(), "shards are contiguous: " + shard);
      assertTrue(shard.emitEndFrame() > shard.emitStartFrame(), "no empty shard: " + shard);
      assertTrue(shard.decodeStartFrame() <= Math.min(frames - 1, shard.warmupStartFrame()), shard.toString());
      assertTrue(shard.warmupChunks() <= warmup, shard.toString());
      next = shard.emitEndFrame();
    }
    assertEquals(frames, next);
    assertEquals(grid.chunkCount(frames), shards.get(shards.size() - 1).endChunk());
  }

  @Test
  void oneShardForTheWholeVideoWhenShardsAreUnbounded() {
    List<Shard> shards = new ShardPlanner(ChunkGrid.SWIFTVR, 2).plan("v", probe(100, new int[] {0}), Integer.MAX_VALUE);
    assertEquals(1, shards.size());
    assertEquals(100, shards.get(0).emittedFrames());
  }

  @Test
  void spreadsOneFilmOverParts() {
    List<Shard> shards = new ShardPlanner(ChunkGrid.SWIFTVR, 2).planForParts("v", probe(24 * 100, new int[] {0}), 4);
    assertEquals(4, shards.size());
    for (Shard shard : shards) {
      assertTrue(shard.endChunk() - shard.firstChunk() >= 25, shard.toString());
    }
  }
}
