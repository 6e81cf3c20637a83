package io.swiftvr.udf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.swiftvr.media.FrameSize;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.ShardPlanner;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.bundle.ModelBundle;
import io.swiftvr.udf.model.RestorerModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reused output buffers (a sink that accepts buffers) give the same bytes as the {@code byte[]} path, on a
 * shard with warm-up chunks, and the pipeline recycles a small pool of them.
 */
class OutputBufferTest {
  private static final int OUT_W = 256;
  private static final int OUT_H = 144;
  private static RestorerModel model;
  private static VideoProbe probe;

  @BeforeAll
  static void load() throws Exception {
    ModelBundle bundle = TestBundles.tiny();
    model = RestorerModel.load(bundle, Device.cpu());
    probe = new VideoProber().probe(TestClips.cockatooSmall().toString());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void buffersMatchBytesAndAreReused() throws Exception {
    ModelBundle bundle = model.bundle();
    int warmup = Math.max(1, bundle.manifest().stream().warmup_chunks());
    List<Shard> shards = new ShardPlanner(bundle.chunkGrid(), warmup).plan("buf", probe, 3);
    Shard shard = shards.size() > 1 ? shards.get(1) : shards.get(0);
    int size = OUT_W * OUT_H * 3;

    byte[][] viaBytes = new byte[probe.frameCount()][];
    new ShardRestorer(model).restore(ShardRestorer.Job.of(probe, shard, new FrameSize(OUT_W, OUT_H)), (f, out, i) -> {
      assertNull(out.buffer());
      byte[] copy = new byte[size];
      System.arraycopy(out.bytes(), i * size, copy, 0, size);
      viaBytes[f] = copy;
    }, n -> { });

    byte[][] viaBuffers = new byte[probe.frameCount()][];
    Map<ByteBuffer, Boolean> seen = restoreIntoBuffers(shard, viaBuffers);

    int frames = 0;
    for (int f = shard.emitStartFrame(); f < shard.emitEndFrame(); f++) {
      assertNotNull(viaBuffers[f], "frame " + f);
      assertArrayEquals(viaBytes[f], viaBuffers[f], "frame " + f);
      frames++;
    }
    assertEquals(shard.emittedFrames(), frames);
    assertTrue(seen.size() <= 4, "buffers are pooled, saw " + seen.size());

    // The next shard gets the same buffers again from the model's pool: none allocated (or pinned) per shard.
    Map<ByteBuffer, Boolean> again = restoreIntoBuffers(shard, new byte[probe.frameCount()][]);
    assertEquals(seen.keySet(), again.keySet());
  }

  private static Map<ByteBuffer, Boolean> restoreIntoBuffers(Shard shard, byte[][] frames) throws Exception {
    int size = OUT_W * OUT_H * 3;
    Map<ByteBuffer, Boolean> seen = new IdentityHashMap<>();
    new ShardRestorer(model).restore(ShardRestorer.Job.of(probe, shard, new FrameSize(OUT_W, OUT_H)), new FrameSink() {
      @Override
      public void accept(int f, ChunkFrames out, int i) throws IOException {
        assertNull(out.bytes());
        assertNotNull(out.buffer());
        assertTrue(out.buffer().isDirect());
        seen.put(out.buffer(), true);
        byte[] copy = new byte[size];
        out.buffer().get(i * size, copy);
        frames[f] = copy;
      }

      @Override
      public boolean acceptsBuffers() {
        return true;
      }
    }, n -> { });
    return seen;
  }
}
