package io.swiftvr.media;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * How restored frames are encoded: codec, quality, speed preset and sample depth. The segments are written directly
 * in this codec so that merging is a stream copy.
 *
 * @param codec an FFmpeg encoder name: libx264, libx265, h264_nvenc, hevc_nvenc, or, as intermediates for editors,
 *     prores_ks (ProRes 422 HQ) and dnxhd (DNxHR HQX), both 10-bit 4:2:2 only, in QuickTime, and ffv1 (lossless,
 *     in Matroska), which take no crf or preset
 * @param crf constant-rate-factor quality (x264/x265: lower is better, 18 is visually lossless for most content);
 *     for NVENC it is used as the constant-quality level
 * @param preset encoder speed preset (x264/x265: ultrafast … veryslow; NVENC: p1 … p7)
 * @param bitDepth bits per sample of the output, 8 or 10; null: the source's ({@link #bitDepthFor}), so an 8-bit
 *     source stays 8-bit and a 10-bit one stays 10-bit
 */
public record EncoderSettings(String codec, int crf, String preset, Integer bitDepth) implements Serializable {
  public static final List<String> CODECS =
      List.of("libx264", "libx265", "h264_nvenc", "hevc_nvenc", "prores_ks", "dnxhd", "ffv1");
  /**
   * The codecs that write 10-bit samples (libx264 as High 10, libx265 and hevc_nvenc as Main 10, ProRes 422 HQ,
   * DNxHR HQX, FFV1).
   */
  public static final List<String> TEN_BIT_CODECS =
      List.of("libx264", "libx265", "hevc_nvenc", "prores_ks", "dnxhd", "ffv1");
  /** The editors' 10-bit 4:2:2 intermediates: written at 10 bits whatever the source, in QuickTime. */
  private static final List<String> TEN_BIT_ONLY = List.of("prores_ks", "dnxhd");

  public EncoderSettings {
    if (!CODECS.contains(codec)) {
      throw new IllegalArgumentException("Unknown encoder '" + codec + "'; supported: " + CODECS);
    }
    if (crf < 0 || crf > 51) {
      throw new IllegalArgumentException("Quality (crf) must be within 0..51, got " + crf);
    }
    if (bitDepth != null && bitDepth != 8 && bitDepth != 10) {
      throw new IllegalArgumentException("Bit depth must be 8 or 10, got " + bitDepth);
    }
    if (bitDepth != null && bitDepth == 8 && TEN_BIT_ONLY.contains(codec)) {
      throw new IllegalArgumentException("Encoder " + codec + " writes 10-bit samples only ("
          + (codec.equals("dnxhd") ? "DNxHR HQX" : "ProRes 422 HQ") + "); drop --bit-depth 8 or choose another codec");
    }
    if (bitDepth != null && bitDepth == 10 && !TEN_BIT_CODECS.contains(codec)) {
      throw new IllegalArgumentException(
          "Encoder " + codec + " writes 8-bit samples only; 10-bit output needs one of " + TEN_BIT_CODECS);
    }
  }

  /** The source's bit depth ({@link #bitDepthFor}). */
  public EncoderSettings(String codec, int crf, String preset) {
    this(codec, crf, preset, null);
  }

  public static EncoderSettings defaults() {
    return new EncoderSettings("libx264", 18, "medium");
  }

  public boolean isNvenc() {
    return codec.endsWith("_nvenc");
  }

  /**
   * The output's bits per sample for a source of {@code sourceBits}: the one asked for, else 10 for a source deeper
   * than 8 bits where the codec writes 10 bits, else 8.
   */
  public int bitDepthFor(int sourceBits) {
    if (bitDepth != null) {
      return bitDepth;
    }
    if (TEN_BIT_ONLY.contains(codec)) {
      return 10;
    }
    return sourceBits > 8 && TEN_BIT_CODECS.contains(codec) ? 10 : 8;
  }

  /**
   * The container segments and outputs are written in: QuickTime for ProRes and DNxHR, Matroska for FFV1 (MP4 holds
   * none of them), else null (the source's choice: MP4 for MP4/MOV sources, Matroska otherwise).
   */
  public String container() {
    return TEN_BIT_ONLY.contains(codec) ? "mov" : codec.equals("ffv1") ? "mkv" : null;
  }

  /**
   * Why this encoder cannot write frames of this size, or null where it can: DNxHR takes frames of 256x120 and up
   * (FFmpeg's dnxhd encoder refuses smaller ones when it opens, which would fail every shard of the video).
   */
  public String whyNotFrameSize(int width, int height) {
    if (codec.equals("dnxhd") && (width < 256 || height < 120)) {
      return String.format(Locale.ROOT, "output frames of %dx%d are too small for dnxhd: DNxHR takes 256x120 and up; "
          + "ask for a larger --size or another --codec", width, height);
    }
    return null;
  }

  /** Whether the codec writes 10-bit 4:2:2 (the editors' intermediates) rather than 4:2:0. */
  public boolean isFourTwoTwo() {
    return TEN_BIT_ONLY.contains(codec);
  }

  /** The same settings with the output's bit depth fixed. */
  public EncoderSettings withBitDepth(int bits) {
    return new EncoderSettings(codec, crf, preset, bits);
  }

  @Override
  public String toString() {
    // unchanged without a bit depth: the parameters hash of earlier runs (JobPlanner) stays what it was
    return String.format(Locale.ROOT, "%s crf=%d preset=%s%s", codec, crf, preset,
        bitDepth == null ? "" : " bit-depth=" + bitDepth);
  }
}
