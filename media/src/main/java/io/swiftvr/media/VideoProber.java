package io.swiftvr.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DISPLAYMATRIX;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_CORRUPT;
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

import io.swiftvr.planner.ColourInfo;
import io.swiftvr.planner.Damage;
import io.swiftvr.planner.FrameRanges;
import io.swiftvr.planner.InvalidVideoException;
import io.swiftvr.planner.StreamInfo;
import io.swiftvr.planner.VideoProbe;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
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
 * Reads a video's packets and returns a {@link VideoProbe}: exact frame count, per-frame timestamps in display order,
 * keyframe positions, rotation, colour metadata and the other streams. No frame is decoded, except the first one of a
 * deep or HDR stream whose container lacks its HDR10 static metadata ({@link BitstreamHdr}).
 *
 * <p>Counting packets is what makes the frame count exact: container durations are estimates, and users of peer tools
 * lose or duplicate frames by trusting them.
 *
 * <p>Reading every packet is also the cheap moment to find damage ({@link Damage}): packets the demuxer marks corrupt
 * or logs errors about, H.264/HEVC packets whose NAL framing is broken (the decoder drops them whole), and a file
 * that holds fewer frames than its own index lists (cut off). The caller's {@link DamagePolicy} decides what follows.
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
      List<String> findings = new ArrayList<>(times.findings);
      long indexed = video.nb_frames();
      if (indexed > times.packetsRead) {
        // Only some containers (MP4, MOV) index every frame; the others give 0 here.
        findings.add(String.format("cut off: its index lists %d video frames, the file holds %d", indexed,
            times.packetsRead));
      }
      if (times.count() == 0) {
        throw new InvalidVideoException(path, "video stream has zero frames");
      }
      // A damaged first keyframe is damage to repair, not the start of a cut stream to skip.
      boolean leadDamaged = times.leadDamaged();
      int undecodable = leadDamaged ? 0 : times.dropUndecodableLead();
      if (times.count() == 0) {
        throw new InvalidVideoException(path, "video stream has no keyframe: no frame can be decoded");
      }
      long[] pts = times.ptsInDisplayOrder();
      AVRational tb = video.time_base();
      // Where the file is damaged, frames the demuxer skipped are frames of the video all the same: they keep their
      // place (and a repair fills them), so the frame count and timing stay those of the undamaged file.
      long[] missing = findings.isEmpty() && times.firstDamage == null ? new long[0] : TimestampGaps.missing(pts);
      pts = withTimestamps(pts, missing);
      int[] keyframes = times.markedInDisplayOrder(times.key, pts);
      int[] damagedFrames = times.markedInDisplayOrder(times.damaged, pts);
      if (damagedFrames.length > 0) {
        String where = FrameRanges.describe(damagedFrames, pts, tb.num(), tb.den());
        findings.add(0, damagedFrames.length == 1
            ? String.format("a damaged packet: frame %s%s", where, times.firstDamage)
            : String.format("%d damaged packets: frames %s; the first%s", damagedFrames.length, where,
                times.firstDamage));
      }
      if (leadDamaged && keyframes.length > 0 && keyframes[0] > 0) {
        int[] lead = IntStream.range(0, keyframes[0]).toArray();
        findings.add(String.format("no keyframe before frame %d, so frames %s cannot be decoded", keyframes[0],
            FrameRanges.describe(lead, pts, tb.num(), tb.den())));
        damagedFrames = IntStream.concat(Arrays.stream(damagedFrames), Arrays.stream(lead)).distinct().sorted()
            .toArray();
      }
      if (missing.length > 0) {
        int[] missingFrames = new int[missing.length];
        for (int i = 0; i < missing.length; i++) {
          missingFrames[i] = Arrays.binarySearch(pts, missing[i]);
        }
        findings.add(String.format("%d frames missing (no packet, a gap in the timestamps): %s", missing.length,
            FrameRanges.describe(missingFrames, pts, tb.num(), tb.den())));
        damagedFrames = IntStream.concat(Arrays.stream(damagedFrames), Arrays.stream(missingFrames)).distinct()
            .sorted().toArray();
      }
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
          colour(path, par),
          otherStreams(ctx, videoIndex),
          findings.isEmpty() ? Damage.NONE : new Damage(findings, damagedFrames));
    } finally {
      av_packet_free(packet);
      avformat_close_input(ctx);
    }
  }

  /**
   * The stream's colour tags, depth and HDR10 static metadata. The metadata comes from the container; where a deep or
   * HDR stream's container has none, from its first decoded frame (the bitstream's SEI: {@link BitstreamHdr}).
   */
  private static ColourInfo colour(String path, AVCodecParameters par) {
    ColourInfo tags = new ColourInfo(
        nameOrNull(av_color_range_name(par.color_range())),
        nameOrNull(av_color_primaries_name(par.color_primaries())),
        nameOrNull(av_color_transfer_name(par.color_trc())),
        nameOrNull(av_color_space_name(par.color_space())),
        HdrMetadata.bitsPerSample(par.format()),
        HdrMetadata.masteringDisplay(par),
        HdrMetadata.contentLight(par));
    if (tags.masteringDisplay() != null || tags.contentLight() != null || !(tags.isDeep() || tags.isHdrTransfer())) {
      return tags;
    }
    BitstreamHdr.Found found = BitstreamHdr.firstFrame(path);
    return new ColourInfo(tags.range(), tags.primaries(), tags.transfer(), tags.space(), tags.bitsPerSample(),
        found.masteringDisplay(), found.contentLight());
  }

  private static PacketTimes readVideoPacketTimes(String path, AVFormatContext ctx, AVPacket packet, int videoIndex)
      throws InvalidVideoException {
    PacketTimes times = new PacketTimes();
    LengthPrefixedNals nals = LengthPrefixedNals.forStream(ctx.streams(videoIndex).codecpar());
    long previousDts = Long.MIN_VALUE;
    int rc;
    SkippedBytes skipped = new SkippedBytes(ctx.iformat().name().getString());
    // What the demuxer logs while reading is damage it met: "partial file", "File ended prematurely", broken elements.
    try (FfmpegLog.Capture log = FfmpegLog.capture()) {
      while ((rc = av_read_frame(ctx, packet)) >= 0) {
        try {
          skipped.packet(packet.pos(), packet.size());
          if (packet.stream_index() != videoIndex) {
            continue;
          }
          times.packetsRead++;
          if ((packet.flags() & AV_PKT_FLAG_DISCARD) != 0 || packet.size() == 0) {
            continue;
          }
          long pts = packet.pts();
          if (pts == AV_NOPTS_VALUE) {
            // Some containers (AVI, raw streams) carry only decode timestamps; without B-frame reordering they are
            // the presentation order too, and otherwise FFmpeg fills pts itself.
            pts = packet.dts() != AV_NOPTS_VALUE ? packet.dts() : (previousDts == Long.MIN_VALUE ? 0 : previousDts + 1);
          }
          previousDts = packet.dts() != AV_NOPTS_VALUE ? packet.dts() : pts;
          String damage = (packet.flags() & AV_PKT_FLAG_CORRUPT) != 0 ? "the demuxer marked it corrupt"
              : nals == null ? null : nals.problem(packet.data(), packet.size());
          times.add(pts, (packet.flags() & AV_PKT_FLAG_KEY) != 0, damage, packet.pos());
        } finally {
          av_packet_unref(packet);
        }
      }
      if (rc != AVERROR_EOF()) {
        throw new InvalidVideoException(
            path, "truncated or corrupt after " + times.count() + " video packets (" + log.reason(rc) + ")");
      }
      if (skipped.finding() != null) {
        times.findings.add(skipped.finding());
      }
      List<String> logged = log.lines();
      if (!logged.isEmpty()) {
        // The first lines say what happened; the rest repeat it for the next packets.
        int shown = Math.min(2, logged.size());
        List<String> first = new ArrayList<>();
        for (String line : logged.subList(0, shown)) {
          first.add(line.endsWith(".") ? line.substring(0, line.length() - 1) : line);
        }
        times.findings.add("FFmpeg reported while reading it: " + String.join("; ", first)
            + (logged.size() > shown ? String.format(" (and %d more)", logged.size() - shown) : ""));
      }
    }
    return times;
  }

  /** Ascending {@code pts} with the ascending {@code extra} merged in. */
  private static long[] withTimestamps(long[] pts, long[] extra) {
    if (extra.length == 0) {
      return pts;
    }
    long[] all = Arrays.copyOf(pts, pts.length + extra.length);
    System.arraycopy(extra, 0, all, pts.length, extra.length);
    Arrays.sort(all);
    return all;
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
}
