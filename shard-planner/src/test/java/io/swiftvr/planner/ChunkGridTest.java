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
}
