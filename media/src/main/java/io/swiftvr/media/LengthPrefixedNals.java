package io.swiftvr.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;

import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.javacpp.BytePointer;

/**
 * Checks the framing of H.264 and HEVC packets stored as length-prefixed NAL units (MP4, MOV, Matroska: the "avcC" /
 * "hvcC" layout). The framing is the first thing FFmpeg's decoder reads, and a packet whose framing is broken is
 * dropped whole ("Invalid NAL unit size"): checking it needs only the packet's bytes, so damage in the middle of a
 * file is found while probing instead of minutes into restoring it. Annex B streams (MPEG-TS, raw files) carry start
 * codes instead and are not checked here.
 */
final class LengthPrefixedNals {
  private final int lengthBytes;

  private LengthPrefixedNals(int lengthBytes) {
    this.lengthBytes = lengthBytes;
  }

  /** A checker for the stream, or null when its packets are not length-prefixed NAL units. */
  static LengthPrefixedNals forStream(AVCodecParameters par) {
    int size = par.extradata_size();
    BytePointer extra = par.extradata();
    if (extra == null || extra.isNull() || size < 1 || (extra.get(0) & 0xff) != 1) {
      return null; // no configuration record, or Annex B extradata (it starts with a start code, 0x00)
    }
    // The configuration record stores the prefix length minus one in its low two bits.
    if (par.codec_id() == AV_CODEC_ID_H264 && size >= 7) {
      return new LengthPrefixedNals((extra.get(4) & 3) + 1);
    }
    if (par.codec_id() == AV_CODEC_ID_HEVC && size >= 23) {
      return new LengthPrefixedNals((extra.get(21) & 3) + 1);
    }
    return null;
  }

  /** Why the packet's framing is broken, or null when every NAL unit fits it exactly. */
  String problem(BytePointer data, int size) {
    int pos = 0;
    boolean any = false;
    while (pos < size) {
      if (pos + lengthBytes > size) {
        return String.format("%d stray bytes after the last NAL unit", size - pos);
      }
      long length = 0;
      for (int i = 0; i < lengthBytes; i++) {
        length = (length << 8) | (data.get(pos + i) & 0xff);
      }
      pos += lengthBytes;
      if (length > size - pos) {
        return String.format("a NAL unit of %d bytes in a packet of %d (Invalid NAL unit size)", length, size);
      }
      if (length > 0) {
        if ((data.get(pos) & 0x80) != 0) {
          return "a NAL unit header with its forbidden bit set";
        }
        any = true;
      }
      pos += (int) length;
    }
    return any ? null : "no NAL unit in the packet";
  }
}
