package io.swiftvr.bench;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P10LE;

import io.swiftvr.media.EncoderSettings;
import io.swiftvr.media.FrameSize;
import io.swiftvr.media.FrameSource;
import io.swiftvr.media.SegmentEncoder;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.DamagePolicy;
import io.swiftvr.planner.VideoProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * What the 10-bit path costs outside the model (issue 30): the CPU stages of a shard on a 10-bit source, each timed
 * alone on the same frames. Decode: the source to 8-bit RGB (an 8-bit-only bundle's path) and to 16-bit RGB (the
 * 10-bit path). Encode: 8-bit RGB to 8-bit 4:2:0 (today's output) and 16-bit RGB to 10-bit 4:2:0, with the codec and
 * preset given (the GPU benchmark's libx264 veryfast by default). The model's extra cost (twice the input bytes to the
 * device, 16-bit output back) is the GPU benchmark's to measure. Prints a table of FPS per stage.
 *
 * <pre>
 *   java -cp ... io.swiftvr.bench.TenBitStages SRC WxH FRAMES [CODEC] [PRESET]
 * </pre>
 * SRC: any video; it is first written as a 10-bit H.264 (High 10) clip of WxH and FRAMES frames, the source of every
 * stage.
 */
public final class TenBitStages {
  private TenBitStages() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: TenBitStages SRC WxH FRAMES [CODEC] [PRESET]");
      System.exit(2);
    }
    String[] wh = args[1].split("x");
    FrameSize size = new FrameSize(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]));
    int frames = Integer.parseInt(args[2]);
    String codec = args.length > 3 ? args[3] : "libx264";
    String preset = args.length > 4 ? args[4] : "veryfast";
    Path dir = Files.createTempDirectory("tenbit-stages");
    Path source = dir.resolve("source-10bit.mp4");
    writeTenBitSource(Path.of(args[0]), source, size, frames);
    VideoProbe probe = new VideoProber().probe(source.toString());
    System.out.printf(Locale.ROOT, "source: %s, %d frames of %dx%d, %d bits; %d cores%n", source.getFileName(),
        probe.frameCount(), size.width(), size.height(), probe.colour().bitsPerSample(),
        Runtime.getRuntime().availableProcessors());
    System.out.println("| stage | 8-bit path (fps) | 10-bit path (fps) | 10-bit / 8-bit |");
    System.out.println("|---|---|---|---|");
    byte[][] eight = new byte[frames][];
    byte[][] sixteen = new byte[frames][];
    double d8 = decode(probe, size, 1, eight);
    double d16 = decode(probe, size, 2, sixteen);
    row("decode (rgb24 / rgb48le)", d8, d16);
    EncoderSettings settings = new EncoderSettings(codec, 18, preset);
    double e8 = encode(dir.resolve("eight.mp4"), size, probe, settings.withBitDepth(8), 1, eight);
    double e16 = encode(dir.resolve("ten.mp4"), size, probe, settings.withBitDepth(10), 2, sixteen);
    row(codec + " " + preset + " encode (yuv420p / yuv420p10le)", e8, e16);
  }

  private static void row(String stage, double eightFps, double tenFps) {
    System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f |%n", stage, eightFps, tenFps, tenFps / eightFps);
  }

  private static double decode(VideoProbe probe, FrameSize size, int sampleBytes, byte[][] into) throws Exception {
    long t0 = System.nanoTime();
    try (FrameSource source = FrameSource.open(probe, 0, DamagePolicy.FAIL, size, sampleBytes)) {
      for (int i = 0; i < into.length; i++) {
        into[i] = new byte[size.width() * size.height() * 3 * sampleBytes];
        source.read(into[i], 0);
      }
    }
    return into.length / ((System.nanoTime() - t0) / 1e9);
  }

  private static double encode(Path file, FrameSize size, VideoProbe probe, EncoderSettings settings,
      int sampleBytes, byte[][] frames) throws Exception {
    long t0 = System.nanoTime();
    try (SegmentEncoder encoder = new SegmentEncoder(file, size.width(), size.height(), probe.frameRate(), settings, 0,
        sampleBytes, probe.colour(), frames.length)) {
      for (byte[] frame : frames) {
        encoder.write(frame, 0);
      }
    }
    return frames.length / ((System.nanoTime() - t0) / 1e9);
  }

  /** SRC's first FRAMES frames scaled to SIZE as 10-bit H.264 (High 10, crf 12, ultrafast), looping SRC if short. */
  private static void writeTenBitSource(Path src, Path out, FrameSize size, int frames) throws Exception {
    FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(out.toFile(), size.width(), size.height(), 0);
    recorder.setFormat("mp4");
    recorder.setVideoCodecName("libx264");
    recorder.setPixelFormat(AV_PIX_FMT_YUV420P10LE);
    recorder.setFrameRate(24);
    recorder.setVideoOption("preset", "ultrafast");
    recorder.setVideoOption("crf", "12");
    recorder.start();
    int written = 0;
    while (written < frames) {
      try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(src.toString())) {
        grabber.setPixelFormat(AV_PIX_FMT_RGB24);
        grabber.setImageWidth(size.width());
        grabber.setImageHeight(size.height());
        grabber.start();
        Frame f;
        while (written < frames && (f = grabber.grabImage()) != null) {
          recorder.record(f, AV_PIX_FMT_RGB24);
          written++;
        }
      }
    }
    recorder.close();
  }
}
