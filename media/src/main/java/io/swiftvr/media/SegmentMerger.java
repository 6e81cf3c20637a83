package io.swiftvr.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DISPLAYMATRIX;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_NOFILE;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_query_codec;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import io.swiftvr.media.FfmpegLog;
import io.swiftvr.planner.ColourInfo;
import io.swiftvr.planner.VideoProbe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins a video's restored segments into one file by stream copy, puts the source's own timestamps back on every
 * frame, and copies the source's audio, subtitle and data streams, chapters, container metadata, rotation and colour
 * tags unchanged. Nothing is re-encoded, so audio stays bit-exact and in sync.
 *
 * <p>JavaCV's recorder cannot mix re-encoded video with copied streams, hence raw libavformat here.
 */
public final class SegmentMerger {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentMerger.class);

  /** What the merge wrote, and which source streams the output container could not take. */
  public record MergeResult(int videoPackets, int copiedPackets, List<String> droppedStreams) {}

  /**
   * @param segments the shard segments in playback order, with the video frame index each one starts at
   */
  public MergeResult merge(VideoProbe source, List<Path> segments, int[] segmentFirstFrames, Path output)
      throws IOException {
    FfmpegLog.quiet();
    List<Segment> parts = new ArrayList<>();
    for (int i = 0; i < segments.size(); i++) {
      parts.add(Segment.scan(segments.get(i), segmentFirstFrames[i]));
    }
    int videoPackets = parts.stream().mapToInt(s -> s.pts.length).sum();
    if (videoPackets != source.frameCount()) {
      throw new IOException(String.format(
          "Segments of %s hold %d frames, the source has %d", source.uri(), videoPackets, source.frameCount()));
    }
    int reorderDelay = parts.stream().mapToInt(s -> s.reorderDelay).max().orElse(0);

    AVFormatContext in = openInput(source.uri());
    AVFormatContext out = new AVFormatContext(null);
    AVPacket packet = av_packet_alloc();
    try {
      int rc = avformat_alloc_output_context2(out, null, null, output.toString());
      check(rc, "cannot create an output for " + output);
      // The same segments must give the same bytes on every run, so reruns and report checksums can be compared:
      // without this flag Matroska writes a random segment UID (and the time of writing when the source has no
      // creation_time), and muxers write their library version.
      check(av_opt_set(out, "fflags", "+bitexact", 0), "set fflags=+bitexact");
      int sourceVideo = av_find_best_stream(in, AVMEDIA_TYPE_VIDEO, -1, -1, (org.bytedeco.ffmpeg.avcodec.AVCodec) null, 0);
      AVStream sourceVideoStream = in.streams(sourceVideo);

      AVStream videoOut = avformat_new_stream(out, null);
      AVFormatContext firstSegment = openInput(segments.get(0).toString());
      try {
        AVStream segmentVideo = firstSegment.streams(0);
        check(avcodec_parameters_copy(videoOut.codecpar(), segmentVideo.codecpar()), "copy video parameters");
      } finally {
        avformat_close_input(firstSegment);
      }
      copyVideoTags(sourceVideoStream, videoOut, source.colour());
      videoOut.time_base(sourceVideoStream.time_base());

      int[] outIndexOf = new int[in.nb_streams()];
      Arrays.fill(outIndexOf, -1);
      List<String> dropped = new ArrayList<>();
      for (int i = 0; i < in.nb_streams(); i++) {
        if (i == sourceVideo) {
          continue;
        }
        AVStream s = in.streams(i);
        if (avformat_query_codec(out.oformat(), s.codecpar().codec_id(), 0) != 1) {
          dropped.add("stream " + i + " (" + org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name(
              s.codecpar().codec_id()).getString() + ") is not supported by " + out.oformat().name().getString());
          continue;
        }
        AVStream copy = avformat_new_stream(out, null);
        check(avcodec_parameters_copy(copy.codecpar(), s.codecpar()), "copy stream parameters");
        copy.codecpar().codec_tag(0);
        copy.time_base(s.time_base());
        copy.disposition(s.disposition());
        copy.metadata(copyOf(s.metadata()));
        outIndexOf[i] = copy.index();
      }
      out.metadata(copyOf(in.metadata()));
      Chapters.of(in).writeTo(out);
      for (String d : dropped) {
        LOG.warn("{}: {}", source.uri(), d);
      }

      if ((out.oformat().flags() & AVFMT_NOFILE) == 0) {
        AVIOContext pb = new AVIOContext(null);
        check(avio_open(pb, output.toString(), AVIO_FLAG_WRITE), "cannot open " + output + " for writing");
        out.pb(pb);
      }
      check(avformat_write_header(out, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "write header");

      int copied = writeInterleaved(source, parts, reorderDelay, in, sourceVideo, outIndexOf, out, videoOut, packet);
      check(av_write_trailer(out), "write trailer");
      return new MergeResult(videoPackets, copied, List.copyOf(dropped));
    } finally {
      av_packet_free(packet);
      avformat_close_input(in);
      if (out.pb() != null && !out.pb().isNull()) {
        avio_closep(out.pb());
      }
      avformat_free_context(out);
    }
  }

  /**
   * Writes video packets (segment after segment) and the source's other packets in timestamp order. Video packet
   * {@code k} in decode order gets the source presentation time of its own frame, and the decode time of frame
   * {@code k - reorderDelay}: increasing, and never after the presentation time.
   */
  private int writeInterleaved(
      VideoProbe source, List<Segment> parts, int reorderDelay, AVFormatContext in, int sourceVideo,
      int[] outIndexOf, AVFormatContext out, AVStream videoOut, AVPacket packet) throws IOException {
    AVRational sourceTb = in.streams(sourceVideo).time_base();
    AVRational videoTb = videoOut.time_base();
    long[] pts = source.framePts();
    long nominal = Math.max(1, Math.round((double) source.timeBaseDen() * source.frameRateDen()
        / ((double) source.timeBaseNum() * source.frameRateNum())));
    AVPacket other = av_packet_alloc();
    boolean otherPending = readOther(in, sourceVideo, outIndexOf, other);
    int copied = 0;
    int k = 0;
    try {
      for (Segment part : parts) {
        AVFormatContext seg = openInput(part.path.toString());
        try {
          int rc;
          while ((rc = av_read_frame(seg, packet)) >= 0) {
            if (packet.stream_index() != 0) {
              av_packet_unref(packet);
              continue;
            }
            int local = Arrays.binarySearch(part.pts, packet.pts());
            long framePts = pts[part.firstFrame + local];
            long dts = k >= reorderDelay ? pts[k - reorderDelay] : pts[0] - (long) (reorderDelay - k) * nominal;
            k++;
            packet.stream_index(videoOut.index());
            packet.pts(av_rescale_q(framePts, sourceTb, videoTb));
            packet.dts(av_rescale_q(dts, sourceTb, videoTb));
            packet.duration(av_rescale_q(nominal, sourceTb, videoTb));
            packet.pos(-1);
            // Hand over the source packets that play before this frame, so the file stays interleaved.
            while (otherPending && before(other, in, packet, videoTb)) {
              writeOther(in, out, outIndexOf, other);
              copied++;
              otherPending = readOther(in, sourceVideo, outIndexOf, other);
            }
            check(av_interleaved_write_frame(out, packet), "write video packet");
          }
          if (rc != AVERROR_EOF()) {
            check(rc, "read segment " + part.path);
          }
        } finally {
          avformat_close_input(seg);
        }
      }
      while (otherPending) {
        writeOther(in, out, outIndexOf, other);
        copied++;
        otherPending = readOther(in, sourceVideo, outIndexOf, other);
      }
      return copied;
    } finally {
      av_packet_free(other);
    }
  }

  private static boolean before(AVPacket other, AVFormatContext in, AVPacket video, AVRational videoTb) {
    long t = other.dts() != AV_NOPTS_VALUE ? other.dts() : other.pts();
    if (t == AV_NOPTS_VALUE) {
      return true;
    }
    return org.bytedeco.ffmpeg.global.avutil.av_compare_ts(
        t, in.streams(other.stream_index()).time_base(), video.dts(), videoTb) <= 0;
  }

  /** Reads the next source packet that goes to the output (skipping the source video and dropped streams). */
  private static boolean readOther(AVFormatContext in, int sourceVideo, int[] outIndexOf, AVPacket packet)
      throws IOException {
    int rc;
    while ((rc = av_read_frame(in, packet)) >= 0) {
      int s = packet.stream_index();
      if (s != sourceVideo && outIndexOf[s] >= 0) {
        return true;
      }
      av_packet_unref(packet);
    }
    if (rc != AVERROR_EOF()) {
      check(rc, "read source");
    }
    return false;
  }

  private static void writeOther(AVFormatContext in, AVFormatContext out, int[] outIndexOf, AVPacket packet)
      throws IOException {
    int s = packet.stream_index();
    AVStream target = out.streams(outIndexOf[s]);
    AVRational from = in.streams(s).time_base();
    AVRational to = target.time_base();
    if (packet.pts() != AV_NOPTS_VALUE) {
      packet.pts(av_rescale_q(packet.pts(), from, to));
    }
    if (packet.dts() != AV_NOPTS_VALUE) {
      packet.dts(av_rescale_q(packet.dts(), from, to));
    }
    packet.duration(av_rescale_q(packet.duration(), from, to));
    packet.stream_index(target.index());
    packet.pos(-1);
    check(av_interleaved_write_frame(out, packet), "write copied packet");
  }

  private static void copyVideoTags(AVStream source, AVStream target, ColourInfo colour) {
    AVCodecParameters from = source.codecpar();
    AVCodecParameters to = target.codecpar();
    to.codec_tag(0);
    // The frames were converted with the same matrix in both directions, so the source's tags describe the output.
    to.color_range(from.color_range());
    to.color_primaries(from.color_primaries());
    to.color_trc(from.color_trc());
    to.color_space(from.color_space());
    target.metadata(copyOf(source.metadata()));
    AVPacketSideData matrix = CodedSideData.get(from, AV_PKT_DATA_DISPLAYMATRIX);
    if (matrix != null && matrix.size() >= 36) {
      CodedSideData.add(to, AV_PKT_DATA_DISPLAYMATRIX, matrix.data(), matrix.size());
    }
    // HDR10 static metadata (mastering display, content light level): the source's describe the output as its colour
    // tags do; the model changes pixels, not the grading they were made for. A source that has them only in its
    // bitstream gets them from the probe, which read them from its first frame.
    HdrMetadata.copy(from, to);
    if (colour != null) {
      HdrMetadata.addMissing(to, colour.masteringDisplay(), colour.contentLight());
    }
  }

  /** A new dictionary with the entries of {@code source}; FFmpeg allocates it, the caller's struct owns it. */
  private static AVDictionary copyOf(AVDictionary source) {
    AVDictionary copy = new AVDictionary(null);
    if (source != null && !source.isNull()) {
      av_dict_copy(copy, source, 0); // JavaCPP writes the allocated address back into 'copy'
    }
    return copy.isNull() ? null : copy;
  }

  private static AVFormatContext openInput(String path) throws IOException {
    AVFormatContext ctx = new AVFormatContext(null);
    check(avformat_open_input(ctx, path, null, null), "cannot open " + path);
    check(avformat_find_stream_info(ctx, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "cannot read " + path);
    return ctx;
  }

  private static void check(int rc, String what) throws IOException {
    if (rc < 0) {
      throw new IOException(what + ": " + FfmpegLog.describe(rc));
    }
  }

  /** A segment's video packet timestamps (sorted: display order) and how far decode order runs ahead of display. */
  private record Segment(Path path, int firstFrame, long[] pts, int reorderDelay) {
    static Segment scan(Path path, int firstFrame) throws IOException {
      AVFormatContext ctx = openInput(path.toString());
      AVPacket packet = av_packet_alloc();
      try {
        long[] decodeOrder = new long[256];
        int n = 0;
        int rc;
        while ((rc = av_read_frame(ctx, packet)) >= 0) {
          if (packet.stream_index() == 0) {
            if (n == decodeOrder.length) {
              decodeOrder = Arrays.copyOf(decodeOrder, n * 2);
            }
            decodeOrder[n++] = packet.pts();
          }
          av_packet_unref(packet);
        }
        if (rc != AVERROR_EOF()) {
          check(rc, "read segment " + path);
        }
        long[] display = Arrays.copyOf(decodeOrder, n);
        Arrays.sort(display);
        int delay = 0;
        for (int k = 0; k < n; k++) {
          delay = Math.max(delay, k - Arrays.binarySearch(display, decodeOrder[k]));
        }
        return new Segment(path, firstFrame, display, delay);
      } finally {
        av_packet_free(packet);
        avformat_close_input(ctx);
      }
    }
  }
}
