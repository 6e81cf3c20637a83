package io.swiftvr.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_CONTENT_LIGHT_LEVEL;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_MASTERING_DISPLAY_METADATA;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_side_data_add;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_side_data_get;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.avutil.av_pix_fmt_desc_get;

import java.util.Locale;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avutil.AVContentLightMetadata;
import org.bytedeco.ffmpeg.avutil.AVMasteringDisplayMetadata;
import org.bytedeco.ffmpeg.avutil.AVPixFmtDescriptor;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

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

  private HdrMetadata() {}

  /** Bits per sample of a pixel format (its first component's), 0 when unknown. */
  public static int bitsPerSample(int pixelFormat) {
    AVPixFmtDescriptor desc = pixelFormat < 0 ? null : av_pix_fmt_desc_get(pixelFormat);
    return desc == null || desc.isNull() ? 0 : desc.comp(0).depth();
  }

  /** {@code G(x,y)B(x,y)R(x,y)WP(x,y)L(max,min)} of the stream's mastering display, or null where it has none. */
  public static String masteringDisplay(AVCodecParameters par) {
    AVPacketSideData data = sideData(par, AV_PKT_DATA_MASTERING_DISPLAY_METADATA);
    if (data == null) {
      return null;
    }
    AVMasteringDisplayMetadata m = new AVMasteringDisplayMetadata(data.data());
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
    AVPacketSideData data = sideData(par, AV_PKT_DATA_CONTENT_LIGHT_LEVEL);
    if (data == null) {
      return null;
    }
    AVContentLightMetadata c = new AVContentLightMetadata(data.data());
    return c.MaxCLL() + "," + c.MaxFALL();
  }

  /**
   * Copies the mastering display and content light level of {@code from} to {@code to}, byte for byte (the muxer
   * writes them into the output's container), replacing none that {@code to} has already.
   */
  static void copy(AVCodecParameters from, AVCodecParameters to) {
    for (int type : COLOUR_VOLUME) {
      AVPacketSideData data = sideData(from, type);
      if (data != null && sideData(to, type) == null) {
        add(to, type, data.data(), data.size());
      }
    }
  }

  /** Adds a copy of {@code size} bytes at {@code bytes} as side data of {@code type}; true when FFmpeg took it. */
  static boolean add(AVCodecParameters to, int type, Pointer bytes, long size) {
    Pointer data = av_malloc(size);
    Pointer.memcpy(data, bytes, size);
    IntPointer count = new IntPointer(1).put(to.nb_coded_side_data());
    // The function grows the side-data array in place, so it takes the field's address, not its value.
    PointerPointer<Pointer> array = new PointerPointer<>(1);
    array.put(0, to.coded_side_data());
    AVPacketSideData added = av_packet_side_data_add(array, count, type, data, size, 0);
    if (added == null || added.isNull()) {
      return false;
    }
    to.coded_side_data(new AVPacketSideData(array.get(0)));
    to.nb_coded_side_data(count.get());
    return true;
  }

  private static AVPacketSideData sideData(AVCodecParameters par, int type) {
    AVPacketSideData data = av_packet_side_data_get(par.coded_side_data(), par.nb_coded_side_data(), type);
    return data == null || data.isNull() || data.size() <= 0 ? null : data;
  }

  private static long units(AVRational r, int units) {
    return r.den() == 0 ? 0 : Math.round((double) r.num() * units / r.den());
  }
}
