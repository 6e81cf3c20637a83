package io.swiftvr.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB48LE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P10LE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV422P10LE;

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

import io.swiftvr.planner.TestMedia;
import java.nio.file.Files;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.javacpp.PointerPointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * 10-bit HDR clips made from the real sample (no ffmpeg command here): its first frames scaled to a small size, with
 * a smooth ramp in the top rows (a sky, a graded wall: where 8 bits band), encoded as HEVC Main 10 (x265), H.264
 * High 10 (x264) or ProRes 422 HQ, tagged BT.2020 / PQ / limited range, with HDR10 static metadata in the container
 * (and, for x265, in the bitstream).
 */
public final class TenBitClips {
  /** The mastering display and content light level the clips carry, in x265's notation. */
  public static final String MASTERING = "G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50)";
  public static final String CONTENT_LIGHT = "1000,400";
  /** Rows of the ramp at the top of every frame. */
  public static final int RAMP_ROWS = 16;
  /** The ramp's 16-bit values run from here across the frame's width. */
  public static final int RAMP_FROM = 24000;
  public static final int RAMP_TO = 28000;

  private TenBitClips() {}

  /** {@code frames} frames of {@code width}x{@code height} in {@code codec}: libx265, libx264 or prores_ks. */
  public static Path write(Path file, String codec, int width, int height, int frames) throws Exception {
    Path encoded = file.resolveSibling("encoded-" + file.getFileName());
    encode(encoded, codec, width, height, frames);
    withHdrSideData(encoded, file);
    Files.delete(encoded);
    return file;
  }

  /**
   * An x265 clip whose HDR10 static metadata is only in its bitstream (SEI), not in its container: as many HDR MP4
   * files are written.
   */
  public static Path writeBitstreamHdrOnly(Path file, int width, int height, int frames) throws Exception {
    encode(file, "libx265", width, height, frames);
    return file;
  }

  private static void encode(Path file, String codec, int width, int height, int frames) throws Exception {
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(TestMedia.realShort().toString())) {
      grabber.setPixelFormat(AV_PIX_FMT_RGB24);
      grabber.setImageWidth(width);
      grabber.setImageHeight(height);
      grabber.start();
      FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
      recorder.setFormat(codec.equals("prores_ks") ? "mov" : "mp4");
      recorder.setVideoCodecName(codec);
      recorder.setPixelFormat(codec.equals("prores_ks") ? AV_PIX_FMT_YUV422P10LE : AV_PIX_FMT_YUV420P10LE);
      recorder.setFrameRate(24);
      recorder.setGopSize(8);
      recorder.setVideoOption("color_primaries", "bt2020");
      recorder.setVideoOption("color_trc", "smpte2084");
      recorder.setVideoOption("colorspace", "bt2020nc");
      recorder.setVideoOption("color_range", "tv");
      if (codec.equals("libx265")) {
        recorder.setVideoOption("x265-params", "log-level=error:master-display=" + MASTERING + ":max-cll="
            + CONTENT_LIGHT + ":hdr10=1");
        recorder.setVideoOption("crf", "4"); // near-lossless: the ramp's levels survive
      } else if (codec.equals("libx264")) {
        recorder.setVideoOption("crf", "4");
      } else {
        recorder.setVideoOption("profile", "3"); // ProRes 422 HQ
      }
      recorder.start();
      Frame out = new Frame(width, height, Frame.DEPTH_UBYTE, 6);
      ByteBuffer dst = ((ByteBuffer) out.image[0]).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < frames; i++) {
        Frame in = grabber.grabImage();
        ByteBuffer src = (ByteBuffer) in.image[0];
        for (int y = 0; y < height; y++) {
          for (int x = 0; x < width; x++) {
            for (int c = 0; c < 3; c++) {
              int v = y < RAMP_ROWS ? RAMP_FROM + (RAMP_TO - RAMP_FROM) * x / (width - 1)
                  : (src.get(y * in.imageStride + x * 3 + c) & 0xFF) * 257;
              dst.putShort(y * out.imageStride + x * 6 + c * 2, (short) v);
            }
          }
        }
        recorder.record(out, AV_PIX_FMT_RGB48LE);
      }
      recorder.close();
    }
  }

  /**
   * Copies {@code in}'s video packets into {@code out} with the HDR10 side data added to its stream, which the muxer
   * writes as the container's {@code mdcv}/{@code clli} boxes (JavaCV's recorder keeps its stream to itself).
   */
  private static void withHdrSideData(Path in, Path out) throws Exception {
    AVFormatContext input = new AVFormatContext(null);
    check(avformat_open_input(input, in.toString(), null, null), "open " + in);
    AVFormatContext output = new AVFormatContext(null);
    AVPacket packet = av_packet_alloc();
    try {
      check(avformat_find_stream_info(input, (PointerPointer<?>) null), "stream info");
      check(avformat_alloc_output_context2(output, null, null, out.toString()), "output " + out);
      AVStream stream = avformat_new_stream(output, null);
      check(avcodec_parameters_copy(stream.codecpar(), input.streams(0).codecpar()), "copy parameters");
      stream.codecpar().codec_tag(0);
      stream.time_base(input.streams(0).time_base());
      addHdrSideData(stream.codecpar());
      AVIOContext pb = new AVIOContext(null);
      check(avio_open(pb, out.toString(), AVIO_FLAG_WRITE), "open " + out + " for writing");
      output.pb(pb);
      check(avformat_write_header(output, (PointerPointer<?>) null), "write header");
      while (av_read_frame(input, packet) >= 0) {
        av_packet_rescale_ts(packet, input.streams(0).time_base(), stream.time_base());
        packet.pos(-1);
        check(av_interleaved_write_frame(output, packet), "write packet");
      }
      check(av_write_trailer(output), "write trailer");
    } finally {
      av_packet_free(packet);
      avformat_close_input(input);
      if (output.pb() != null) {
        avio_closep(output.pb());
      }
      avformat_free_context(output);
    }
  }

  private static void check(int rc, String what) {
    if (rc < 0) {
      throw new IllegalStateException(what + " failed: " + rc);
    }
  }

  /** The container's HDR10 static metadata ({@code mdcv}, {@code clli}): {@link #MASTERING}, {@link #CONTENT_LIGHT}. */
  private static void addHdrSideData(AVCodecParameters par) {
    HdrMetadata.addMissing(par, MASTERING, CONTENT_LIGHT);
  }
}
