package io.swiftvr.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.udf.TestBundles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorTest {

  private static String run(int expectedStatus, String... args) {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    assertEquals(expectedStatus, Doctor.run(Main.parseRunOptions(List.of(args)), new PrintStream(text, true)),
        text.toString());
    return text.toString();
  }

  @Test
  void reportsTheEngineCodecsAndAWorkingBundle(@TempDir Path out) {
    String report = run(0, "--model", TestBundles.tinyDir().toString(), "--output", out.toString());
    assertTrue(report.contains("Engine      PyTorch 2.7.1"), report);
    assertTrue(report.contains("  encoder libx264     usable (libx264 crf=18 preset=medium)\n"), report);
    assertTrue(report.contains("  encoder libx265     usable (libx265 crf=18 preset=medium)\n"), report);
    if (!Files.exists(Path.of("/proc/driver/nvidia/version"))) {
      // Compiled into FFmpeg, but this machine has no NVIDIA driver: not usable, and FFmpeg says why.
      assertTrue(report.contains("  encoder h264_nvenc  not usable here: Cannot load libcuda.so.1; avcodec_open2() "
          + "error -1: Could not open video codec.\n"), report);
    }
    assertTrue(report.contains("Model       swiftvr-tiny"), report);
    assertTrue(report.contains("loads on cpu() in float32"), report);
    assertTrue(report.endsWith("OK" + System.lineSeparator()), report);
  }

  @Test
  void refusesAChosenEncoderThatDoesNotOpenHere(@TempDir Path out) {
    String report = run(1, "--model", TestBundles.tinyDir().toString(), "--output", out.toString(),
        "--preset", "bogus");
    String reason = "Error setting preset/tune bogus/(null).; avcodec_open2() error -22: Could not open video codec.";
    assertTrue(report.contains("  encoder libx264     not usable here: " + reason + "\n"), report);
    assertTrue(report.contains("Encoder     the chosen encoder libx264 crf=18 preset=bogus does not work here: "
        + reason + "\n"), report);
    assertTrue(report.endsWith("PROBLEMS FOUND\n"), report);
  }

  @Test
  void namesAMissingBundle(@TempDir Path out) {
    Path missing = out.resolve("no-model");
    String report = run(1, "--model", missing.toString(), "--output", out.toString());
    assertTrue(report.contains("Model       FAILED: Model bundle not found: " + missing), report);
    assertTrue(report.contains("PROBLEMS FOUND"), report);
  }
}
