package io.swiftvr.udf.color;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The colour fixes on real frames (the 256x144 cockatoo clip) on DJL's CPU engine. */
class ColorCorrectorTest {
  private static final int W = 256;
  private static final int H = 144;
  private static NDManager manager;
  private static byte[][] frames;

  @BeforeAll
  static void readFrames() throws Exception {
    manager = NDManager.newBaseManager(Device.cpu());
    frames = ColorFrames.cockatoo(24);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /**
   * A frame restored at x2 with a colour cast (red x0.9 + 0.1, green + 0.05, blue x1.15: 12 to 15 levels off)
   * gets its channel means back to the resized input's: within 0.5 levels under adain (its means are the input's
   * before rounding and clamping), within 1 level under wavelet (its low pass repeats the edges, so its mean is the
   * input's only nearly).
   */
  @ParameterizedTest
  @EnumSource(value = ColorFix.class, names = {"WAVELET", "ADAIN"})
  void aColourCastIsTakenOut(ColorFix fix) {
    try (NDManager scope = manager.newSubManager()) {
      NDArray input = ColorFrames.uint8(scope, frames[0], 1, W, H);
      NDArray resized = ColorMatch.resizeBilinear(ColorMatch.unitRange(input), 2 * H, 2 * W);
      NDArray cast = resized.mul(scope.create(new float[] {0.9f, 1f, 1.15f}))
          .add(scope.create(new float[] {0.1f, 0.05f, 0f})).clip(0f, 1f);
      double[] target = ColorFrames.channelMeans(resized)[0];
      double[] before = ColorFrames.channelMeans(cast)[0];
      for (int c = 0; c < 3; c++) {
        assertTrue(Math.abs(before[c] - target[c]) > 9, "channel " + c + " is cast: " + before[c] + " vs " + target[c]);
      }
      NDArray fixed = new ColorCorrector(fix, 0, 1, scope).correct(input, cast, false);
      assertEquals(DataType.UINT8, fixed.getDataType());
      assertEquals(new Shape(1, 2 * H, 2 * W, 3), fixed.getShape());
      double[] after = ColorFrames.channelMeans(fixed)[0];
      double tolerance = fix == ColorFix.ADAIN ? 0.5 : 1.0;
      for (int c = 0; c < 3; c++) {
        assertEquals(target[c], after[c], tolerance, fix + " channel " + c);
      }
    }
  }

  /**
   * Output frame i of a chunk restores the stream's input frame (chunk start + i - lag), which for the first lag
   * outputs lies in the chunk before, a warm-up chunk included: under adain every output frame takes the means of
   * exactly that frame. The inputs are real frames each brightened by 4 levels more than the one before, and the
   * restored frames are all the same, so a frame matched to its neighbour would be 4 levels off.
   */
  @Test
  void eachOutputFrameIsMatchedToTheInputFrameItRestores() {
    int lag = 5;
    int chunk = 8;
    try (NDManager scope = manager.newSubManager()) {
      NDList inputs = new NDList();
      for (int f = 0; f < 3 * chunk; f++) {
        NDArray frame = ColorFrames.uint8(scope, frames[f], 1, W, H).toType(DataType.FLOAT32, false);
        inputs.add(frame.mul(0.5f).add(20f + 4f * f).toType(DataType.UINT8, false));
      }
      NDArray all = NDArrays.concat(inputs, 0);
      NDArray restored = ColorMatch.unitRange(ColorFrames.uint8(scope, frames[0], 1, W, H))
          .broadcast(new Shape(chunk, H, W, 3));
      double[][] expected = ColorFrames.channelMeans(ColorMatch.unitRange(all));
      ColorCorrector corrector = new ColorCorrector(ColorFix.ADAIN, lag, 1, scope);
      corrector.skip(all.get("0:8")); // a warm-up chunk: its output is dropped, its last frames are kept
      int checked = 0;
      for (int k = 1; k < 3; k++) {
        NDArray input = all.get(k * chunk + ":" + (k + 1) * chunk);
        double[][] got = ColorFrames.channelMeans(corrector.correct(input, restored, true));
        for (int i = 0; i < chunk; i++) {
          int source = k * chunk + i - lag;
          for (int c = 0; c < 3; c++) {
            assertEquals(expected[source][c], got[i][c], 0.05, "chunk " + k + " output " + i + " channel " + c);
          }
          checked++;
        }
      }
      assertEquals(16, checked);
    }
  }

  /** At the stream's start the first lag outputs restore no video frame: they are matched to the first input. */
  @Test
  void beforeTheStreamStartsTheFirstInputFrameIsUsed() {
    int lag = 3;
    try (NDManager scope = manager.newSubManager()) {
      NDList inputs = new NDList();
      for (int f = 0; f < 8; f++) {
        NDArray frame = ColorFrames.uint8(scope, frames[f], 1, W, H).toType(DataType.FLOAT32, false);
        inputs.add(frame.mul(0.5f).add(20f + 4f * f).toType(DataType.UINT8, false));
      }
      NDArray input = NDArrays.concat(inputs, 0);
      NDArray restored = ColorMatch.unitRange(ColorFrames.uint8(scope, frames[0], 1, W, H))
          .broadcast(new Shape(8, H, W, 3));
      double[][] expected = ColorFrames.channelMeans(ColorMatch.unitRange(input));
      double[][] got = ColorFrames.channelMeans(
          new ColorCorrector(ColorFix.ADAIN, lag, 1, scope).correct(input, restored, true));
      for (int i = 0; i < 8; i++) {
        assertEquals(expected[Math.max(0, i - lag)][1], got[i][1], 0.05, "output " + i);
      }
    }
  }

  /** 16-bit samples (two bytes each, low first) of v * 257 read as the same [0, 1] values as the 8-bit v. */
  @Test
  void sixteenBitSamplesReadAsTheirEightBitValues() {
    try (NDManager scope = manager.newSubManager()) {
      byte[] pairs = new byte[frames[0].length * 2];
      for (int i = 0; i < frames[0].length; i++) {
        int v = (frames[0][i] & 0xff) * 257;
        pairs[2 * i] = (byte) v;
        pairs[2 * i + 1] = (byte) (v >> 8);
      }
      NDArray eight = ColorMatch.unitRange(ColorFrames.uint8(scope, frames[0], 1, W, H));
      NDArray sixteen = ColorMatch.unitRange(scope.create(java.nio.ByteBuffer.wrap(pairs),
          new Shape(1, H, W, 3, 2), DataType.UINT8));
      assertEquals(eight.getShape(), sixteen.getShape());
      assertTrue(eight.sub(sixteen).abs().max().getFloat() < 1e-6f);
    }
  }

  /** A chunk larger than one group ({@link ColorCorrector#GROUP_PIXELS}) gives the frames that fixing each alone does. */
  @Test
  void framesFixedInGroupsEqualFramesFixedAlone() {
    int frameCount = 8;
    try (NDManager scope = manager.newSubManager()) {
      NDList inputs = new NDList();
      for (int f = 0; f < frameCount; f++) {
        inputs.add(ColorFrames.uint8(scope, frames[f], 1, W, H));
      }
      NDArray input = NDArrays.concat(inputs, 0);
      NDArray restored = ColorMatch.resizeBilinear(ColorMatch.unitRange(input), 2 * H, 2 * W).mul(0.9f);
      assertTrue(ColorCorrector.GROUP_PIXELS / (4L * W * H) < frameCount, "the chunk takes more than one group");
      float[] together = new ColorCorrector(ColorFix.WAVELET, 0, 1, scope).correct(input, restored, true)
          .toFloatArray();
      int size = 4 * W * H * 3;
      for (int f = 0; f < frameCount; f++) {
        float[] alone = new ColorCorrector(ColorFix.WAVELET, 0, 1, scope)
            .correct(input.get(f + ":" + (f + 1)), restored.get(f + ":" + (f + 1)), true).toFloatArray();
        for (int p = 0; p < size; p++) {
          assertEquals(alone[p], together[f * size + p], 1e-6f, "frame " + f);
        }
      }
    }
  }
}
