package io.swiftvr.udf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.swiftvr.media.FrameSize;
import io.swiftvr.media.FrameSource;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.ShardPlanner;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.color.ColorFix;
import io.swiftvr.udf.color.ColorMatch;
import io.swiftvr.udf.model.RestorerModel;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --color-fix} through ShardRestorer on a real clip (the 256x144 cockatoo clip, restored to 128x72 to keep the
 * test short) with the tiny bundle (decoder lag 3): a shard of one chunk after one warm-up chunk, restored without a
 * fix (floats and bytes) and with wavelet (floats).
 */
class ShardColorFixTest {
  private static final FrameSize OUT = new FrameSize(128, 72);
  private static final int SIZE = OUT.width() * OUT.height() * 3;
  private static RestorerModel model;
  private static VideoProbe probe;
  private static Shard shard;
  private static float[][] plain;
  private static byte[][] plainBytes;
  private static float[][] wavelet;

  @BeforeAll
  static void restore() throws Exception {
    model = RestorerModel.load(TestBundles.tiny(), Device.cpu());
    probe = new VideoProber().probe(TestClips.cockatooSmall().toString());
    shard = new ShardPlanner(model.bundle().chunkGrid(), 1).plan("color", probe, 1).get(5);
    assertEquals(1, shard.warmupChunks());
    plain = floats(ColorFix.NONE);
    wavelet = floats(ColorFix.WAVELET);
    plainBytes = new byte[shard.frameCount()][];
    new ShardRestorer(model).restore(ShardRestorer.Job.of(probe, shard, OUT).withColorFix(ColorFix.NONE),
        (f, out, i) -> plainBytes[f] = copy(out.bytes(), i), n -> { });
  }

  @AfterAll
  static void close() {
    model.close();
  }

  /**
   * Every emitted frame is the network's output fixed against the input frame it restores: the first three (the lag)
   * against frames of the warm-up chunk, whose output was dropped but whose input the stream kept. A frame matched to
   * its neighbour would be off by the change between consecutive frames.
   */
  @Test
  void eachFrameIsFixedAgainstTheInputFrameItRestores() throws Exception {
    byte[][] inputs = new byte[shard.emitEndFrame()][probe.width() * probe.height() * 3];
    try (FrameSource source = FrameSource.open(probe, 0)) {
      for (byte[] frame : inputs) {
        source.read(frame, 0);
      }
    }
    double maxDiff = 0;
    double maxNeighbourDiff = 0;
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      for (int f = shard.emitStartFrame(); f < shard.emitEndFrame(); f++) {
        assertNotNull(wavelet[f], "frame " + f);
        NDArray restored = manager.create(plain[f], new Shape(1, OUT.height(), OUT.width(), 3));
        maxDiff = Math.max(maxDiff, ShardFloats.maxAbsDiff(wavelet[f], fixed(manager, restored, inputs[f])));
        maxNeighbourDiff = Math.max(maxNeighbourDiff,
            ShardFloats.maxAbsDiff(wavelet[f], fixed(manager, restored, inputs[f - 1])));
      }
    }
    System.out.printf("wavelet in the shard vs fixed against its own input: %.3g, against the frame before: %.3g%n",
        maxDiff, maxNeighbourDiff);
    assertTrue(maxDiff < 1e-5, "max abs diff " + maxDiff);
    assertTrue(maxNeighbourDiff > 1e-2, "neighbouring frames differ enough to tell: " + maxNeighbourDiff);
    assertTrue(shard.emitStartFrame() < model.bundle().chunkGrid().chunkStart(shard.firstChunk()),
        "the first frames emitted were input in the warm-up chunk");
  }

  /** Under none the bytes are the module's own uint8 output: the network's floats, rounded, nothing else. */
  @Test
  void noneGivesTheModulesOwnBytes() {
    for (int f = shard.emitStartFrame(); f < shard.emitEndFrame(); f++) {
      assertNotNull(plainBytes[f], "frame " + f);
      byte[] rounded = new byte[SIZE];
      for (int p = 0; p < SIZE; p++) {
        rounded[p] = (byte) Math.rint(Math.min(1f, Math.max(0f, plain[f][p])) * 255f); // halves to even, as torch
      }
      assertArrayEquals(rounded, plainBytes[f], "frame " + f);
    }
  }

  private static float[] fixed(NDManager manager, NDArray restored, byte[] input) {
    NDArray lq = manager.create(ByteBuffer.wrap(input), new Shape(1, probe.height(), probe.width(), 3),
        DataType.UINT8);
    NDArray reference = ColorMatch.resizeBilinear(ColorMatch.unitRange(lq), OUT.height(), OUT.width());
    return ColorMatch.wavelet(restored, reference).toFloatArray();
  }

  private static float[][] floats(ColorFix fix) throws Exception {
    float[][] frames = new float[shard.frameCount()][];
    new ShardRestorer(model).restore(ShardRestorer.Job.of(probe, shard, OUT).withColorFix(fix),
        FrameSink.ofFloats((videoFrame, out, i) -> {
          float[] copy = new float[SIZE];
          System.arraycopy(out.floats(), i * SIZE, copy, 0, SIZE);
          frames[videoFrame] = copy;
        }), n -> { });
    return frames;
  }

  private static byte[] copy(byte[] chunk, int i) {
    byte[] copy = new byte[SIZE];
    System.arraycopy(chunk, i * SIZE, copy, 0, SIZE);
    return copy;
  }
}
