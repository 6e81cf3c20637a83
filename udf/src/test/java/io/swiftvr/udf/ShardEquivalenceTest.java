package io.swiftvr.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.ChunkGrid;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.ShardPlanner;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.bundle.ModelBundle;
import io.swiftvr.udf.model.RestorerModel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sharded restoration equals the sequential pass: a real clip is restored once as a whole and then as shards that
 * warm up on the bundle's measured number of chunks; the float frames before encoding must agree.
 */
class ShardEquivalenceTest {
  private static final int OUT_W = 256;
  private static final int OUT_H = 144;
  private static RestorerModel model;
  private static VideoProbe probe;
  private static float[][] sequential;

  @BeforeAll
  static void restoreSequentially() throws Exception {
    ModelBundle bundle = TestBundles.tiny();
    model = RestorerModel.load(bundle, Device.cpu());
    probe = new VideoProber().probe(TestClips.cockatooSmall().toString());
    assertTrue(probe.keyframes().length > 3, "the clip has keyframes to seek to");
    assertTrue(probe.reordered(), "the clip has B-frames, so display order differs from decode order");
    Shard whole = new ShardPlanner(bundle.chunkGrid(), 0).plan("seq", probe, Integer.MAX_VALUE).get(0);
    sequential = restore(whole);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static float[][] restore(Shard shard) throws Exception {
    return ShardFloats.restore(model, probe, shard, OUT_W, OUT_H);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 5})
  void shardsWithMeasuredWarmupMatchTheSequentialPass(int chunksPerShard) throws Exception {
    ModelBundle bundle = model.bundle();
    int warmup = bundle.manifest().stream().warmup_chunks();
    List<Shard> shards = new ShardPlanner(bundle.chunkGrid(), warmup).plan("sharded", probe, chunksPerShard);
    assertTrue(shards.size() > 1);
    ShardFloats.Comparison comparison =
        ShardFloats.compareWithSequential(model, probe, shards, sequential, OUT_W, OUT_H);
    double maxDiff = comparison.maxDiff();
    int covered = comparison.covered();
    System.out.printf("%d shards of %d chunks, warm-up %d: max |sharded - sequential| = %.3g over %d frames%n",
        shards.size(), chunksPerShard, warmup, maxDiff, covered);
    assertEquals(probe.frameCount(), covered);
    assertTrue(maxDiff < 1e-4, "max abs diff " + maxDiff);
  }

  /** Without warm-up the carried state differs at the cut, which shows the test can see a seam. */
  @Test
  void withoutWarmupTheCutIsVisible() throws Exception {
    ChunkGrid grid = model.bundle().chunkGrid();
    List<Shard> shards = new ShardPlanner(grid, 0).plan("cold", probe, 2);
    Shard second = shards.get(1);
    float[][] part = restore(second);
    double diff = ShardFloats.maxAbsDiff(sequential[second.emitStartFrame()], part[second.emitStartFrame()]);
    assertTrue(diff > 1e-3, "a cold start must differ from the sequential pass, diff " + diff);
  }
}
