package io.swiftvr.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.ChunkGrid;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.ShardPlanner;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.bundle.ModelBundle;
import io.swiftvr.udf.model.RestorerModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bundle of the official stream protocol (docs/bundle-format.md, "Stream protocols": the release's tail chunk, the
 * module's chunk flags and its 20th state) through the Java shard path: every frame of a clip that is not 4a+1 frames
 * long is emitted once, and shards that warm up on the bundle's measured chunks equal the sequential pass.
 */
class OfficialProtocolShardTest {
  private static final int OUT_W = 256;
  private static final int OUT_H = 144;
  private static RestorerModel model;
  private static VideoProbe probe;
  private static float[][] sequential;

  /** Exported by model/swiftvr/export.py --protocol official, random weights (seed 0), tiny dims, no detail path. */
  static ModelBundle bundle() throws Exception {
    Path dir = TestMedia.repoRoot().resolve("udf/src/test/resources/bundles/tiny-official");
    return ModelBundle.open(dir, Path.of(System.getProperty("java.io.tmpdir")));
  }

  @BeforeAll
  static void restoreSequentially() throws Exception {
    ModelBundle bundle = bundle();
    assertTrue(bundle.chunkGrid().official());
    assertEquals(20, bundle.manifest().stream().state_tensors());
    model = RestorerModel.load(bundle, Device.cpu());
    probe = new VideoProber().probe(TestClips.cockatooSmall().toString());
    assertTrue(probe.frameCount() % 4 != 1, "a clip of other than 4a+1 frames: the release would drop its last ones");
    Shard whole = new ShardPlanner(bundle.chunkGrid(), 0).plan("seq", probe, Integer.MAX_VALUE).get(0);
    sequential = restore(whole);
    for (int f = 0; f < sequential.length; f++) {
      assertTrue(sequential[f] != null, "frame " + f + " restored");
    }
  }

  @AfterAll
  static void close() {
    if (model != null) {
      model.close();
    }
  }

  private static float[][] restore(Shard shard) throws Exception {
    return ShardFloats.restore(model, probe, shard, OUT_W, OUT_H);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void shardsWithMeasuredWarmupMatchTheSequentialPass(int chunksPerShard) throws Exception {
    ModelBundle bundle = model.bundle();
    ChunkGrid grid = bundle.chunkGrid();
    int warmup = bundle.manifest().stream().warmup_chunks();
    List<Shard> shards = new ShardPlanner(grid, warmup).plan("sharded", probe, chunksPerShard);
    assertTrue(shards.size() > 1);
    ShardFloats.Comparison comparison =
        ShardFloats.compareWithSequential(model, probe, shards, sequential, OUT_W, OUT_H);
    double maxDiff = comparison.maxDiff();
    int covered = comparison.covered();
    System.out.printf("official protocol: %d shards of %d chunks, warm-up %d: max |sharded - sequential| = %.3g over "
        + "%d frames%n", shards.size(), chunksPerShard, warmup, maxDiff, covered);
    assertEquals(probe.frameCount(), covered);
    assertTrue(maxDiff <= 1e-6, "max abs diff " + maxDiff);
  }
}
