package io.swiftvr.udf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import io.swiftvr.media.DamagedClips;
import io.swiftvr.media.FrameSize;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.DamagePolicy;
import io.swiftvr.planner.InvalidVideoException;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.ShardPlanner;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.model.RestorerModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shards of a real clip with a corrupt middle (issue 27.5): under fail the shard that meets the lost frames stops with
 * their numbers; under repair every frame is emitted once and the shard results list the filled ones.
 */
class DamagedShardTest {

  @Test
  void shardsFailOnOrRepairTheLostFrames(@TempDir Path dir) throws Exception {
    Path clip = DamagedClips.overwriteMiddle(TestMedia.realShort(), dir.resolve("damaged.mp4"), 4096);
    VideoProbe probe = new VideoProber().probe(clip.toString());
    assertArrayEquals(new int[] {23, 24}, probe.damage().frames());
    try (RestorerModel model = RestorerModel.load(TestBundles.tiny(), Device.cpu())) {
      List<Shard> shards = new ShardPlanner(model.bundle().chunkGrid(), 0).plan("v", probe, 1);
      ShardRestorer restorer = new ShardRestorer(model);

      Shard last = shards.get(shards.size() - 1);
      InvalidVideoException e = assertThrows(InvalidVideoException.class,
          () -> restorer.restore(ShardRestorer.Job.of(probe, last, new FrameSize(64, 48)), (frame, frames, i) -> { },
              n -> { }));
      assertEquals(clip + ": decoder returned frame 25 where frame 23 was expected: frames are missing or repeated",
          e.getMessage());

      List<Integer> emitted = new ArrayList<>();
      List<String> repaired = new ArrayList<>();
      List<Integer> repairedFrames = new ArrayList<>();
      for (Shard shard : shards) {
        ShardResult result = restorer.restore(new ShardRestorer.Job(probe, shard, new FrameSize(64, 48),
            DamagePolicy.REPAIR), (frame, frames, i) -> emitted.add(frame), n -> { });
        repaired.add(result.repaired());
        for (int f : result.repairedFrames()) {
          repairedFrames.add(f);
        }
      }
      List<Integer> all = new ArrayList<>();
      for (int f = 0; f < probe.frameCount(); f++) {
        all.add(f);
      }
      assertEquals(all, emitted, "every frame once, in order");
      assertEquals(List.of(23, 24), repairedFrames);
      assertEquals(List.of("23-24 (0.766 s to 0.799 s)", ""), repaired, "each shard lists the frames it emits");
    }
  }
}
