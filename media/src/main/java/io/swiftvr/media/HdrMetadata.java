package io.swiftvr.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_CONTENT_LIGHT_LEVEL;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_MASTERING_DISPLAY_METADATA;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_pix_fmt_desc_get;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avutil.AVContentLightMetadata;
import org.bytedeco.ffmpeg.avutil.AVMasteringDisplayMetadata;
import org.bytedeco.ffmpeg.avutil.AVPixFmtDescriptor;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * HDR10 static metadata and sample depth of a video stream, read from and written to a stream's parameters (the
 * container's {@code mdcv}/{@code clli} boxes or Matroska's colour elements, which FFmpeg exposes as coded side data).
 * Strings use x265's notation and units ({@code master-display}, {@code max-cll}), so what the probe records is what
 * x265 is told and what a user reads in {@code x265 --help}.
 */
public final class HdrMetadata {
  /** Side-data types that describe the picture's colour volume and so belong to the output as to the source. */
  static final int[] COLOUR_VOLUME = {AV_PKT_DATA_MASTERING_DISPLAY_METADATA, AV_PKT_DATA_CONTENT_LIGHT_LEVEL};
  private static final int CHROMA_UNITS = 50000;
  private static final int LUMA_UNITS = 10000;
  private static final Pattern MASTERING = Pattern.compile(
      "G\\((\\d+),(\\d+)\\)B\\((\\d+),(\\d+)\\)R\\((\\d+),(\\d+)\\)WP\\((\\d+),(\\d+)\\)L\\((\\d+),(\\d+)\\)");

  private HdrMetadata() {}

  /** Bits per sample of a pixel format (its first component's), 0 when unknown. */
  public static int bitsPerSample(int pixelFormat) {
    AVPixFmtDescriptor desc = pixelFormat < 0 ? null : av_pix_fmt_desc_get(pixelFormat);
    return desc == null || desc.isNull() ? 0 : desc.comp(0).depth();
  }

  /** {@code G(x,y)B(x,y)R(x,y)WP(x,y)L(max,min)} of the stream's mastering display, or null where it has none. */
  public static String masteringDisplay(AVCodecParameters par) {
    AVPacketSideData data = CodedSideData.get(par, AV_PKT_DATA_MASTERING_DISPLAY_METADATA);
    return data == null ? null : masteringDisplay(new AVMasteringDisplayMetadata(data.data()));
  }

  /** The same for FFmpeg's struct wherever it comes from (a stream's side data, a decoded frame's). */
  static String masteringDisplay(AVMasteringDisplayMetadata m) {
    if (m.has_primaries() == 0 && m.has_luminance() == 0) {
      return null;
    }
    // FFmpeg orders the primaries R, G, B; x265 writes G, B, R (the order of the SEI message)
    return String.format(Locale.ROOT, "G(%d,%d)B(%d,%d)R(%d,%d)WP(%d,%d)L(%d,%d)",
        units(m.display_primaries(1, 0), CHROMA_UNITS), units(m.display_primaries(1, 1), CHROMA_UNITS),
        units(m.display_primaries(2, 0), CHROMA_UNITS), units(m.display_primaries(2, 1), CHROMA_UNITS),
        units(m.display_primaries(0, 0), CHROMA_UNITS), units(m.display_primaries(0, 1), CHROMA_UNITS),
        units(m.white_point(0), CHROMA_UNITS), units(m.white_point(1), CHROMA_UNITS),
        units(m.max_luminance(), LUMA_UNITS), units(m.min_luminance(), LUMA_UNITS));
  }

  /** {@code maxCLL,maxFALL} of the stream, or null where it has none. */
  public static String contentLight(AVCodecParameters par) {
    AVPacketSideData data = CodedSideData.get(par, AV_PKT_DATA_CONTENT_LIGHT_LEVEL);
    return data == null ? null : contentLight(new AVContentLightMetadata(data.data()));
  }

  static String contentLight(AVContentLightMetadata c) {
    return c.MaxCLL() + "," + c.MaxFALL();
  }

  /**
   * Copies the mastering display and content light level of {@code from} to {@code to}, byte for byte (the muxer
   * writes them into the output's container), replacing none that {@code to} has already.
   */
  static void copy(AVCodecParameters from, AVCodecParameters to) {
    for (int type : COLOUR_VOLUME) {
      AVPacketSideData data = CodedSideData.get(from, type);
      if (data != null && CodedSideData.get(to, type) == null) {
        CodedSideData.add(to, type, data.data(), data.size());
      }
    }
  }

  /**
   * Adds the probe's mastering display and content light level (x265 notation) to {@code to} where it has none: the
   * source carried them only in its bitstream ({@link BitstreamHdr}), and the container of the output should say
   * them whatever the codec (only x265 writes them into the bitstream).
   */
  static void addMissing(AVCodecParameters to, String masteringDisplay, String contentLight) {
    if (masteringDisplay != null && CodedSideData.get(to, AV_PKT_DATA_MASTERING_DISPLAY_METADATA) == null) {
      AVMasteringDisplayMetadata m = parseMasteringDisplay(masteringDisplay);
      CodedSideData.add(to, AV_PKT_DATA_MASTERING_DISPLAY_METADATA, m, m.sizeof());
    }
    if (contentLight != null && CodedSideData.get(to, AV_PKT_DATA_CONTENT_LIGHT_LEVEL) == null) {
      AVContentLightMetadata c = parseContentLight(contentLight);
      CodedSideData.add(to, AV_PKT_DATA_CONTENT_LIGHT_LEVEL, c, c.sizeof());
    }
  }

  /** FFmpeg's struct for {@code G(x,y)B(x,y)R(x,y)WP(x,y)L(max,min)}, the inverse of {@link #masteringDisplay}. */
  static AVMasteringDisplayMetadata parseMasteringDisplay(String notation) {
    Matcher m = MASTERING.matcher(notation);
    if (!m.matches()) {
      throw new IllegalArgumentException("Mastering display " + notation + ": G(x,y)B(x,y)R(x,y)WP(x,y)L(max,min) "
          + "expected");
    }
    long[] v = new long[10];
    for (int i = 0; i < v.length; i++) {
      v[i] = Long.parseLong(m.group(i + 1));
    }
    AVMasteringDisplayMetadata out = new AVMasteringDisplayMetadata();
    int[] ffmpegIndexOf = {1, 2, 0}; // G, B, R in the notation; R, G, B in FFmpeg's struct
    for (int c = 0; c < 3; c++) {
      out.display_primaries(ffmpegIndexOf[c], 0, av_make_q((int) v[2 * c], CHROMA_UNITS));
      out.display_primaries(ffmpegIndexOf[c], 1, av_make_q((int) v[2 * c + 1], CHROMA_UNITS));
    }
    out.white_point(0, av_make_q((int) v[6], CHROMA_UNITS)).white_point(1, av_make_q((int) v[7], CHROMA_UNITS));
    out.max_luminance(av_make_q((int) v[8], LUMA_UNITS)).min_luminance(av_make_q((int) v[9], LUMA_UNITS));
    return out.has_primaries(1).has_luminance(1);
  }

  /** FFmpeg's struct for {@code maxCLL,maxFALL}. */
  static AVContentLightMetadata parseContentLight(String notation) {
    String[] parts = notation.split(",");
    if (parts.length != 2) {
      throw new IllegalArgumentException("Content light level " + notation + ": maxCLL,maxFALL expected");
    }
    return new AVContentLightMetadata().MaxCLL(Integer.parseInt(parts[0].trim()))
        .MaxFALL(Integer.parseInt(parts[1].trim()));
  }

  private static long units(AVRational r, int units) {
    return r.den() == 0 ? 0 : Math.round((double) r.num() * units / r.den());
  }
}
