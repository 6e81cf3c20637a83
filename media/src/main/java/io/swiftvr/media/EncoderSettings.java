package io.swiftvr.media;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * How restored frames are encoded: codec, quality and speed preset. The segments are written directly in this codec
 * so that merging is a stream copy.
 *
 * @param codec an FFmpeg encoder name: libx264, libx265, h264_nvenc, hevc_nvenc
 * @param crf constant-rate-factor quality (x264/x265: lower is better, 18 is visually lossless for most content);
 *     for NVENC it is used as the constant-quality level
 * @param preset encoder speed preset (x264/x265: ultrafast … veryslow; NVENC: p1 … p7)
 */
public record EncoderSettings(String codec, int crf, String preset) implements Serializable {
  public static final List<String> CODECS = List.of("libx264", "libx265", "h264_nvenc", "hevc_nvenc");

  public EncoderSettings {
    if (!CODECS.contains(codec)) {
      throw new IllegalArgumentException("Unknown encoder '" + codec + "'; supported: " + CODECS);
    }
    if (crf < 0 || crf > 51) {
      throw new IllegalArgumentException("Quality (crf) must be within 0..51, got " + crf);
    }
  }

  public static EncoderSettings defaults() {
    return new EncoderSettings("libx264", 18, "medium");
  }

  public boolean isNvenc() {
    return codec.endsWith("_nvenc");
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s crf=%d preset=%s", codec, crf, preset);
  }
}
