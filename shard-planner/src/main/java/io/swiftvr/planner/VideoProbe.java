package io.swiftvr.planner;

import java.util.Arrays;
import java.util.List;

/**
 * What the planner knows about one input video, read from its packets without decoding.
 *
 * <p>{@code framePts} holds the presentation timestamps of every video frame in display order (stream time base), so
 * the frame count is {@code framePts.length} and never the container's duration guess. {@code keyframes} holds the
 * display indices of the frames that a decoder can start from. A stream cut in the middle of a group of pictures
 * begins with packets no decoder can decode; they are counted in {@code undecodableLeadingFrames} and are not frames
 * of the video. {@code reordered} tells that frames are stored out of display order (B-frames). {@code damage} is what
 * the probe found wrong in the packets ({@link Damage#NONE} for a sound file).
 */
public record VideoProbe(
    String uri,
    long sizeBytes,
    String container,
    String codec,
    int width,
    int height,
    int rotationDegrees,
    int timeBaseNum,
    int timeBaseDen,
    int frameRateNum,
    int frameRateDen,
    boolean variableFrameRate,
    boolean reordered,
    int undecodableLeadingFrames,
    long[] framePts,
    int[] keyframes,
    ColourInfo colour,
    List<StreamInfo> otherStreams,
    Damage damage) implements java.io.Serializable {

  /** A probe of a file in which no damage was found. */
  public VideoProbe(String uri, long sizeBytes, String container, String codec, int width, int height,
      int rotationDegrees, int timeBaseNum, int timeBaseDen, int frameRateNum, int frameRateDen,
      boolean variableFrameRate, boolean reordered, int undecodableLeadingFrames, long[] framePts, int[] keyframes,
      ColourInfo colour, List<StreamInfo> otherStreams) {
    this(uri, sizeBytes, container, codec, width, height, rotationDegrees, timeBaseNum, timeBaseDen, frameRateNum,
        frameRateDen, variableFrameRate, reordered, undecodableLeadingFrames, framePts, keyframes, colour,
        otherStreams, Damage.NONE);
  }

  public VideoProbe {
    damage = damage == null ? Damage.NONE : damage; // plans written before damage was probed
  }

  /** The same probe for a copy of the file at another location (a local copy of a remote video). */
  public VideoProbe withUri(String location) {
    return new VideoProbe(location, sizeBytes, container, codec, width, height, rotationDegrees, timeBaseNum,
        timeBaseDen, frameRateNum, frameRateDen, variableFrameRate, reordered, undecodableLeadingFrames, framePts,
        keyframes, colour, otherStreams, damage);
  }

  public int frameCount() {
    return framePts.length;
  }

  /** Bits per sample of the video (10 for HEVC Main 10); 8 where the probe could not tell. */
  public int bitsPerSample() {
    return colour == null || colour.bitsPerSample() == 0 ? 8 : colour.bitsPerSample();
  }

  public double frameRate() {
    return (double) frameRateNum / frameRateDen;
  }

  /** Seconds from the first frame's start to the last frame's end, using the nominal rate for the last frame. */
  public double durationSeconds() {
    if (framePts.length == 0) {
      return 0;
    }
    double span = (framePts[framePts.length - 1] - framePts[0]) * (double) timeBaseNum / timeBaseDen;
    return span + 1.0 / frameRate();
  }

  /** The display index of the last keyframe at or before {@code frame}; 0 when none precedes it. */
  public int keyframeAtOrBefore(int frame) {
    int pos = Arrays.binarySearch(keyframes, frame);
    if (pos >= 0) {
      return keyframes[pos];
    }
    int insertion = -pos - 1;
    return insertion == 0 ? 0 : keyframes[insertion - 1];
  }

  public boolean hasAudio() {
    return otherStreams.stream().anyMatch(s -> s.mediaType().equals("audio"));
  }

  @Override
  public String toString() {
    return String.format(
        "%s: %s %dx%d, %d frames at %.3f fps%s%s, %d keyframes, %d other streams%s%s",
        uri, codec, width, height, frameCount(), frameRate(), variableFrameRate ? " (VFR)" : "",
        reordered ? ", B-frames" : "", keyframes.length, otherStreams.size(),
        undecodableLeadingFrames > 0 ? ", " + undecodableLeadingFrames + " undecodable leading frames skipped" : "",
        damage.isEmpty() ? "" : ", damaged: " + damage.describe());
  }
}
