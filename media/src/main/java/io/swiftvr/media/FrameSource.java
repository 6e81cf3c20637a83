package io.swiftvr.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB48LE;
import static org.bytedeco.ffmpeg.global.swscale.SWS_AREA;

import io.swiftvr.media.FfmpegLog;
import io.swiftvr.planner.DamagePolicy;
import io.swiftvr.planner.InvalidVideoException;
import io.swiftvr.planner.VideoProbe;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Decodes a video's frames as packed RGB in display order, 8 bits a sample ({@code rgb24}) or 16 ({@code rgb48le},
 * two bytes a sample, low byte first: a 10-bit source without its low bits cut), knowing the display index of every
 * frame it returns. Frames are identified by their timestamps against the probe (never by counting from a seek), so
 * a seek that lands early or late cannot shift the frame numbering, and a decoder that drops or repeats a frame is
 * caught.
 *
 * <p>What a caught frame means is the {@link DamagePolicy}'s choice: under {@code FAIL} a lost or repeated frame fails
 * the read; under {@code REPAIR} each frame the decoder loses (damaged packets, a cut-off end) is returned as a copy of
 * the last good one, so the frames keep their number and their timestamps, and {@link #repairedFrames} lists them. A
 * frame lost before the first good one of this source is filled from the next good one instead.
 */
public final class FrameSource implements AutoCloseable {
  private final VideoProbe probe;
  private final FrameSize size;
  private final int sampleBytes;
  private final FFmpegFrameGrabber grabber;
  private final long[] frameMicros;
  private final Repair repair; // null under FAIL
  private long clockOffset;
  private Frame pending;
  private int pendingIndex = -1;

  private FrameSource(VideoProbe probe, FrameSize size, int sampleBytes, FFmpegFrameGrabber grabber,
      DamagePolicy damaged) {
    this.probe = probe;
    this.size = size;
    this.sampleBytes = sampleBytes;
    this.grabber = grabber;
    this.repair = damaged == DamagePolicy.REPAIR ? new Repair(size.width() * size.height() * 3 * sampleBytes) : null;
    this.frameMicros = new long[probe.frameCount()];
    for (int i = 0; i < frameMicros.length; i++) {
      frameMicros[i] = Math.round(probe.framePts()[i] * 1e6 * probe.timeBaseNum() / probe.timeBaseDen());
    }
  }

  /** Opens the video so that the next {@link #read} returns frame {@code startFrame}; a lost frame fails the read. */
  public static FrameSource open(VideoProbe probe, int startFrame) throws InvalidVideoException {
    return open(probe, startFrame, DamagePolicy.FAIL);
  }

  /** Opens the video so that the next {@link #read} returns frame {@code startFrame}, treating lost frames as told. */
  public static FrameSource open(VideoProbe probe, int startFrame, DamagePolicy damaged)
      throws InvalidVideoException {
    return open(probe, startFrame, damaged, new FrameSize(probe.width(), probe.height()));
  }

  /**
   * Opens the video with its frames scaled to {@code size} as they are decoded (area averaging), when that is not
   * their own size: frames too large to restore at their own size (an 8K scan to a smaller output) cost memory for
   * one frame at a time, not for a chunk.
   */
  public static FrameSource open(VideoProbe probe, int startFrame, DamagePolicy damaged, FrameSize size)
      throws InvalidVideoException {
    return open(probe, startFrame, damaged, size, 1);
  }

  /**
   * {@link #open(VideoProbe, int, DamagePolicy, FrameSize)} with samples of {@code sampleBytes}: 1 ({@code rgb24}) or
   * 2 ({@code rgb48le}, for sources deeper than 8 bits: FFmpeg converts their YUV to 16-bit RGB without dithering
   * to 8 bits). Frames then take {@code width·height·6} bytes.
   */
  public static FrameSource open(VideoProbe probe, int startFrame, DamagePolicy damaged, FrameSize size,
      int sampleBytes) throws InvalidVideoException {
    if (sampleBytes != 1 && sampleBytes != 2) {
      throw new IllegalArgumentException("Samples of " + sampleBytes + " bytes: 1 (rgb24) or 2 (rgb48le) expected");
    }
    if (startFrame < 0 || startFrame >= probe.frameCount()) {
      throw new IllegalArgumentException(String.format(
          "%s: start frame %d outside 0..%d", probe.uri(), startFrame, probe.frameCount() - 1));
    }
    FfmpegLog.quiet();
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(probe.uri());
    grabber.setPixelFormat(sampleBytes == 2 ? AV_PIX_FMT_RGB48LE : AV_PIX_FMT_RGB24);
    if (size.width() != probe.width() || size.height() != probe.height()) {
      grabber.setImageWidth(size.width());
      grabber.setImageHeight(size.height());
      grabber.setImageScalingFlags(SWS_AREA); // a large downscale: every source pixel counts, no aliasing
    }
    if (damaged == DamagePolicy.REPAIR && !probe.damage().isEmpty()) {
      // With frame threads, what the decoder makes of damaged packets (which frames it loses, what it conceals the
      // next ones with) depends on thread timing; one thread makes the repair, and so every shard, repeatable.
      grabber.setVideoOption("threads", "1");
    }
    FrameSource source = new FrameSource(probe, size, sampleBytes, grabber, damaged);
    try {
      // JavaCV's message names only the failed call; FFmpeg's log says why.
      try (FfmpegLog.Capture log = FfmpegLog.capture()) {
        try {
          grabber.start();
        } catch (FrameGrabber.Exception e) {
          throw new InvalidVideoException(probe.uri(), "cannot decode: " + log.reason(e), e);
        }
      }
      source.calibrate();
      int keyframe = probe.keyframeAtOrBefore(startFrame);
      if (keyframe > 0) {
        grabber.setTimestamp(source.frameMicros[keyframe] + source.clockOffset, false);
        source.pending = null;
        source.pendingIndex = -1;
      }
      if (source.repair != null) {
        source.repair.next = startFrame;
      } else {
        source.skipTo(startFrame);
      }
      return source;
    } catch (FrameGrabber.Exception e) {
      source.close();
      throw new InvalidVideoException(probe.uri(), "cannot decode: " + e.getMessage(), e);
    } catch (InvalidVideoException | RuntimeException e) {
      source.close();
      throw e;
    }
  }

  /** JavaCV's frame clock may start at the stream's start time or at zero; the first frame tells which. */
  private void calibrate() throws InvalidVideoException {
    Frame first = grabRaw();
    if (first == null) {
      throw new InvalidVideoException(probe.uri(), "decoder returned no frame");
    }
    clockOffset = first.timestamp - frameMicros[0];
    pending = first;
    pendingIndex = 0;
    if (repair != null && probe.damage().frames().length > 0 && probe.damage().frames()[0] == 0) {
      // Frame 0 may be lost (a broken first keyframe): then the first frame decoded is a later one, and with JavaCV's
      // clock on the stream's own timestamps it names itself.
      int index = indexOf(first.timestamp);
      if (index > 0 && Math.abs(frameMicros[index] - first.timestamp) <= 1) {
        clockOffset = 0;
        pendingIndex = index;
      }
    }
  }

  private void skipTo(int frame) throws InvalidVideoException {
    while (true) {
      if (pending == null) {
        advance();
      }
      if (pendingIndex == frame) {
        return;
      }
      if (pendingIndex > frame) {
        throw new InvalidVideoException(probe.uri(), String.format(
            "seek to frame %d landed on frame %d (is the keyframe index wrong?)", frame, pendingIndex));
      }
      pending = null;
    }
  }

  private void advance() throws InvalidVideoException {
    int expected = pendingIndex + 1;
    Frame frame = grabRaw();
    if (frame == null) {
      throw new InvalidVideoException(probe.uri(), String.format(
          "truncated: the decoder stopped at frame %d of %d", expected, probe.frameCount()));
    }
    int index = indexOf(frame.timestamp - clockOffset);
    if (pendingIndex >= 0 && index != expected) {
      throw new InvalidVideoException(probe.uri(), String.format(
          "decoder returned frame %d where frame %d was expected: frames are missing or repeated", index, expected));
    }
    pending = frame;
    pendingIndex = index;
  }

  private Frame grabRaw() throws InvalidVideoException {
    try {
      return grabber.grabImage();
    } catch (FrameGrabber.Exception e) {
      throw new InvalidVideoException(probe.uri(), "decode error: " + e.getMessage(), e);
    }
  }

  /** Index of the frame the next {@link #read} returns. */
  public int nextIndex() {
    if (repair != null) {
      return repair.next;
    }
    return pending != null ? pendingIndex : pendingIndex + 1;
  }

  /** Decodes the next frame into {@code dst} at {@code offset}: {@code width·height·3} samples of its sample bytes. */
  public void read(byte[] dst, int offset) throws InvalidVideoException {
    if (repair != null) {
      readRepairing(dst, offset);
      return;
    }
    if (pending == null) {
      advance();
    }
    copy(pending, dst, offset);
    pending = null;
  }

  /**
   * The display indices of the frames returned so far as copies of a good frame because the decoder lost them,
   * ascending; empty under {@code FAIL}.
   */
  public int[] repairedFrames() {
    return repair == null ? new int[0] : repair.filled.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Returns frame {@code repair.next}: the decoded one when the decoder gives it, else (the decoder skipped it, or
   * stopped before the end) a copy of the last good frame. Frames decoded again or late are passed over; frames
   * before the wanted one (after a seek) are kept as the last good one, as a pass from the start would have it.
   */
  private void readRepairing(byte[] dst, int offset) throws InvalidVideoException {
    int wanted = repair.next;
    while (!repair.decoderEnded && (pending == null || pendingIndex < wanted)) {
      if (pending != null) {
        repair.keep(pending, pendingIndex);
      }
      pending = grabRaw();
      if (pending == null) {
        repair.decoderEnded = true;
      } else {
        pendingIndex = indexOf(pending.timestamp - clockOffset);
      }
    }
    if (pending != null && pendingIndex == wanted) {
      repair.keep(pending, pendingIndex);
      pending = null;
    } else {
      if (repair.lastGoodIndex < 0) {
        if (pending == null) {
          throw new InvalidVideoException(probe.uri(), String.format(
              "damaged beyond repair: the decoder returned no frame from frame %d on", wanted));
        }
        repair.keep(pending, pendingIndex); // nothing good came before: the next good frame stands in
      }
      repair.filled.add(wanted);
    }
    System.arraycopy(repair.lastGood, 0, dst, offset, repair.lastGood.length);
    repair.next++;
  }

  private int indexOf(long micros) {
    int pos = Arrays.binarySearch(frameMicros, micros);
    if (pos >= 0) {
      return pos;
    }
    int ins = -pos - 1;
    if (ins == 0) {
      return 0;
    }
    if (ins == frameMicros.length) {
      return frameMicros.length - 1;
    }
    return micros - frameMicros[ins - 1] <= frameMicros[ins] - micros ? ins - 1 : ins;
  }

  private void copy(Frame frame, byte[] dst, int offset) {
    int width = size.width();
    int height = size.height();
    if (frame.imageWidth != width || frame.imageHeight != height) {
      throw new IllegalStateException(String.format(
          "%s: frame size changed mid-stream to %dx%d (was %dx%d)",
          probe.uri(), frame.imageWidth, frame.imageHeight, width, height));
    }
    // JavaCV hands rgb48le over as bytes too (six a pixel), its stride in bytes
    ByteBuffer view = ((ByteBuffer) frame.image[0]).duplicate();
    int rowBytes = width * 3 * sampleBytes;
    for (int y = 0; y < height; y++) {
      view.position(y * frame.imageStride);
      view.get(dst, offset + y * rowBytes, rowBytes);
    }
  }

  /** What reading under {@code REPAIR} keeps: the last good frame and the frames filled from it. */
  private final class Repair {
    final byte[] lastGood;
    int lastGoodIndex = -1;
    final List<Integer> filled = new ArrayList<>();
    boolean decoderEnded;
    int next;

    Repair(int frameBytes) {
      lastGood = new byte[frameBytes];
    }

    /** Keeps a decoded frame as the last good one, unless a later one is already kept (a frame decoded late). */
    void keep(Frame frame, int index) {
      if (index > lastGoodIndex || lastGoodIndex < 0) {
        copy(frame, lastGood, 0);
        lastGoodIndex = index;
      }
    }
  }

  @Override
  public void close() {
    try {
      grabber.close();
    } catch (FrameGrabber.Exception e) {
      // closing a decoder we only read from loses nothing
    }
  }
}
