package io.swiftvr.planner;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DISPLAYMATRIX;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_DISCARD;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_side_data_get;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_color_primaries_name;
import static org.bytedeco.ffmpeg.global.avutil.av_color_range_name;
import static org.bytedeco.ffmpeg.global.avutil.av_color_space_name;
import static org.bytedeco.ffmpeg.global.avutil.av_color_transfer_name;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_get;
import static org.bytedeco.ffmpeg.global.avutil.av_display_rotation_get;
import static org.bytedeco.ffmpeg.global.avutil.av_get_media_type_string;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * Reads a video's packets (never decoding a frame) and returns a {@link VideoProbe}: exact frame count, per-frame
 * timestamps in display order, keyframe positions, rotation, colour metadata and the other streams.
 *
 * <p>Counting packets is what makes the frame count exact: container durations are estimates, and users of peer tools
 * lose or duplicate frames by trusting them.
 */
public final class VideoProber {

  public VideoProbe probe(String path) throws InvalidVideoException {
    File file = new File(path);
    if (!file.isFile()) {
      throw new InvalidVideoException(path, "file not found");
    }
    if (file.length() == 0) {
      throw new InvalidVideoException(path, "file is empty");
    }
    FfmpegLog.quiet();
    AVFormatContext ctx = new AVFormatContext(null);
    int rc;
    // FFmpeg's log says why ("moov atom not found"); the return code alone only says "Invalid data".
    try (FfmpegLog.Capture log = FfmpegLog.capture()) {
      rc = avformat_open_input(ctx, path, null, null);
      if (rc < 0) {
        throw new InvalidVideoException(path, "not a video file FFmpeg can open (" + log.reason(rc) + ")");
      }
    }
    AVPacket packet = av_packet_alloc();
    try {
      try (FfmpegLog.Capture log = FfmpegLog.capture()) {
        rc = avformat_find_stream_info(ctx, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
        if (rc < 0) {
          throw new InvalidVideoException(path, "cannot read stream information (" + log.reason(rc) + ")");
        }
      }
      int videoIndex = av_find_best_stream(ctx, AVMEDIA_TYPE_VIDEO, -1, -1, (org.bytedeco.ffmpeg.avcodec.AVCodec) null, 0);
      if (videoIndex < 0) {
        throw new InvalidVideoException(path, "no video stream");
      }
      AVStream video = ctx.streams(videoIndex);
      AVCodecParameters par = video.codecpar();
      if (par.width() <= 0 || par.height() <= 0) {
        throw new InvalidVideoException(path, "video stream has no frame size");
      }

      PacketTimes times = readVideoPacketTimes(path, ctx, packet, videoIndex);
      if (times.count() == 0) {
        throw new InvalidVideoException(path, "video stream has zero frames");
      }
      int undecodable = times.dropUndecodableLead();
      if (times.count() == 0) {
        throw new InvalidVideoException(path, "video stream has no keyframe: no frame can be decoded");
      }
      long[] pts = times.ptsInDisplayOrder();
      int[] keyframes = times.keyframesInDisplayOrder(pts);
      AVRational tb = video.time_base();
      AVRational rate = video.avg_frame_rate().num() > 0 ? video.avg_frame_rate() : video.r_frame_rate();
      int rateNum = rate.num() > 0 ? rate.num() : 25;
      int rateDen = rate.num() > 0 ? rate.den() : 1;
      return new VideoProbe(
          path,
          file.length(),
          ctx.iformat().name().getString(),
          avcodec_get_name(par.codec_id()).getString(),
          par.width(),
          par.height(),
          rotation(par),
          tb.num(),
          tb.den(),
          rateNum,
          rateDen,
          isVariableFrameRate(pts),
          times.reordered(),
          undecodable,
          pts,
          keyframes,
          new ColourInfo(
              nameOrNull(av_color_range_name(par.color_range())),
              nameOrNull(av_color_primaries_name(par.color_primaries())),
              nameOrNull(av_color_transfer_name(par.color_trc())),
              nameOrNull(av_color_space_name(par.color_space()))),
          otherStreams(ctx, videoIndex));
    } finally {
      av_packet_free(packet);
      avformat_close_input(ctx);
    }
  }

  private static PacketTimes readVideoPacketTimes(String path, AVFormatContext ctx, AVPacket packet, int videoIndex)
      throws InvalidVideoException {
    PacketTimes times = new PacketTimes();
    long previousDts = Long.MIN_VALUE;
    int rc;
    while ((rc = av_read_frame(ctx, packet)) >= 0) {
      try {
        if (packet.stream_index() != videoIndex || (packet.flags() & AV_PKT_FLAG_DISCARD) != 0 || packet.size() == 0) {
          continue;
        }
        long pts = packet.pts();
        if (pts == AV_NOPTS_VALUE) {
          // Some containers (AVI, raw streams) carry only decode timestamps; without B-frame reordering they are
          // the presentation order too, and otherwise FFmpeg fills pts itself.
          pts = packet.dts() != AV_NOPTS_VALUE ? packet.dts() : (previousDts == Long.MIN_VALUE ? 0 : previousDts + 1);
        }
        previousDts = packet.dts() != AV_NOPTS_VALUE ? packet.dts() : pts;
        times.add(pts, (packet.flags() & AV_PKT_FLAG_KEY) != 0);
      } finally {
        av_packet_unref(packet);
      }
    }
    if (rc != AVERROR_EOF()) {
      throw new InvalidVideoException(
          path, "truncated or corrupt after " + times.count() + " video packets (" + FfmpegLog.describe(rc) + ")");
    }
    return times;
  }

  private static int rotation(AVCodecParameters par) {
    AVPacketSideData sideData =
        av_packet_side_data_get(par.coded_side_data(), par.nb_coded_side_data(), AV_PKT_DATA_DISPLAYMATRIX);
    if (sideData == null || sideData.isNull() || sideData.size() < 36) {
      return 0;
    }
    double degrees = av_display_rotation_get(new IntPointer(sideData.data()));
    if (Double.isNaN(degrees)) {
      return 0;
    }
    // FFmpeg reports counter-clockwise degrees; players rotate clockwise by the negated angle.
    long clockwise = Math.round(-degrees) % 360;
    return (int) (clockwise < 0 ? clockwise + 360 : clockwise);
  }

  private static boolean isVariableFrameRate(long[] pts) {
    if (pts.length < 3) {
      return false;
    }
    long[] deltas = new long[pts.length - 1];
    for (int i = 1; i < pts.length; i++) {
      deltas[i - 1] = pts[i] - pts[i - 1];
    }
    long[] sorted = deltas.clone();
    Arrays.sort(sorted);
    long median = sorted[sorted.length / 2];
    // Rounding of timestamps to the time base makes constant-rate streams jitter by one tick; more is VFR.
    for (long d : deltas) {
      if (Math.abs(d - median) > Math.max(1, median / 100)) {
        return true;
      }
    }
    return false;
  }

  private static List<StreamInfo> otherStreams(AVFormatContext ctx, int videoIndex) {
    List<StreamInfo> streams = new ArrayList<>();
    for (int i = 0; i < ctx.nb_streams(); i++) {
      if (i == videoIndex) {
        continue;
      }
      AVStream stream = ctx.streams(i);
      AVCodecParameters par = stream.codecpar();
      BytePointer type = av_get_media_type_string(par.codec_type());
      AVDictionaryEntry language = av_dict_get(stream.metadata(), "language", null, 0);
      streams.add(new StreamInfo(
          i,
          type == null || type.isNull() ? "unknown" : type.getString(),
          avcodec_get_name(par.codec_id()).getString(),
          language == null || language.isNull() ? null : language.value().getString()));
    }
    return List.copyOf(streams);
  }

  private static String nameOrNull(BytePointer name) {
    return name == null || name.isNull() ? null : name.getString();
  }

  /** Packet timestamps in decode order, turned into display order once all are read. */
  private static final class PacketTimes {
    private long[] pts = new long[1024];
    private boolean[] key = new boolean[1024];
    private int count;

    void add(long value, boolean keyframe) {
      if (count == pts.length) {
        pts = Arrays.copyOf(pts, count * 2);
        key = Arrays.copyOf(key, count * 2);
      }
      pts[count] = value;
      key[count] = keyframe;
      count++;
    }

    int count() {
      return count;
    }

    /**
     * Drops what precedes the first keyframe: packets before it in decode order, and pictures after it that display
     * before it (they reference frames the stream no longer holds). Decoders output neither.
     */
    int dropUndecodableLead() {
      int first = 0;
      while (first < count && !key[first]) {
        first++;
      }
      if (first == count) {
        int dropped = count;
        count = 0;
        return dropped;
      }
      long keyPts = pts[first];
      int kept = 0;
      for (int i = first; i < count; i++) {
        if (pts[i] >= keyPts) {
          pts[kept] = pts[i];
          key[kept] = key[i];
          kept++;
        }
      }
      int dropped = count - kept;
      count = kept;
      return dropped;
    }

    /** True when some packet is stored before a packet that displays earlier: B-frames. */
    boolean reordered() {
      for (int i = 1; i < count; i++) {
        if (pts[i] < pts[i - 1]) {
          return true;
        }
      }
      return false;
    }

    long[] ptsInDisplayOrder() {
      long[] sorted = Arrays.copyOf(pts, count);
      Arrays.sort(sorted);
      return sorted;
    }

    int[] keyframesInDisplayOrder(long[] displayPts) {
      int[] result = new int[count];
      int n = 0;
      for (int i = 0; i < count; i++) {
        if (key[i]) {
          result[n++] = Arrays.binarySearch(displayPts, pts[i]);
        }
      }
      int[] keyframes = Arrays.copyOf(result, n);
      Arrays.sort(keyframes);
      return keyframes;
    }
  }
}
