package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.udf.TestBundles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorTest {

  private static String run(int expectedStatus, String... args) {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    assertEquals(expectedStatus, Doctor.run(JobOptions.parse(List.of(args)), new PrintStream(text, true)),
        text.toString());
    return text.toString();
  }

  @Test
  void reportsTheEngineCodecsAndAWorkingBundle(@TempDir Path out) {
    String report = run(0, "--model", TestBundles.tinyDir().toString(), "--output", out.toString());
    assertTrue(report.contains("Engine      PyTorch 2.7.1"), report);
    assertTrue(report.contains("encoder libx264     compiled in"), report);
    assertTrue(report.contains("Model       swiftvr-tiny"), report);
    assertTrue(report.contains("loads on cpu() in float32"), report);
    assertTrue(report.endsWith("OK" + System.lineSeparator()), report);
  }

  @Test
  void namesAMissingBundle(@TempDir Path out) {
    Path missing = out.resolve("no-model");
    String report = run(1, "--model", missing.toString(), "--output", out.toString());
    assertTrue(report.contains("Model       FAILED: Model bundle not found: " + missing), report);
    assertTrue(report.contains("PROBLEMS FOUND"), report);
  }
}
