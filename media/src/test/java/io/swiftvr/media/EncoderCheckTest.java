package io.swiftvr.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The encoder itself says whether settings work on this machine, with FFmpeg's reason when they do not. */
class EncoderCheckTest {
  private static final EncoderSettings NVENC = new EncoderSettings("h264_nvenc", 18, "p5");

  private static boolean nvidiaDriverLoaded() {
    return Files.exists(Path.of("/proc/driver/nvidia/version"));
  }

  @Test
  void libx264MediumWorks() {
    assertNull(SegmentEncoder.whyNotUsable(EncoderSettings.defaults()));
    SegmentEncoder.requireUsable(EncoderSettings.defaults());
  }

  @Test
  void anUnknownPresetIsRefusedWithX264sReason() {
    EncoderSettings bogus = new EncoderSettings("libx264", 18, "bogus");
    String reason = "Error setting preset/tune bogus/(null).; avcodec_open2() error -22: Could not open video codec.";
    assertEquals(reason, SegmentEncoder.whyNotUsable(bogus));
    assertEquals("Encoder libx264 crf=18 preset=bogus does not work here: " + reason,
        assertThrows(IllegalArgumentException.class, () -> SegmentEncoder.requireUsable(bogus)).getMessage());
  }

  @Test
  void nvencIsRefusedWithoutAnNvidiaDriver() {
    assumeFalse(nvidiaDriverLoaded(), "this machine has an NVIDIA driver");
    assertEquals("Cannot load libcuda.so.1; avcodec_open2() error -1: Could not open video codec.",
        SegmentEncoder.whyNotUsable(NVENC));
  }

  @Test
  void nvencWorksWithAnNvidiaDriver() {
    assumeTrue(nvidiaDriverLoaded(), "no NVIDIA driver here");
    assertNull(SegmentEncoder.whyNotUsable(NVENC));
  }
}
