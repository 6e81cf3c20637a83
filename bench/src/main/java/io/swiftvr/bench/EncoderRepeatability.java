package io.swiftvr.bench;

import io.swiftvr.media.FfmpegLog;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Diagnostic behind docs/sharding.md, "Encoder determinism" (and {@code X264Cpu}): encodes the same YUV420P frames
 * again and again with libx264 (the settings of {@code SegmentEncoder}: crf 18, closed GOPs, but x264's CPU flags from
 * the command line, to compare them; the recorder is given the codec's own pixel format, so no colour conversion
 * runs) and, between encodes, allocates and frees native memory filled with random bytes, as the
 * decoder and model threads do in a real shard. Prints how many distinct files came out. One distinct file means the
 * encoder output does not depend on the state of native memory.
 *
 * <pre>
 *   java ... io.swiftvr.bench.EncoderRepeatability CLIP FRAMES REPEATS [X264_PARAMS]
 *   e.g. ... clip-160x96.mp4 24 30              (x264's auto-detected CPU flags)
 *        ... clip-160x96.mp4 24 30 asm=AVX2     (what SegmentEncoder uses on AVX-512 CPUs)
 * </pre>
 */
public final class EncoderRepeatability {
  private EncoderRepeatability() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("Usage: EncoderRepeatability CLIP FRAMES REPEATS [X264_PARAMS]");
      System.exit(2);
    }
    FfmpegLog.quiet();
    int count = Integer.parseInt(args[1]);
    int repeats = Integer.parseInt(args[2]);
    String params = args.length > 3 ? args[3] : null;
    int width;
    int height;
    List<ByteBuffer> frames = new ArrayList<>();
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(args[0])) {
      grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
      grabber.start();
      width = grabber.getImageWidth() & ~1;
      height = grabber.getImageHeight() & ~1;
      for (int i = 0; i < count; i++) {
        Frame f = grabber.grabImage();
        if (f == null) {
          break;
        }
        frames.add(packedYuv(f, width, height));
      }
    }
    Path dir = Files.createTempDirectory("encoder-repeatability");
    Map<String, Integer> seen = new TreeMap<>();
    for (int r = 0; r < repeats; r++) {
      List<BytePointer> kept = churnNativeMemory(new Random(r));
      Path out = dir.resolve(r + ".mp4");
      FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(out.toFile(), width, height, 0);
      recorder.setFormat("mp4");
      recorder.setVideoCodecName("libx264");
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(24);
      recorder.setGopSize(48);
      recorder.setVideoOption("preset", "veryfast");
      recorder.setVideoOption("crf", "18");
      recorder.setVideoOption("flags", "+cgop");
      if (params != null) {
        recorder.setVideoOption("x264-params", params);
      }
      recorder.start();
      for (ByteBuffer frame : frames) {
        recorder.recordImage(width, height, Frame.DEPTH_UBYTE, 1, width, avutil.AV_PIX_FMT_YUV420P, frame);
      }
      recorder.close();
      kept.forEach(BytePointer::close);
      String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(out)));
      seen.merge(md5.substring(0, 12), 1, Integer::sum);
      Files.delete(out);
    }
    Files.delete(dir);
    System.out.printf("%dx%d, %d frames, %d encodes, x264-params %s: %d distinct file(s) %s%n", width, height,
        frames.size(), repeats, params == null ? "(none)" : params, seen.size(), seen);
  }

  /**
   * The RGB frame as packed YUV420P (BT.601 limited range, chroma from the top-left pixel of each 2×2 block: a test
   * picture, not a colour-exact conversion), followed by 4 KiB of zeros that nothing should read.
   */
  private static ByteBuffer packedYuv(Frame f, int width, int height) {
    ByteBuffer rgb = (ByteBuffer) f.image[0];
    int stride = f.imageStride;
    int lumaSize = width * height;
    int chromaSize = (width / 2) * (height / 2);
    ByteBuffer out = ByteBuffer.allocateDirect(lumaSize + 2 * chromaSize + 4096);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int p = y * stride + 3 * x;
        int r = rgb.get(p) & 255;
        int g = rgb.get(p + 1) & 255;
        int b = rgb.get(p + 2) & 255;
        out.put(y * width + x, clip(16 + 0.257 * r + 0.504 * g + 0.098 * b));
        if (y % 2 == 0 && x % 2 == 0) {
          int c = (y / 2) * (width / 2) + x / 2;
          out.put(lumaSize + c, clip(128 - 0.148 * r - 0.291 * g + 0.439 * b));
          out.put(lumaSize + chromaSize + c, clip(128 + 0.439 * r - 0.368 * g - 0.071 * b));
        }
      }
    }
    return out;
  }

  private static byte clip(double v) {
    return (byte) Math.max(0, Math.min(255, Math.round(v)));
  }

  /**
   * 50 native blocks of up to 300 kB with random bytes; about half freed at once, the rest returned for the caller to
   * free after the encode (also used by SegmentEncoderDeterminismTest).
   */
  public static List<BytePointer> churnNativeMemory(Random random) {
    List<BytePointer> kept = new ArrayList<>();
    for (int j = 0; j < 50; j++) {
      BytePointer p = new BytePointer(1 + random.nextInt(300_000));
      for (long q = 0; q < p.capacity(); q += 64) {
        p.put(q, (byte) random.nextInt());
      }
      if (random.nextBoolean()) {
        p.close();
      } else {
        kept.add(p);
      }
    }
    return kept;
  }
}
