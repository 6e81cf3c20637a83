package io.swiftvr.media;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_FRAME_DATA_CONTENT_LIGHT_LEVEL;
import static org.bytedeco.ffmpeg.global.avutil.AV_FRAME_DATA_MASTERING_DISPLAY_METADATA;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_side_data;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVContentLightMetadata;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVFrameSideData;
import org.bytedeco.ffmpeg.avutil.AVMasteringDisplayMetadata;
import org.bytedeco.javacpp.PointerPointer;

/**
 * HDR10 static metadata that a stream carries only in its bitstream (HEVC and H.264 SEI messages, AV1 metadata OBUs)
 * and not in its container: many HDR MP4 files are written without {@code mdcv}/{@code clli} boxes. Read as a player
 * reads it, from the side data of the first decoded frame. Without it an HDR film would be restored and published
 * without its mastering display, and the screens it is shown on would guess.
 */
final class BitstreamHdr {
  /** Packets fed to the decoder before giving up: a keyframe's access unit comes first, reordering holds a few. */
  private static final int MAX_PACKETS = 32;

  /** What the first frame says, in x265's notation ({@link HdrMetadata}); a field is null where it says nothing. */
  record Found(String masteringDisplay, String contentLight) {
    static final Found NOTHING = new Found(null, null);
  }

  private BitstreamHdr() {}

  /** The first frame's HDR10 static metadata; {@link Found#NOTHING} where it has none or cannot be decoded. */
  static Found firstFrame(String path) {
    AVFormatContext ctx = new AVFormatContext(null);
    if (avformat_open_input(ctx, path, null, null) < 0) {
      return Found.NOTHING;
    }
    AVCodecContext decoder = null;
    AVPacket packet = av_packet_alloc();
    AVFrame frame = av_frame_alloc();
    try (FfmpegLog.Capture ignored = FfmpegLog.capture()) { // the prober already reported the file's damage
      if (avformat_find_stream_info(ctx, (PointerPointer<?>) null) < 0) {
        return Found.NOTHING;
      }
      int video = av_find_best_stream(ctx, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
      if (video < 0) {
        return Found.NOTHING;
      }
      AVCodec codec = avcodec_find_decoder(ctx.streams(video).codecpar().codec_id());
      if (codec == null || codec.isNull()) {
        return Found.NOTHING;
      }
      decoder = avcodec_alloc_context3(codec);
      if (avcodec_parameters_to_context(decoder, ctx.streams(video).codecpar()) < 0) {
        return Found.NOTHING;
      }
      decoder.thread_count(1); // one frame is wanted; frame threads would hold it back
      if (avcodec_open2(decoder, codec, (AVDictionary) null) < 0) {
        return Found.NOTHING;
      }
      int sent = 0;
      while (sent < MAX_PACKETS && av_read_frame(ctx, packet) >= 0) {
        try {
          if (packet.stream_index() != video) {
            continue;
          }
          sent++;
          avcodec_send_packet(decoder, packet);
          if (avcodec_receive_frame(decoder, frame) == 0) {
            return read(frame);
          }
        } finally {
          av_packet_unref(packet);
        }
      }
      avcodec_send_packet(decoder, null); // a short stream: drain what the decoder holds
      return avcodec_receive_frame(decoder, frame) == 0 ? read(frame) : Found.NOTHING;
    } finally {
      av_frame_free(frame);
      av_packet_free(packet);
      if (decoder != null) {
        avcodec_free_context(decoder);
      }
      avformat_close_input(ctx);
    }
  }

  private static Found read(AVFrame frame) {
    AVFrameSideData mastering = av_frame_get_side_data(frame, AV_FRAME_DATA_MASTERING_DISPLAY_METADATA);
    AVFrameSideData light = av_frame_get_side_data(frame, AV_FRAME_DATA_CONTENT_LIGHT_LEVEL);
    return new Found(
        mastering == null || mastering.isNull() ? null
            : HdrMetadata.masteringDisplay(new AVMasteringDisplayMetadata(mastering.data())),
        light == null || light.isNull() ? null : HdrMetadata.contentLight(new AVContentLightMetadata(light.data())));
  }
}
