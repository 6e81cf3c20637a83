package io.swiftvr.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swiftvr.media.FrameSize;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.model.RestorerModel;
import java.util.List;

/**
 * The equivalence tests' tools: a shard's float output frame by frame, the largest difference of two frames, and
 * shards against a sequential pass.
 */
final class ShardFloats {
  private ShardFloats() {}

  /** The shard's emitted frames as floats, indexed by video frame (null where it emits none); each emitted once. */
  static float[][] restore(RestorerModel model, VideoProbe probe, Shard shard, int outWidth, int outHeight)
      throws Exception {
    float[][] frames = new float[shard.frameCount()][];
    int size = outWidth * outHeight * 3;
    new ShardRestorer(model).restore(ShardRestorer.Job.of(probe, shard, new FrameSize(outWidth, outHeight)),
        FrameSink.ofFloats((videoFrame, out, i) -> {
          assertEquals(null, frames[videoFrame], "frame " + videoFrame + " emitted once");
          float[] copy = new float[size];
          System.arraycopy(out.floats(), i * size, copy, 0, size);
          frames[videoFrame] = copy;
        }), n -> { });
    return frames;
  }

  /** How far shards restored one by one are from one sequential pass, over the frames they emit. */
  record Comparison(double maxDiff, int covered) {}

  /** Restores each shard on its own and compares every frame it emits with the same frame of {@code sequential}. */
  static Comparison compareWithSequential(RestorerModel model, VideoProbe probe, List<Shard> shards,
      float[][] sequential, int outWidth, int outHeight) throws Exception {
    double maxDiff = 0;
    int covered = 0;
    for (Shard shard : shards) {
      float[][] part = restore(model, probe, shard, outWidth, outHeight);
      for (int f = shard.emitStartFrame(); f < shard.emitEndFrame(); f++) {
        maxDiff = Math.max(maxDiff, maxAbsDiff(sequential[f], part[f]));
        covered++;
      }
    }
    return new Comparison(maxDiff, covered);
  }

  static double maxAbsDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
