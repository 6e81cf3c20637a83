package io.swiftvr.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkGridTest {
  private final ChunkGrid grid = ChunkGrid.SWIFTVR;

  @Test
  void firstChunkRestoresTwentyFiveFramesThenTwentyFourEach() {
    assertEquals(0, grid.emitStart(0, 1000));
    assertEquals(25, grid.emitEnd(0, 1000));
    assertEquals(25, grid.emitStart(1, 1000));
    assertEquals(49, grid.emitEnd(1, 1000));
    assertEquals(7, grid.latentOffset(1));
    assertEquals(13, grid.latentOffset(2));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 24, 25, 26, 27, 28, 29, 48, 49, 50, 73, 97, 100, 1001})
  void chunksEmitEveryFrameExactlyOnce(int frames) {
    int chunks = grid.chunkCount(frames);
    int next = 0;
    for (int k = 0; k < chunks; k++) {
      assertEquals(next, grid.emitStart(k, frames), "chunk " + k + " starts where the previous ended");
      assertTrue(grid.emitEnd(k, frames) > grid.emitStart(k, frames), "chunk " + k + " emits at least one frame");
      next = grid.emitEnd(k, frames);
    }
    assertEquals(frames, next);
  }

  @Test
  void rejectsChunkSizesTheModelCannotTake() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ChunkGrid(26, 24, 3));
    assertEquals("Chunk sizes must be positive multiples of 4 (the model's temporal factor): first=26, chunk=24",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> grid.chunkCount(0));
  }

  // ----- the official protocol (the release's chunks on the 4a+1 prefix, every frame kept) -----

  /** The release's chunks of m = 4a+1 frames, written down from its chunk rules: {start, real frames, last}. */
  private static java.util.List<int[]> releaseChunks(int m) {
    java.util.List<int[]> out = new java.util.ArrayList<>();
    if (m <= 28) {
      out.add(new int[] {0, m, 1});
      return out;
    }
    out.add(new int[] {0, 28, 0});
    int pos = 28;
    while (m - pos > 24) {
      out.add(new int[] {pos, 24, 0});
      pos += 24;
    }
    out.add(new int[] {pos, m - pos, 1});
    return out;
  }

  @Test
  void officialGridKeepsEveryFrameAndFollowsTheReleaseOnTheFourAPlusOnePrefix() {
    for (int overlap = 0; overlap <= 1; overlap++) {
      ChunkGrid official = ChunkGrid.official(28, 24, overlap);
      for (int frames = 1; frames <= 400; frames++) {
        int m = 4 * ((frames - 1) / 4) + 1;
        java.util.List<int[]> release = releaseChunks(m);
        int chunks = official.chunkCount(frames);
        assertEquals(release.size() + (frames > m ? 1 : 0), chunks, "chunks of " + frames);
        int nextEmitted = 0;
        int lastSource = 0;
        for (int k = 0; k < chunks; k++) {
          String where = frames + " frames, chunk " + k;
          int start = official.chunkStart(k, frames);
          int length = official.chunkLength(k, frames);
          assertEquals(0, start % 4, where);
          assertEquals(0, length % 4, where);
          assertEquals(start / 4, official.latentOffset(k, frames), where);
          assertEquals(overlap == 1, (official.flags(k, frames) & ChunkGrid.FLAG_OVERLAP) != 0, where);
          boolean last = k >= release.size() - 1;
          assertEquals(last, (official.flags(k, frames) & ChunkGrid.FLAG_LAST) != 0, where);
          for (int i = 0; i < length; i++) {
            int source = official.sourceFrame(k, i, frames);
            assertTrue(source >= lastSource && source < frames, where + " reads frames in order");
            lastSource = source;
          }
          if (k < release.size()) {
            int[] r = release.get(k);
            assertEquals(r[0], start, where);
            assertEquals(r[1] + (r[2] == 1 ? 3 : 0), length, where + ": the release's size (last: 4b+1 and 3 copies)");
            for (int i = 0; i < length; i++) {
              assertEquals(i < r[1] ? start + i : m - 1, official.sourceFrame(k, i, frames), where + " position " + i);
            }
          } else {
            assertEquals(m + 3, start, where);
            assertEquals(frames - m == 1 ? 4 : 8, length, where);
            for (int i = 0; i < length; i++) {
              assertEquals(Math.min(m + i, frames - 1), official.sourceFrame(k, i, frames), where + " position " + i);
            }
          }
          assertEquals(nextEmitted, official.emitStart(k, frames), where);
          int emitted = nextEmitted;
          for (int i = 0; i < length; i++) {
            int v = official.videoFrame(k, i, frames);
            if (v >= 0) {
              assertEquals(emitted, v, where + " output " + i + " restores the next frame");
              emitted++;
            }
          }
          assertEquals(emitted, official.emitEnd(k, frames), where);
          assertTrue(emitted > nextEmitted, where + " emits at least one frame");
          if (k < release.size()) {
            assertTrue(emitted <= m, where + ": the release's chunks emit only the 4a+1 prefix");
          }
          nextEmitted = emitted;
        }
        assertEquals(frames, nextEmitted, frames + " frames: every frame emitted once");
      }
    }
  }

  @Test
  void officialOutputRestoresItsStreamPositionThreeBack() {
    ChunkGrid official = ChunkGrid.official(28, 24, 0);
    int frames = 56; // m = 53: chunks 0..27, 28..51, 52 + 3 copies, then frames 53..55 + 5 copies
    assertEquals(4, official.chunkCount(frames));
    for (int k = 0; k < 4; k++) {
      for (int i = 0; i < official.chunkLength(k, frames); i++) {
        int v = official.videoFrame(k, i, frames);
        if (v >= 0 && i >= 3) {
          assertEquals(v, official.sourceFrame(k, i - 3, frames), "chunk " + k + " output " + i);
        }
      }
    }
    assertEquals(56, official.chunkStart(3, frames));
    assertEquals(java.util.List.of(-1, -1, -1, 53, 54, 55, -1, -1),
        java.util.stream.IntStream.range(0, 8).map(i -> official.videoFrame(3, i, frames)).boxed().toList());
  }

  @Test
  void swiftvrGridIsUnchangedAndTakesNoOfficialSettings() {
    assertEquals("ChunkGrid[firstChunkFrames=28, chunkFrames=24, decoderLag=3]", grid.toString());
    assertEquals("ChunkGrid[firstChunkFrames=28, chunkFrames=24, decoderLag=3, protocol=official, ditOverlap=1]",
        ChunkGrid.official(28, 24, 1).toString());
    for (int frames = 1; frames < 200; frames++) {
      for (int k = 0; k < grid.chunkCount(frames); k++) {
        assertEquals(grid.chunkStart(k), grid.chunkStart(k, frames));
        assertEquals(grid.chunkLength(k), grid.chunkLength(k, frames));
        assertEquals(0, grid.flags(k, frames));
        for (int i = 0; i < grid.chunkLength(k); i++) {
          assertEquals(Math.min(grid.chunkStart(k) + i, frames - 1), grid.sourceFrame(k, i, frames));
        }
      }
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ChunkGrid(28, 24, 3, ChunkGrid.Protocol.SWIFTVR, 1));
    assertEquals("dit_overlap 1: 0 or 1, and 1 only under the official protocol (this grid: SWIFTVR)", e.getMessage());
    assertThrows(IllegalStateException.class, () -> ChunkGrid.official(28, 24, 0).chunkStart(1));
    assertEquals("Unknown stream protocol 'x' (known: swiftvr, official)",
        assertThrows(IllegalArgumentException.class, () -> ChunkGrid.Protocol.parse("x")).getMessage());
  }

  @Test
  void officialShardsCoverTheVideoAndStartReadingWhereTheirWarmUpDoes() {
    ChunkGrid official = ChunkGrid.official(28, 24, 1);
    for (int frames : new int[] {1, 26, 29, 56, 150, 331}) {
      for (int perShard = 1; perShard <= 3; perShard++) {
        java.util.List<Shard> shards = new ShardPlanner(official, 2).plan("v", probeOf(frames), perShard);
        int next = 0;
        for (Shard s : shards) {
          assertEquals(next, s.emitStartFrame());
          next = s.emitEndFrame();
          assertEquals(official.sourceFrame(s.warmupFirstChunk(), 0, frames), s.warmupStartFrame());
        }
        assertEquals(frames, next);
      }
    }
  }

  private static VideoProbe probeOf(int frames) {
    long[] pts = new long[frames];
    for (int i = 0; i < frames; i++) {
      pts[i] = i * 512L;
    }
    return new VideoProbe("mem://clip", 0, "mp4", "h264", 64, 48, 0, 1, 12800, 25, 1, false, false, 0, pts,
        new int[] {0}, new ColourInfo(null, null, null, null), java.util.List.of());
  }
}
