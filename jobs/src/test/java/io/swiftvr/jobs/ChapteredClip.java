package io.swiftvr.jobs;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;

import io.swiftvr.media.Chapters;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;

/** A real clip remuxed (stream copy) into Matroska with chapters, the way an authored film arrives. */
final class ChapteredClip {
  private ChapteredClip() {}

  static Path write(Path source, Path target, Chapters chapters) {
    AVFormatContext in = new AVFormatContext(null);
    check(avformat_open_input(in, source.toString(), null, null));
    check(avformat_find_stream_info(in, (org.bytedeco.ffmpeg.avutil.AVDictionary) null));
    AVFormatContext out = new AVFormatContext(null);
    check(avformat_alloc_output_context2(out, null, "matroska", target.toString()));
    AVPacket packet = av_packet_alloc();
    try {
      for (int i = 0; i < in.nb_streams(); i++) {
        AVStream stream = avformat_new_stream(out, null);
        check(avcodec_parameters_copy(stream.codecpar(), in.streams(i).codecpar()));
        stream.codecpar().codec_tag(0);
        stream.time_base(in.streams(i).time_base());
      }
      chapters.writeTo(out);
      AVIOContext pb = new AVIOContext(null);
      check(avio_open(pb, target.toString(), AVIO_FLAG_WRITE));
      out.pb(pb);
      check(avformat_write_header(out, (org.bytedeco.ffmpeg.avutil.AVDictionary) null));
      while (av_read_frame(in, packet) >= 0) {
        int s = packet.stream_index();
        av_packet_rescale_ts(packet, in.streams(s).time_base(), out.streams(s).time_base());
        packet.pos(-1);
        check(av_interleaved_write_frame(out, packet));
      }
      check(av_write_trailer(out));
    } finally {
      av_packet_free(packet);
      avformat_close_input(in);
      avio_closep(out.pb());
      avformat_free_context(out);
    }
    return target;
  }

  static Chapters read(Path file) {
    AVFormatContext ctx = new AVFormatContext(null);
    check(avformat_open_input(ctx, file.toString(), null, null));
    try {
      return Chapters.of(ctx);
    } finally {
      avformat_close_input(ctx);
    }
  }

  private static void check(int rc) {
    if (rc < 0) {
      throw new IllegalStateException("FFmpeg error " + rc);
    }
  }
}
