package io.swiftvr.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.swiftvr.media.DamagedClips;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.DamagePolicy;
import io.swiftvr.planner.InvalidVideoException;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding real clips that are damaged: fail names the lost frame, repair fills it from the last good one (27.5). */
class DamagedFrameSourceTest {

  @Test
  void aCorruptMiddleFailsOrIsRepairedFrameExact(@TempDir Path dir) throws Exception {
    VideoProbe probe = new VideoProber().probe(DamagedClips.cockatooCorruptMiddle(dir).toString());
    byte[] frame = new byte[probe.width() * probe.height() * 3];

    InvalidVideoException e = assertThrows(InvalidVideoException.class, () -> {
      try (FrameSource source = FrameSource.open(probe, 0)) {
        for (int i = 0; i < probe.frameCount(); i++) {
          source.read(frame, 0);
        }
      }
    });
    assertEquals(probe.uri() + ": decoder returned frame 144 where frame 137 was expected: frames are missing or "
        + "repeated", e.getMessage());

    byte[][] frames = readAll(probe, 0);
    int[] lost = IntStream.rangeClosed(137, 143).toArray();
    for (int i : lost) {
      assertArrayEquals(frames[136], frames[i], "frame " + i + " is frame 136 held");
    }
    assertFalse(Arrays.equals(frames[136], frames[144]), "frame 144 decodes again");
    assertFalse(Arrays.equals(frames[135], frames[136]), "frame 136 is itself a decoded frame");

    // A source opened inside the damage (a shard's start) fills from the same frame as the pass from the start.
    try (FrameSource source = FrameSource.open(probe, 140, DamagePolicy.REPAIR)) {
      for (int i = 140; i < 150; i++) {
        source.read(frame, 0);
        assertArrayEquals(frames[i], frame, "frame " + i + " opened at 140");
      }
      assertArrayEquals(new int[] {140, 141, 142, 143}, source.repairedFrames());
    }
  }

  @Test
  void aCutOffEndFailsOrIsRepaired(@TempDir Path dir) throws Exception {
    Path cut = DamagedClips.cutOff(DamagedClips.cockatooAs(dir.resolve("whole.mp4")), dir.resolve("cut.mp4"), 0.7);
    VideoProbe probe = new VideoProber().probe(cut.toString());
    byte[] frame = new byte[probe.width() * probe.height() * 3];
    InvalidVideoException e = assertThrows(InvalidVideoException.class, () -> {
      try (FrameSource source = FrameSource.open(probe, 180)) {
        for (int i = 180; i < probe.frameCount(); i++) {
          source.read(frame, 0);
        }
      }
    });
    assertEquals(probe.uri() + ": truncated: the decoder stopped at frame 187 of 188", e.getMessage());

    byte[][] frames = readAll(probe, 180);
    assertArrayEquals(frames[186], frames[187], "the short last packet's frame is frame 186 held");
  }

  @Test
  void framesAMatroskaDemuxerSkippedAreFilled(@TempDir Path dir) throws Exception {
    Path mkv = DamagedClips.overwriteMiddle(DamagedClips.cockatooAs(dir.resolve("whole.mkv")),
        dir.resolve("corrupt-middle.mkv"), 20 * 1024);
    VideoProbe probe = new VideoProber().probe(mkv.toString());
    byte[] frame = new byte[probe.width() * probe.height() * 3];
    InvalidVideoException e = assertThrows(InvalidVideoException.class, () -> {
      try (FrameSource source = FrameSource.open(probe, 130)) {
        for (int i = 130; i < probe.frameCount(); i++) {
          source.read(frame, 0);
        }
      }
    });
    assertEquals(probe.uri() + ": decoder returned frame 145 where frame 135 was expected: frames are missing or "
        + "repeated", e.getMessage());

    byte[][] frames = new byte[probe.frameCount()][frame.length];
    try (FrameSource source = FrameSource.open(probe, 130, DamagePolicy.REPAIR)) {
      for (int i = 130; i < probe.frameCount(); i++) {
        source.read(frames[i], 0);
      }
      assertArrayEquals(probe.damage().frames(), source.repairedFrames());
    }
    for (int i = 135; i <= 144; i++) {
      assertArrayEquals(frames[134], frames[i], "frame " + i + " is frame 134 held");
    }
    assertFalse(Arrays.equals(frames[134], frames[145]));
  }

  @Test
  void framesBeforeTheFirstGoodKeyframeAreFilledFromIt(@TempDir Path dir) throws Exception {
    VideoProbe probe = new VideoProber().probe(DamagedClips.realShortBrokenFirstKeyframe(dir).toString());
    VideoProbe sound = new VideoProber().probe(TestMedia.realShort().toString());
    byte[] frame = new byte[probe.width() * probe.height() * 3];
    byte[] expected = new byte[frame.length];
    try (FrameSource source = FrameSource.open(probe, 0, DamagePolicy.REPAIR);
        FrameSource undamaged = FrameSource.open(sound, 0)) {
      byte[] thirty = new byte[frame.length];
      for (int i = 0; i < probe.frameCount(); i++) {
        source.read(i < 30 ? frame : expected, 0);
        undamaged.read(i < 30 ? expected : frame, 0);
        if (i == 30) {
          System.arraycopy(expected, 0, thirty, 0, thirty.length);
        }
        if (i >= 30) {
          assertArrayEquals(frame, expected, "frame " + i + " decodes from the keyframe at 30, in its place");
        }
      }
      assertArrayEquals(IntStream.range(0, 30).toArray(), source.repairedFrames());
    }
    // Nothing good came before the damage: the next good frame, 30, stands in for 0-29.
    try (FrameSource source = FrameSource.open(probe, 0, DamagePolicy.REPAIR);
        FrameSource undamaged = FrameSource.open(sound, 30)) {
      undamaged.read(expected, 0);
      for (int i = 0; i < 30; i++) {
        source.read(frame, 0);
        assertArrayEquals(expected, frame, "frame " + i + " holds frame 30");
      }
    }
  }

  /** Every frame from {@code start} under repair; checks that exactly the lost ones were filled. */
  private static byte[][] readAll(VideoProbe probe, int start) throws Exception {
    byte[][] frames = new byte[probe.frameCount()][probe.width() * probe.height() * 3];
    try (FrameSource source = FrameSource.open(probe, start, DamagePolicy.REPAIR)) {
      for (int i = start; i < probe.frameCount(); i++) {
        assertEquals(i, source.nextIndex());
        source.read(frames[i], 0);
      }
      int[] expected = start == 0 ? IntStream.rangeClosed(137, 143).toArray() : new int[] {187};
      assertArrayEquals(expected, source.repairedFrames());
    }
    return frames;
  }
}
