package io.swiftvr.media;

import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * x265 gets no B-frames for a segment of one or two frames: with them, x265 4.0 stamps such an encode with a DTS
 * read from uninitialised memory (SegmentEncoder.X265_SHORTEST_REORDERED), which failed a CI run's encoder check with
 * "pts (0) < dts (512)". What is checked is the stream's reorder depth from its parameter sets: 0 without B-frames.
 */
class ShortX265SegmentTest {
  private static final EncoderSettings X265 = new EncoderSettings("libx265", 18, "ultrafast");

  @Test
  void oneAndTwoFrameSegmentsHaveNoReordering(@TempDir Path dir) throws Exception {
    assertEquals(0, reorderDepth(encode(dir.resolve("one.mp4"), 1, 1)));
    assertEquals(0, reorderDepth(encode(dir.resolve("two.mp4"), 2, 2)));
  }

  @Test
  void longerSegmentsKeepTheirBFrames(@TempDir Path dir) throws Exception {
    assertTrue(reorderDepth(encode(dir.resolve("three.mp4"), 3, 3)) > 0);
    assertTrue(reorderDepth(encode(dir.resolve("unknown.mp4"), 0, 12)) > 0, "length not known: as before");
  }

  @Test
  void theEncoderCheckPassesForX265() {
    assertEquals(null, SegmentEncoder.whyNotUsable(X265));
  }

  private static Path encode(Path file, int declared, int written) throws Exception {
    try (SegmentEncoder encoder = new SegmentEncoder(file, 64, 48, 25, X265, 1, 1, null, declared)) {
      byte[] frame = new byte[encoder.frameBytes()];
      for (int i = 0; i < written; i++) {
        frame[i] = (byte) (40 * i); // frames that differ, so that the encoder has something to predict
        encoder.write(frame, 0);
      }
    }
    return file;
  }

  /** The video stream's reorder depth (has_b_frames) as FFmpeg reads it back. */
  private static int reorderDepth(Path file) {
    AVFormatContext context = new AVFormatContext(null);
    assertEquals(0, avformat_open_input(context, file.toString(), null, (AVDictionary) null));
    try {
      assertTrue(avformat_find_stream_info(context, (AVDictionary) null) >= 0);
      return context.streams(0).codecpar().video_delay();
    } finally {
      avformat_close_input(context);
    }
  }
}
