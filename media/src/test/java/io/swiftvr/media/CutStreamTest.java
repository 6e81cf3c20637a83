package io.swiftvr.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream cut in the middle of a group of pictures (what a careless editor or a broken download leaves): the
 * packets before the first keyframe cannot be decoded, so they are not frames of the video; every frame from the
 * keyframe on is counted, decoded and numbered exactly.
 */
class CutStreamTest {

  @Test
  void leadingPacketsBeforeTheFirstKeyframeAreSkippedAndCounted(@TempDir Path dir) throws Exception {
    Path source = TestMedia.realShort();
    VideoProbe whole = new VideoProber().probe(source.toString());
    int cutAt = 3;
    assertTrue(whole.keyframes().length > 1 && whole.keyframes()[1] > cutAt, "a keyframe follows the cut");
    Path cut = dir.resolve("cut.mp4");
    int dropped = copyWithoutFirstVideoPackets(source, cut, cutAt);
    assertEquals(cutAt, dropped);

    VideoProbe probe = new VideoProber().probe(cut.toString());
    assertTrue(probe.undecodableLeadingFrames() >= cutAt, probe.toString());
    assertEquals(whole.frameCount() - cutAt - probe.undecodableLeadingFrames(), probe.frameCount());
    assertEquals(0, probe.keyframes()[0]);

    // The frames left are exactly the source's frames from its second keyframe on.
    int offset = whole.frameCount() - probe.frameCount();
    byte[] expected = new byte[whole.width() * whole.height() * 3];
    byte[] actual = new byte[expected.length];
    try (FrameSource all = FrameSource.open(whole, offset); FrameSource rest = FrameSource.open(probe, 0)) {
      for (int i = 0; i < probe.frameCount(); i++) {
        all.read(expected, 0);
        rest.read(actual, 0);
        assertArrayEquals(expected, actual, "frame " + i);
      }
    }
  }

  /** Stream-copies a file, leaving out its first {@code n} video packets; returns how many were left out. */
  private static int copyWithoutFirstVideoPackets(Path in, Path out, int n) throws Exception {
    int skipped = 0;
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(in.toFile())) {
      grabber.start();
      try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(out.toFile(), grabber.getImageWidth(),
          grabber.getImageHeight(), grabber.getAudioChannels())) {
        recorder.setFormat("mp4");
        recorder.start(grabber.getFormatContext());
        AVPacket packet;
        while ((packet = grabber.grabPacket()) != null) {
          boolean video = packet.stream_index() == grabber.getVideoStream();
          if (video && skipped < n) {
            skipped++;
            continue;
          }
          recorder.recordPacket(packet);
        }
      }
    }
    return skipped;
  }
}
