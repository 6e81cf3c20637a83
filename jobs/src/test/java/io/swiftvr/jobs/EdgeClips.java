package io.swiftvr.jobs;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import io.swiftvr.media.FrameSource;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Awkward clips cut from the real sample recording: very short, odd-sized, rotated, variable frame rate. Each is
 * written with FFmpeg's own encoder settings for the case, so the job sees what a camera or editor would produce.
 */
final class EdgeClips {
  private EdgeClips() {}

  /** How to write a clip: its size (a crop of the sample), frame count, rotation tag and frame times. */
  record Spec(int width, int height, int frames, int rotation, long[] micros) {}

  static Spec frames(int n) {
    return new Spec(320, 240, n, 0, null);
  }

  static Path write(Path file, Spec spec) throws Exception {
    VideoProbe sample = new VideoProber().probe(TestMedia.realShort().toString());
    byte[] full = new byte[sample.width() * sample.height() * 3];
    if (spec.width() % 2 != 0 || spec.height() % 2 != 0) {
      throw new IllegalArgumentException("4:2:0 H.264 needs even sizes; use writeY4m for odd ones");
    }
    try (FrameSource source = FrameSource.open(sample, 0);
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), spec.width(), spec.height(), 0)) {
      recorder.setFormat("mp4");
      recorder.setVideoCodecName("libx264");
      recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(30);
      recorder.setGopSize(12);
      recorder.setVideoOption("preset", "fast");
      if (spec.rotation() != 0) {
        recorder.setDisplayRotation(spec.rotation());
      }
      if (spec.micros() != null) {
        recorder.setFrameRate(1000); // a fine time base, so uneven frame times survive
      }
      recorder.start();
      Frame frame = new Frame(spec.width(), spec.height(), Frame.DEPTH_UBYTE, 3);
      for (int i = 0; i < spec.frames(); i++) {
        source.read(full, 0);
        ByteBuffer buf = (ByteBuffer) frame.image[0];
        for (int y = 0; y < spec.height(); y++) {
          buf.position(y * frame.imageStride);
          buf.put(full, y * sample.width() * 3, spec.width() * 3);
        }
        buf.rewind();
        if (spec.micros() != null) {
          recorder.setTimestamp(spec.micros()[i]);
        }
        recorder.record(frame, AV_PIX_FMT_RGB24);
      }
    }
    return file;
  }

  /** An MP4 recorder for H.264 at 30 fps with x264's fastest preset (GOP 24), started: the clips made in bulk. */
  private static FFmpegFrameRecorder startFastH264(Path file, int width, int height) throws Exception {
    FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
    recorder.setFormat("mp4");
    recorder.setVideoCodecName("libx264");
    recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
    recorder.setFrameRate(30);
    recorder.setGopSize(24);
    recorder.setVideoOption("preset", "ultrafast");
    recorder.start();
    return recorder;
  }

  /**
   * A long 320x240 clip: the sample's frames (a crop of their top-left corner) played again and again, {@code frames}
   * in all, for runs that must last long enough to be interrupted.
   */
  static Path writeLooped(Path file, int frames) throws Exception {
    VideoProbe sample = new VideoProber().probe(TestMedia.realShort().toString());
    int width = 320;
    int height = 240;
    byte[][] crops = new byte[sample.frameCount()][width * height * 3];
    byte[] full = new byte[sample.width() * sample.height() * 3];
    try (FrameSource source = FrameSource.open(sample, 0)) {
      for (byte[] crop : crops) {
        source.read(full, 0);
        for (int y = 0; y < height; y++) {
          System.arraycopy(full, y * sample.width() * 3, crop, y * width * 3, width * 3);
        }
      }
    }
    try (FFmpegFrameRecorder recorder = startFastH264(file, width, height)) {
      Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
      for (int i = 0; i < frames; i++) {
        ByteBuffer buf = (ByteBuffer) frame.image[0];
        for (int y = 0; y < height; y++) {
          buf.position(y * frame.imageStride);
          buf.put(crops[i % crops.length], y * width * 3, width * 3);
        }
        buf.rewind();
        recorder.record(frame, AV_PIX_FMT_RGB24);
      }
    }
    return file;
  }

  /**
   * A 320x240 clip of random noise, {@code frames} long: what no encoder can compress, so its restored segment grows
   * by about as much as a frame holds with every frame (a disk fills after a few frames, not after minutes).
   */
  static Path writeNoise(Path file, int frames) throws Exception {
    java.util.Random random = new java.util.Random(42);
    int width = 320;
    int height = 240;
    try (FFmpegFrameRecorder recorder = startFastH264(file, width, height)) {
      Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
      byte[] row = new byte[width * 3];
      for (int i = 0; i < frames; i++) {
        ByteBuffer buf = (ByteBuffer) frame.image[0];
        for (int y = 0; y < height; y++) {
          random.nextBytes(row);
          buf.position(y * frame.imageStride);
          buf.put(row);
        }
        buf.rewind();
        recorder.record(frame, AV_PIX_FMT_RGB24);
      }
    }
    return file;
  }

  /**
   * The first {@code frames} frames of the sample scaled up by FFmpeg (swscale, bicubic) to {@code width x height}:
   * a film scan's frame size with real picture content.
   */
  static Path writeScaled(Path file, int width, int height, int frames) throws Exception {
    VideoProbe sample = new VideoProber().probe(TestMedia.realShort().toString());
    try (FrameSource source = FrameSource.open(sample, 0);
        FFmpegFrameRecorder recorder = startFastH264(file, width, height)) {
      Frame frame = new Frame(sample.width(), sample.height(), Frame.DEPTH_UBYTE, 3);
      byte[] full = new byte[sample.width() * sample.height() * 3];
      for (int i = 0; i < frames; i++) {
        source.read(full, 0);
        ByteBuffer buf = (ByteBuffer) frame.image[0];
        for (int y = 0; y < sample.height(); y++) {
          buf.position(y * frame.imageStride);
          buf.put(full, y * sample.width() * 3, sample.width() * 3);
        }
        buf.rewind();
        recorder.record(frame, AV_PIX_FMT_RGB24); // the recorder scales the frame to its own size
      }
    }
    return file;
  }

  /**
   * An odd-sized crop of the sample as uncompressed 4:4:4 YUV4MPEG (FFmpeg's encoders round frame sizes to even
   * numbers, so odd sizes are written by hand; archives hold such files).
   */
  static Path writeY4m(Path file, int width, int height, int frames) throws Exception {
    VideoProbe sample = new VideoProber().probe(TestMedia.realShort().toString());
    byte[] full = new byte[sample.width() * sample.height() * 3];
    byte[] planes = new byte[width * height * 3];
    try (FrameSource source = FrameSource.open(sample, 0); OutputStream out = Files.newOutputStream(file)) {
      String header = String.format("YUV4MPEG2 W%d H%d F30:1 Ip A1:1 C444\n", width, height);
      out.write(header.getBytes(StandardCharsets.US_ASCII));
      for (int f = 0; f < frames; f++) {
        source.read(full, 0);
        for (int y = 0; y < height; y++) {
          for (int x = 0; x < width; x++) {
            int p = (y * sample.width() + x) * 3;
            double r = full[p] & 0xff;
            double g = full[p + 1] & 0xff;
            double b = full[p + 2] & 0xff;
            int i = y * width + x;
            // BT.601 limited range, what FFmpeg assumes for untagged YUV.
            planes[i] = clip(16 + 0.257 * r + 0.504 * g + 0.098 * b);
            planes[width * height + i] = clip(128 - 0.148 * r - 0.291 * g + 0.439 * b);
            planes[2 * width * height + i] = clip(128 + 0.439 * r - 0.368 * g - 0.071 * b);
          }
        }
        out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
        out.write(planes);
      }
    }
    return file;
  }

  private static byte clip(double v) {
    return (byte) Math.max(0, Math.min(255, Math.round(v)));
  }
}
