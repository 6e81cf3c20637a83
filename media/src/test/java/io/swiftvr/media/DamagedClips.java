package io.swiftvr.media;

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
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

import io.swiftvr.planner.TestMedia;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;

/**
 * Real clips damaged the way archive files are: bytes overwritten in the middle, or the end cut off. The damage is
 * seeded, so the tests can assert exact messages.
 */
public final class DamagedClips {
  private DamagedClips() {}

  /** samples/cockatoo.mp4 (720p, 280 frames) with 20 KB of seeded random bytes written over its middle. */
  public static Path cockatooCorruptMiddle(Path dir) throws IOException {
    return overwriteMiddle(TestMedia.repoRoot().resolve("samples/cockatoo.mp4"), dir.resolve("corrupt-middle.mp4"),
        20 * 1024);
  }

  /** {@code source} with {@code bytes} seeded random bytes written from its middle on, as {@code target}. */
  public static Path overwriteMiddle(Path source, Path target, int bytes) throws IOException {
    return overwrite(source, target, Files.size(source) / 2, bytes);
  }

  /**
   * samples/realshort.mp4 with the length field of its first video packet (the keyframe, at byte 32) overwritten:
   * the first keyframe cannot be decoded, and the next one is frame 30.
   */
  public static Path realShortBrokenFirstKeyframe(Path dir) throws IOException {
    return overwrite(TestMedia.realShort(), dir.resolve("broken-first-keyframe.mp4"), 32, 8);
  }

  private static Path overwrite(Path source, Path target, long offset, int bytes) throws IOException {
    byte[] data = Files.readAllBytes(source);
    byte[] noise = new byte[bytes];
    new Random(27).nextBytes(noise);
    System.arraycopy(noise, 0, data, (int) offset, bytes);
    return Files.write(target, data);
  }

  /** The first {@code fraction} of {@code source}'s bytes, as {@code target}. */
  public static Path cutOff(Path source, Path target, double fraction) throws IOException {
    byte[] data = Files.readAllBytes(source);
    return Files.write(target, Arrays.copyOf(data, (int) (data.length * fraction)));
  }

  /**
   * samples/cockatoo.mp4 copied packet by packet (no re-encoding) into {@code target}, whose extension picks the
   * container; for MP4 the index goes first ("faststart", as streaming sites serve files), so that a cut-off copy
   * still opens and only its tail is missing.
   */
  public static Path cockatooAs(Path target) throws IOException {
    remux(TestMedia.repoRoot().resolve("samples/cockatoo.mp4").toString(), target.toString());
    return target;
  }

  /** samples/realshort.mp4 (36 frames) copied packet by packet into {@code target}, as {@link #cockatooAs}. */
  public static Path realShortAs(Path target) throws IOException {
    remux(TestMedia.realShort().toString(), target.toString());
    return target;
  }

  private static void remux(String in, String out) throws IOException {
    FfmpegLog.quiet();
    AVFormatContext input = new AVFormatContext(null);
    check(avformat_open_input(input, in, null, null), in);
    AVFormatContext output = new AVFormatContext(null);
    AVPacket packet = av_packet_alloc();
    AVDictionary options = new AVDictionary(null);
    try {
      check(avformat_find_stream_info(input, (AVDictionary) null), in);
      check(avformat_alloc_output_context2(output, null, null, out), out);
      for (int i = 0; i < input.nb_streams(); i++) {
        AVStream stream = avformat_new_stream(output, null);
        check(avcodec_parameters_copy(stream.codecpar(), input.streams(i).codecpar()), out);
        stream.codecpar().codec_tag(0);
      }
      AVIOContext io = new AVIOContext(null);
      check(avio_open(io, out, AVIO_FLAG_WRITE), out);
      output.pb(io);
      av_dict_set(options, "movflags", "+faststart", 0);
      av_dict_set(options, "fflags", "+bitexact", 0); // the same bytes on every run, so offsets in messages hold
      check(avformat_write_header(output, options), out);
      while (av_read_frame(input, packet) >= 0) {
        av_packet_rescale_ts(packet, input.streams(packet.stream_index()).time_base(),
            output.streams(packet.stream_index()).time_base());
        packet.pos(-1);
        check(av_interleaved_write_frame(output, packet), out);
      }
      check(av_write_trailer(output), out);
    } finally {
      av_dict_free(options);
      av_packet_free(packet);
      if (output.pb() != null && !output.pb().isNull()) {
        avio_closep(output.pb());
      }
      avformat_free_context(output);
      avformat_close_input(input);
    }
  }

  private static void check(int rc, String file) throws IOException {
    if (rc < 0) {
      throw new IOException(file + ": " + FfmpegLog.describe(rc));
    }
  }
}
