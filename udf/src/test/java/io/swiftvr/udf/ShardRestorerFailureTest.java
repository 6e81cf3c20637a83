package io.swiftvr.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ai.djl.Device;
import io.swiftvr.media.FrameSize;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.ShardPlanner;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.model.RestorerModel;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A failing stage stops the whole shard with its own error, and no thread is left waiting. */
class ShardRestorerFailureTest {

  @Test
  void anEncoderFailureEndsTheShardWithThatFailure() throws Exception {
    VideoProbe probe = new VideoProber().probe(TestMedia.realShort().toString());
    try (RestorerModel model = RestorerModel.load(TestBundles.tiny(), Device.cpu())) {
      Shard whole = new ShardPlanner(model.bundle().chunkGrid(), 0).plan("v", probe, 100).get(0);
      IOException e = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> assertThrows(IOException.class,
          () -> new ShardRestorer(model).restore(ShardRestorer.Job.of(probe, whole, new FrameSize(64, 48)),
              (frame, frames, i) -> {
            if (frame == 10) {
              throw new IOException("disk full at frame 10");
            }
          }, n -> { })));
      assertEquals("disk full at frame 10", e.getMessage());
    }
  }
}
