package io.swiftvr.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.planner.DamagePolicy;
import io.swiftvr.planner.InvalidVideoException;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage in real clips is found while probing (seconds), not minutes into restoring them (issue 32, item 7). */
class DamagedVideoProbeTest {
  private final VideoProber prober = new VideoProber();

  @Test
  void soundClipsHaveNoDamage(@TempDir Path dir) throws Exception {
    assertTrue(prober.probe(TestMedia.realShort().toString()).damage().isEmpty());
    assertTrue(prober.probe(TestMedia.repoRoot().resolve("samples/cockatoo.mp4").toString()).damage().isEmpty());
    assertTrue(prober.probe(DamagedClips.cockatooAs(dir.resolve("whole.mp4")).toString()).damage().isEmpty());
    assertTrue(prober.probe(DamagedClips.cockatooAs(dir.resolve("whole.mkv")).toString()).damage().isEmpty());
    assertTrue(prober.probe(DamagedClips.realShortAs(dir.resolve("short.mkv")).toString()).damage().isEmpty());
  }

  @Test
  void findsACorruptMiddle(@TempDir Path dir) throws Exception {
    Path clip = DamagedClips.cockatooCorruptMiddle(dir);
    VideoProbe probe = prober.probe(clip.toString());
    assertEquals(280, probe.frameCount(), "the index still gives every frame its time");
    assertArrayEquals(new int[] {137, 138, 139, 140, 141, 142, 143}, probe.damage().frames());
    InvalidVideoException e = assertThrows(InvalidVideoException.class, () -> DamagePolicy.FAIL.check(probe));
    // The packets' NAL framing is broken (what the decoder rejects them for), and FFmpeg's parser says so too.
    assertEquals(clip + ": damaged: 7 damaged packets: frames 137-143 (6.850 s to 7.150 s); the first, at byte "
        + "366103: a NAL unit of 1955330880 bytes in a packet of 2532 (Invalid NAL unit size); FFmpeg reported while "
        + "reading it: Invalid NAL unit size (1955330880 > 2528); missing picture in access unit with size 2532 (and 11 "
        + "more) (--damaged repair restores it with each lost frame filled from the last good one)", e.getMessage());
    DamagePolicy.REPAIR.check(probe); // repair goes on
  }

  @Test
  void aBrokenFirstKeyframeIsDamageNotACut(@TempDir Path dir) throws Exception {
    VideoProbe probe = prober.probe(DamagedClips.realShortBrokenFirstKeyframe(dir).toString());
    // Before, the frames up to the next keyframe were taken for the undecodable start of a cut stream and dropped.
    assertEquals(36, probe.frameCount());
    assertEquals(0, probe.undecodableLeadingFrames());
    assertArrayEquals(java.util.stream.IntStream.range(0, 30).toArray(), probe.damage().frames());
    assertEquals("a damaged packet: frame 0 (0.000 s), at byte 32: a NAL unit of 3028964795 bytes in a packet of 5231 "
        + "(Invalid NAL unit size); no keyframe before frame 30, so frames 0-29 (0.000 s to 0.966 s) cannot be decoded",
        probe.damage().describe());
  }

  @Test
  void findsWhatAMatroskaDemuxerSkippedWithoutAWord(@TempDir Path dir) throws Exception {
    Path mkv = DamagedClips.overwriteMiddle(DamagedClips.realShortAs(dir.resolve("whole.mkv")),
        dir.resolve("corrupt-middle.mkv"), 4096);
    VideoProbe probe = prober.probe(mkv.toString());
    // FFmpeg logs nothing and marks nothing here: the hole between two packets' bytes is the only trace.
    assertEquals(36, probe.frameCount(), "the frames in the hole keep their place");
    assertEquals("the demuxer skipped 28214 bytes it could not read from byte 48341; 10 frames missing (no packet, a "
        + "gap in the timestamps): 20-29 (0.666 s to 0.966 s)", probe.damage().describe());
  }

  @Test
  void findsACutOffEndThatStillOpens(@TempDir Path dir) throws Exception {
    Path mp4 = DamagedClips.cutOff(DamagedClips.cockatooAs(dir.resolve("whole.mp4")), dir.resolve("cut.mp4"), 0.7);
    VideoProbe probe = prober.probe(mp4.toString());
    // MP4 indexes every frame, so the cut is certain; the last packet that remains is short, and marked corrupt.
    assertEquals(188, probe.frameCount());
    assertArrayEquals(new int[] {187}, probe.damage().frames());
    assertEquals("a damaged packet: frame 187 (9.350 s), at byte 509598: the demuxer marked it corrupt; FFmpeg "
        + "reported while reading it: Invalid NAL unit size (1457 > 526); missing picture in access unit with size 530 "
        + "(and 1 more); cut off: its index lists 280 video frames, the file holds 188", probe.damage().describe());

    Path mkv = DamagedClips.cutOff(DamagedClips.cockatooAs(dir.resolve("whole.mkv")), dir.resolve("cut.mkv"), 0.7);
    VideoProbe cutMkv = prober.probe(mkv.toString());
    // Matroska has no index of every frame: the demuxer's complaint is what tells; the packets left are whole.
    assertEquals(188, cutMkv.frameCount());
    assertArrayEquals(new int[0], cutMkv.damage().frames());
    assertEquals("FFmpeg reported while reading it: File ended prematurely", cutMkv.damage().describe());
  }

  @Test
  void findsACorruptMiddleInMatroska(@TempDir Path dir) throws Exception {
    Path mkv = DamagedClips.overwriteMiddle(DamagedClips.cockatooAs(dir.resolve("whole.mkv")),
        dir.resolve("corrupt-middle.mkv"), 20 * 1024);
    VideoProbe probe = prober.probe(mkv.toString());
    // The demuxer skips the broken part of the file: its packets never reach the probe, but their frames keep their
    // place, found as a gap of whole frame durations in a constant-rate stream.
    assertEquals(280, probe.frameCount());
    assertEquals("the demuxer skipped 28924 bytes it could not read from byte 362977; "
        + "FFmpeg reported while reading it: Element at 0x589e5 ending at 0xbc8e82f exceeds containing master "
        + "element ending at 0x5faca; 10 frames missing (no packet, a gap in the timestamps): 135-144 (6.819 s to "
        + "7.269 s)", probe.damage().describe());
    assertArrayEquals(java.util.stream.IntStream.rangeClosed(135, 144).toArray(), probe.damage().frames());
  }
}
