package io.swiftvr.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.planner.InvalidVideoException;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoProberTest {
  private final VideoProber prober = new VideoProber();

  @Test
  void probesTheRealSampleClipExactly() throws Exception {
    VideoProbe probe = prober.probe(TestMedia.realShort().toString());
    assertEquals(36, probe.frameCount());
    assertEquals(320, probe.width());
    assertEquals(240, probe.height());
    assertEquals("h264", probe.codec());
    assertEquals(0, probe.rotationDegrees());
    assertFalse(probe.variableFrameRate());
    assertEquals(0, probe.keyframes()[0]);
    assertTrue(probe.hasAudio());
    assertEquals("aac", probe.otherStreams().get(0).codecName());
    long[] sorted = probe.framePts().clone();
    Arrays.sort(sorted);
    assertArrayEquals(sorted, probe.framePts(), "timestamps are in display order");
    assertEquals(1.2, probe.durationSeconds(), 0.05);
  }

  @Test
  void namesTheFileAndReasonForMissingFiles() {
    InvalidVideoException e = assertThrows(InvalidVideoException.class, () -> prober.probe("/nonexistent/a.mp4"));
    assertEquals("/nonexistent/a.mp4: file not found", e.getMessage());
  }

  @Test
  void rejectsFilesThatAreNotVideos(@TempDir Path dir) throws Exception {
    Path text = dir.resolve("notes.mp4");
    Files.writeString(text, "this is not a video, just text that happens to end in .mp4\n".repeat(20));
    InvalidVideoException e = assertThrows(InvalidVideoException.class, () -> prober.probe(text.toString()));
    // Exactly FFmpeg's text and nothing after it: the buffer used to be read past its NUL, into native garbage.
    // FFmpeg picks its MP4 reader by the name, and that reader's complaint is the reason given.
    assertEquals(text + ": not a video file FFmpeg can open (moov atom not found; Invalid data found when processing "
        + "input, code -1094995529)", e.getMessage());

    Path empty = dir.resolve("empty.mp4");
    Files.createFile(empty);
    assertEquals(empty + ": file is empty",
        assertThrows(InvalidVideoException.class, () -> prober.probe(empty.toString())).getMessage());
  }

  @Test
  void rejectsATruncatedVideo(@TempDir Path dir) throws Exception {
    byte[] whole = Files.readAllBytes(TestMedia.realShort());
    Path cut = dir.resolve("cut.mp4");
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
    InvalidVideoException e = assertThrows(InvalidVideoException.class, () -> prober.probe(cut.toString()));
    assertEquals(cut.toString(), e.uri());
    assertEquals(cut + ": not a video file FFmpeg can open (moov atom not found; Invalid data found when processing "
        + "input, code -1094995529)", e.getMessage());
  }
}
