package io.swiftvr.media;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_P010LE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB48LE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P10LE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV422P10LE;

import io.swiftvr.media.FfmpegLog;
import io.swiftvr.planner.ColourInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Encodes restored RGB frames into a video-only segment in the final codec. Each segment is a closed GOP sequence
 * that starts on a keyframe, so segments concatenate by stream copy; timestamps here are frame numbers and the merge
 * replaces them with the source's.
 *
 * <p>Frames come as 8-bit RGB ({@code rgb24}) or 16-bit RGB ({@code rgb48le}, two bytes a sample, low byte first),
 * and are written as 8-bit 4:2:0 or, where the settings' bit depth is 10, 10-bit 4:2:0 (x264 High 10, x265 Main 10,
 * NVENC HEVC Main 10): FFmpeg converts them once per frame. The source's colour tags go on the stream, and x265 also
 * writes the source's HDR10 static metadata into the bitstream (the merge puts it into the container for every codec).
 */
public final class SegmentEncoder implements AutoCloseable {
  private static final int CHECK_SIZE = 256;
  /**
   * The fewest frames x265 is given B-frames for. x265 4.0 sets the offset it subtracts from every DTS only when the
   * third frame arrives (its B-frame delay is 2 with b-pyramid) and leaves it uninitialised before: an encode of one
   * or two frames gets whatever was in memory, and the muxer refuses it ("pts (0) < dts (512)") or, worse, takes
   * wrong timestamps. Without B-frames the delay is 0 and DTS equals PTS; one or two frames lose nothing by it.
   */
  static final int X265_SHORTEST_REORDERED = 3;
  private final FFmpegFrameRecorder recorder;
  private final Frame frame;
  private final int width;
  private final int height;
  private final int sampleBytes;
  private boolean closed;

  public SegmentEncoder(Path file, int width, int height, double frameRate, EncoderSettings settings)
      throws IOException {
    this(file, width, height, frameRate, settings, 0);
  }

  /**
   * @param threads encoder threads; 0 lets the codec choose (x264: 1.5 per core of the whole host). A Spark task
   *     passes its CPU share, so that executors sharing a host do not each start threads for every core.
   */
  public SegmentEncoder(Path file, int width, int height, double frameRate, EncoderSettings settings, int threads)
      throws IOException {
    this(file, width, height, frameRate, settings, threads, 1, null, 0);
  }

  /**
   * @param sampleBytes 1: frames of 8-bit RGB; 2: frames of 16-bit RGB ({@code rgb48le})
   * @param colour the source's colour tags and HDR10 static metadata, written to the segment; null for none
   * @param frames how many frames this segment will get; 0 when not known. x265 needs it for very short segments
   *     ({@link #X265_SHORTEST_REORDERED})
   */
  public SegmentEncoder(Path file, int width, int height, double frameRate, EncoderSettings settings, int threads,
      int sampleBytes, ColourInfo colour, int frames) throws IOException {
    FfmpegLog.quiet();
    if (sampleBytes != 1 && sampleBytes != 2) {
      throw new IllegalArgumentException("Samples of " + sampleBytes + " bytes: 1 (rgb24) or 2 (rgb48le) expected");
    }
    this.width = width;
    this.height = height;
    this.sampleBytes = sampleBytes;
    boolean tenBit = settings.bitDepthFor(8) == 10;
    recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
    String container = settings.container();
    recorder.setFormat(container == null ? "mp4" : container.equals("mov") ? "mov" : "matroska");
    recorder.setVideoCodecName(settings.codec());
    recorder.setPixelFormat(!tenBit ? AV_PIX_FMT_YUV420P : settings.isNvenc() ? AV_PIX_FMT_P010LE
        : settings.isFourTwoTwo() ? AV_PIX_FMT_YUV422P10LE : AV_PIX_FMT_YUV420P10LE);
    if (colour != null) {
      tagColours(colour);
    }
    recorder.setFrameRate(frameRate);
    recorder.setGopSize((int) Math.max(1, Math.round(frameRate * 2)));
    if (settings.isNvenc()) {
      recorder.setVideoOption("preset", settings.preset());
      recorder.setVideoOption("rc", "vbr");
      recorder.setVideoOption("cq", Integer.toString(settings.crf()));
    } else if (settings.codec().equals("prores_ks")) {
      recorder.setVideoOption("profile", "3"); // 422 HQ
    } else if (settings.codec().equals("dnxhd")) {
      recorder.setVideoOption("profile", "dnxhr_hqx"); // DNxHR HQX: 10-bit 4:2:2, any frame size
    } else if (settings.codec().equals("ffv1")) {
      recorder.setVideoOption("level", "3"); // lossless; version 3: multithreaded slices, CRCs
    } else {
      recorder.setVideoOption("preset", settings.preset());
      recorder.setVideoOption("crf", Integer.toString(settings.crf()));
    }
    if (settings.codec().equals("libx264") && X264Cpu.PARAMS != null) {
      recorder.setVideoOption("x264-params", X264Cpu.PARAMS); // the same bytes on every run (X264Cpu)
    }
    if (settings.codec().equals("libx265")) {
      boolean reorder = frames == 0 || frames >= X265_SHORTEST_REORDERED;
      recorder.setVideoOption("x265-params", "log-level=error:open-gop=0" + (reorder ? "" : ":bframes=0")
          + x265Hdr(colour));
    }
    if (threads > 0) {
      recorder.setVideoOption("threads", Integer.toString(threads));
    }
    // Closed GOPs: a segment must never reference frames of its neighbour.
    recorder.setVideoOption("flags", "+cgop");
    // JavaCV's message only names the failed call ("avcodec_open2() error -22"); the encoder logs the reason.
    try (FfmpegLog.Capture log = FfmpegLog.capture()) {
      try {
        recorder.start();
      } catch (FrameRecorder.Exception e) {
        String reason = log.reason(e);
        try {
          recorder.release(); // the codec and file it may have opened; callers such as whyNotUsable go on
        } catch (FrameRecorder.Exception second) {
          e.addSuppressed(second);
        }
        throw new StartFailure(settings, file, reason, e);
      }
    }
    // rgb48le as bytes: six a pixel, low byte first, as the model writes them
    frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3 * sampleBytes);
  }

  /** The bytes one frame takes: {@code width·height·3} samples of {@code sampleBytes}. */
  public int frameBytes() {
    return width * height * 3 * sampleBytes;
  }

  /** 1: this encoder takes 8-bit RGB frames; 2: 16-bit ones ({@code rgb48le}). */
  public int sampleBytes() {
    return sampleBytes;
  }

  /** The source's primaries, transfer, matrix and range on the encoder (its stream and, for x264/x265, its VUI). */
  private void tagColours(ColourInfo colour) {
    setKnown("color_primaries", colour.primaries());
    setKnown("color_trc", colour.transfer());
    setKnown("colorspace", colour.space());
    setKnown("color_range", colour.range());
  }

  private void setKnown(String option, String value) {
    // "unknown"/"reserved" say nothing; FFmpeg's names for the rest are the option's own constants
    if (value != null && !value.equals("unknown") && !value.startsWith("reserved") && !value.equals("unspecified")) {
      recorder.setVideoOption(option, value);
    }
  }

  /** x265's HDR10 SEI options for the source's static metadata ({@code :master-display=…:max-cll=…}), or "". */
  private static String x265Hdr(ColourInfo colour) {
    if (colour == null) {
      return "";
    }
    StringBuilder params = new StringBuilder();
    if (colour.masteringDisplay() != null) {
      params.append(":master-display=").append(colour.masteringDisplay());
    }
    if (colour.contentLight() != null) {
      params.append(":max-cll=").append(colour.contentLight());
    }
    if (params.length() > 0) {
      params.append(":hdr10=1");
    }
    return params.toString();
  }

  /**
   * Whether these settings can encode on this machine, asked of the encoder itself: it opens with them and encodes
   * one small frame into a temporary file, exactly as a segment would be written. An unknown preset, or NVENC
   * without an NVIDIA GPU and driver, fails here in well under a second instead of inside every Spark task.
   *
   * @return null when the encoder works here, else FFmpeg's reason
   */
  public static String whyNotUsable(EncoderSettings settings) {
    if (!isCompiledIn(settings.codec())) {
      return "this FFmpeg build has no encoder " + settings.codec();
    }
    Path file = null;
    try {
      file = Files.createTempFile("swiftvr-encoder-check-", ".mp4");
      // 256x256: NVENC refuses frames smaller than about 145x49, and the check must not fail for its own size.
      // The constructor names the reason an encoder does not open; what is logged while encoding and finishing the
      // frame is collected here.
      try (FfmpegLog.Capture log = FfmpegLog.capture()) {
        try (SegmentEncoder encoder = new SegmentEncoder(file, CHECK_SIZE, CHECK_SIZE, 25, settings, 1, 1, null, 1)) {
          encoder.write(new byte[CHECK_SIZE * CHECK_SIZE * 3], 0);
        } catch (StartFailure e) {
          return e.reason; // without the temporary file's name, which means nothing to the user
        } catch (IOException e) {
          return log.reason(e);
        }
      }
      return null;
    } catch (IOException e) {
      return "cannot create a temporary file for the check: " + e.getMessage();
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a temporary file of a few hundred bytes; the check's answer matters more
        }
      }
    }
  }

  /**
   * One-line check for the driver: throws when {@link #whyNotUsable} has a reason.
   *
   * @throws IllegalArgumentException "Encoder libx264 crf=18 preset=bogus does not work here: …"
   */
  public static void requireUsable(EncoderSettings settings) {
    String why = whyNotUsable(settings);
    if (why != null) {
      throw new IllegalArgumentException("Encoder " + settings + " does not work here: " + why);
    }
  }

  /** Whether FFmpeg has an encoder by this name at all (compiled in; it may still not work here). */
  public static boolean isCompiledIn(String codec) {
    AVCodec found = avcodec_find_encoder_by_name(codec);
    return found != null && !found.isNull();
  }

  /** The encoder did not open; {@link #reason} is FFmpeg's. */
  private static final class StartFailure extends IOException {
    private final String reason;

    StartFailure(EncoderSettings settings, Path file, String reason, Exception cause) {
      super("Cannot start encoder " + settings + " for " + file + ": " + reason, cause);
      this.reason = reason;
    }
  }

  /** Encodes one RGB frame ({@link #frameBytes} bytes at {@code offset}). */
  public void write(byte[] rgb, int offset) throws IOException {
    ByteBuffer buf = ((ByteBuffer) frame.image[0]);
    int rowBytes = width * 3 * sampleBytes;
    for (int y = 0; y < height; y++) {
      buf.position(y * frame.imageStride);
      buf.put(rgb, offset + y * rowBytes, rowBytes);
    }
    buf.rewind();
    try {
      recorder.record(frame, sampleBytes == 2 ? AV_PIX_FMT_RGB48LE : AV_PIX_FMT_RGB24);
    } catch (FrameRecorder.Exception e) {
      throw new IOException("Encoding failed: " + e.getMessage(), e);
    }
  }

  /** Encodes one RGB frame ({@link #frameBytes} bytes at absolute {@code offset} of {@code rgb}). */
  public void write(ByteBuffer rgb, int offset) throws IOException {
    ByteBuffer buf = ((ByteBuffer) frame.image[0]);
    int rowBytes = width * 3 * sampleBytes;
    if (frame.imageStride == rowBytes) {
      buf.put(0, rgb, offset, rowBytes * height);
    } else {
      for (int y = 0; y < height; y++) {
        buf.put(y * frame.imageStride, rgb, offset + y * rowBytes, rowBytes);
      }
    }
    buf.rewind();
    try {
      recorder.record(frame, sampleBytes == 2 ? AV_PIX_FMT_RGB48LE : AV_PIX_FMT_RGB24);
    } catch (FrameRecorder.Exception e) {
      throw new IOException("Encoding failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      recorder.close();
    } catch (FrameRecorder.Exception e) {
      throw new IOException("Cannot finish segment: " + e.getMessage(), e);
    }
  }
}
