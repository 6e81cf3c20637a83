package io.swiftvr.jobs;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.av_q2d;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;

/** Reads a file's audio packets (payload checksum and time in seconds) to compare a restored file with its source. */
final class MediaAssertions {
  private MediaAssertions() {}

  record AudioPacket(String sha256, double seconds) {}

  /** Every frame's presentation time in seconds, in display order. */
  static double[] frameSeconds(io.swiftvr.planner.VideoProbe probe) {
    return java.util.Arrays.stream(probe.framePts())
        .mapToDouble(p -> (double) p * probe.timeBaseNum() / probe.timeBaseDen()).toArray();
  }

  static List<AudioPacket> audioPackets(String path) throws Exception {
    AVFormatContext ctx = new AVFormatContext(null);
    if (avformat_open_input(ctx, path, null, null) < 0) {
      throw new IllegalArgumentException("cannot open " + path);
    }
    avformat_find_stream_info(ctx, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
    AVPacket packet = av_packet_alloc();
    List<AudioPacket> packets = new ArrayList<>();
    try {
      while (av_read_frame(ctx, packet) >= 0) {
        var stream = ctx.streams(packet.stream_index());
        if (stream.codecpar().codec_type() == AVMEDIA_TYPE_AUDIO) {
          byte[] data = new byte[packet.size()];
          packet.data().get(data);
          String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
          packets.add(new AudioPacket(sha, packet.pts() * av_q2d(stream.time_base())));
        }
        av_packet_unref(packet);
      }
    } finally {
      av_packet_free(packet);
      avformat_close_input(ctx);
    }
    return packets;
  }
}
