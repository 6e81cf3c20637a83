package io.swiftvr.media;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_side_data_add;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_side_data_get;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A stream's coded side data (display matrix, mastering display, content light level): what the demuxer read from
 * the container and what the muxer writes into it.
 */
final class CodedSideData {
  private CodedSideData() {}

  /** The stream's side data of {@code type}, or null where it has none. */
  static AVPacketSideData get(AVCodecParameters par, int type) {
    AVPacketSideData data = av_packet_side_data_get(par.coded_side_data(), par.nb_coded_side_data(), type);
    return data == null || data.isNull() || data.size() <= 0 ? null : data;
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
}
