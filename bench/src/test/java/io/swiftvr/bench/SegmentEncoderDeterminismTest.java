package io.swiftvr.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swiftvr.media.EncoderSettings;
import io.swiftvr.media.SegmentEncoder;
import io.swiftvr.planner.TestMedia;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A retried or resumed shard must encode to the same bytes. Small frames showed the problem: x264's auto-detected
 * AVX-512 paths made the bytes depend on what else was in native memory (X264Cpu). This encodes the same real frames
 * again and again through SegmentEncoder, with native allocations of random bytes in between, and wants one file.
 */
class SegmentEncoderDeterminismTest {
  private static final int WIDTH = 160;
  private static final int HEIGHT = 96;

  @Test
  void sameFramesEncodeToTheSameBytesWhateverNativeMemoryHolds(@TempDir Path dir) throws Exception {
    List<byte[]> frames = new ArrayList<>();
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(TestMedia.realShort().toFile())) {
      grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
      grabber.setImageWidth(WIDTH);
      grabber.setImageHeight(HEIGHT);
      grabber.start();
      for (Frame f; frames.size() < 24 && (f = grabber.grabImage()) != null; ) {
        frames.add(packedRgb(f));
      }
    }
    Set<String> files = new TreeSet<>();
    for (int run = 0; run < 40; run++) {
      List<BytePointer> kept = EncoderRepeatability.churnNativeMemory(new Random(run));
      Path out = dir.resolve(run + ".mp4");
      try (SegmentEncoder encoder = new SegmentEncoder(out, WIDTH, HEIGHT, 24, new EncoderSettings("libx264", 18,
          "veryfast"))) {
        for (byte[] rgb : frames) {
          encoder.write(rgb, 0);
        }
      }
      kept.forEach(BytePointer::close);
      files.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(out))));
    }
    assertEquals(1, files.size(), "distinct encodings of the same frames: " + files);
  }

  private static byte[] packedRgb(Frame f) {
    ByteBuffer buf = (ByteBuffer) f.image[0];
    byte[] rgb = new byte[WIDTH * HEIGHT * 3];
    for (int y = 0; y < HEIGHT; y++) {
      buf.position(y * f.imageStride);
      buf.get(rgb, y * WIDTH * 3, WIDTH * 3);
    }
    return rgb;
  }
}
