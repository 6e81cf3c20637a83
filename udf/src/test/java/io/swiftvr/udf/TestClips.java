package io.swiftvr.udf;

import io.swiftvr.media.EncoderSettings;
import io.swiftvr.media.FrameSource;
import io.swiftvr.media.SegmentEncoder;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Real clips prepared for tests from the shipped samples, made once per build folder. */
public final class TestClips {
  private TestClips() {}

  /**
   * samples/cockatoo.mp4 (1280×720, 280 frames of real footage) box-downscaled by 5 to 256×144 and encoded with a
   * keyframe every 40 frames: long enough for many chunks, small enough for CPU, and shards must really seek.
   */
  public static synchronized Path cockatooSmall() throws Exception {
    Path target = Path.of(System.getProperty("java.io.tmpdir"), "cockatoo-256x144.mp4");
    if (Files.isRegularFile(target)) {
      return target;
    }
    VideoProbe source = new VideoProber().probe(TestMedia.repoRoot().resolve("samples/cockatoo.mp4").toString());
    int factor = 5;
    int w = source.width() / factor;
    int h = source.height() / factor;
    byte[] big = new byte[source.width() * source.height() * 3];
    byte[] small = new byte[w * h * 3];
    Path temp = Files.createTempFile(target.getParent(), "cockatoo", ".mp4");
    try (FrameSource frames = FrameSource.open(source, 0);
        SegmentEncoder encoder = new SegmentEncoder(temp, w, h, source.frameRate(),
            new EncoderSettings("libx264", 16, "fast"))) {
      for (int f = 0; f < source.frameCount(); f++) {
        frames.read(big, 0);
        boxDownscale(big, source.width(), small, w, h, factor);
        encoder.write(small, 0);
      }
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  private static void boxDownscale(byte[] src, int srcWidth, byte[] dst, int w, int h, int factor) {
    int area = factor * factor;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          int sum = 0;
          for (int dy = 0; dy < factor; dy++) {
            int row = ((y * factor + dy) * srcWidth + x * factor) * 3 + c;
            for (int dx = 0; dx < factor; dx++) {
              sum += src[row + dx * 3] & 0xff;
            }
          }
          dst[(y * w + x) * 3 + c] = (byte) ((sum + area / 2) / area);
        }
      }
    }
  }
}
