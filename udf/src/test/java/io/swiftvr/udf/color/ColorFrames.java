package io.swiftvr.udf.color;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.swiftvr.media.FrameSource;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.TestClips;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Real frames for the colour tests, and the numbers they compare. */
final class ColorFrames {
  private ColorFrames() {}

  /** The first {@code count} frames of the 256x144 cockatoo clip ({@link TestClips#cockatooSmall}), RGB bytes each. */
  static byte[][] cockatoo(int count) throws Exception {
    VideoProbe probe = new VideoProber().probe(TestClips.cockatooSmall().toString());
    byte[][] frames = new byte[count][probe.width() * probe.height() * 3];
    try (FrameSource source = FrameSource.open(probe, 0)) {
      for (byte[] frame : frames) {
        source.read(frame, 0);
      }
    }
    return frames;
  }

  /** RGB bytes of a PNG, row after row. */
  static byte[] png(Path file, int[] size) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    if (image == null) {
      throw new IOException(file + ": not an image ImageIO reads");
    }
    int w = image.getWidth();
    int h = image.getHeight();
    size[0] = w;
    size[1] = h;
    byte[] rgb = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = image.getRGB(x, y);
        int o = (y * w + x) * 3;
        rgb[o] = (byte) (p >> 16);
        rgb[o + 1] = (byte) (p >> 8);
        rgb[o + 2] = (byte) p;
      }
    }
    return rgb;
  }

  /** Frames {@code [count, height, width, 3]} of uint8 from consecutive RGB frames. */
  static NDArray uint8(NDManager manager, byte[] rgb, int count, int width, int height) {
    return manager.create(java.nio.ByteBuffer.wrap(rgb), new Shape(count, height, width, 3), DataType.UINT8);
  }

  /** Each frame's mean per channel on the 0..255 scale: {@code [frame][channel]}, of uint8 or [0, 1] float frames. */
  static double[][] channelMeans(NDArray frames) {
    boolean unit = frames.getDataType() != DataType.UINT8;
    int count = (int) frames.getShape().get(0);
    int pixels = (int) (frames.getShape().size() / count / 3);
    float[] values = frames.toType(DataType.FLOAT32, false).toFloatArray();
    double[][] means = new double[count][3];
    for (int f = 0; f < count; f++) {
      for (int p = 0; p < pixels; p++) {
        for (int c = 0; c < 3; c++) {
          means[f][c] += values[(f * pixels + p) * 3 + c];
        }
      }
      for (int c = 0; c < 3; c++) {
        means[f][c] = means[f][c] / pixels * (unit ? 255 : 1);
      }
    }
    return means;
  }
}
