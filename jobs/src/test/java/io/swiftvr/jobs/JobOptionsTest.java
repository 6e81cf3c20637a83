package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobOptionsTest {

  @Test
  void defaultsRestoreTheBundledSampleWithTheBundledModel() {
    JobOptions options = JobOptions.parse(List.of());
    assertEquals(List.of("samples/realshort.mp4"), options.inputs());
    assertEquals(Path.of("models/swiftvr-small").toAbsolutePath().toString(), options.model());
    assertEquals(Path.of("out").toAbsolutePath().toString(), options.outputDir());
    assertNull(options.size(), "the model's own scale applies");
    assertEquals("libx264 crf=18 preset=medium", options.encoder().toString());
  }

  @Test
  void parsesValuesWithSpaceOrEquals() {
    JobOptions options = JobOptions.parse(List.of("--size=3840x2160", "--codec", "libx265", "--crf=22", "--input", "a",
        "--input", "b"));
    assertEquals("3840x2160", options.size().toString());
    assertEquals("libx265", options.encoder().codec());
    assertEquals(22, options.encoder().crf());
    assertEquals(List.of("a", "b"), options.inputs());
  }

  @Test
  void acceptsFileUrisAndRefusesStorageItCannotRead() {
    JobOptions options = JobOptions.parse(List.of("--input", "file:///data/a%20b.mp4", "--model", "file:/m/bundle"));
    assertEquals(List.of("/data/a b.mp4"), options.inputs());
    assertEquals("/m/bundle", options.model());
    assertEquals("s3a://bucket/models/small", JobOptions.parse(List.of("--model", "s3a://bucket/models/small")).model());
    assertEquals(List.of("s3a://bucket/x.mp4"), JobOptions.parse(List.of("--input", "s3a://bucket/x.mp4")).inputs());
    assertEquals("Unsupported location 'gs://bucket/x.mp4': use a local path, a file: URI or an s3a:// URI "
            + "(gs: is not supported)",
        assertThrows(IllegalArgumentException.class, () -> JobOptions.parse(List.of("--input", "gs://bucket/x.mp4")))
            .getMessage());
  }

  @Test
  void rejectsUnknownAndInvalidOptionsWithTheReason() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JobOptions.parse(List.of("--scale", "2")));
    assertTrue(e.getMessage().startsWith("Unknown option --scale\nOptions"), e.getMessage());
    assertEquals("Unknown encoder 'vp9'; supported: [libx264, libx265, h264_nvenc, hevc_nvenc]",
        assertThrows(IllegalArgumentException.class, () -> JobOptions.parse(List.of("--codec", "vp9"))).getMessage());
    assertEquals("Output size 'big' is neither a scale (x2, x4) nor a size (3840x2160)",
        assertThrows(IllegalArgumentException.class, () -> JobOptions.parse(List.of("--size", "big"))).getMessage());
    assertEquals("--spread and --chunks-per-shard both size the shards: give one of them",
        assertThrows(IllegalArgumentException.class,
            () -> JobOptions.parse(List.of("--spread", "4", "--chunks-per-shard", "10"))).getMessage());
    assertEquals("Option --output given 2 times", assertThrows(IllegalArgumentException.class,
        () -> JobOptions.parse(List.of("--output", "a", "--output", "b"))).getMessage());
  }

  @Test
  void numericOptionsNameTheOptionAndTheValue() {
    for (String option : List.of("crf", "chunks-per-shard", "spread", "warmup-chunks")) {
      assertEquals("--" + option + ": expected a whole number, got 'abc'", assertThrows(IllegalArgumentException.class,
          () -> JobOptions.parse(List.of("--" + option, "abc"))).getMessage());
    }
    assertEquals("--crf: expected a whole number, got '18.5'",
        assertThrows(IllegalArgumentException.class, () -> JobOptions.parse(List.of("--crf=18.5"))).getMessage());
    assertEquals("--spread: expected a whole number, got '99999999999'",
        assertThrows(IllegalArgumentException.class, () -> JobOptions.parse(List.of("--spread", "99999999999")))
            .getMessage());
    assertEquals("Output size 99999999999x2 is out of range (2..16384 per side)",
        assertThrows(IllegalArgumentException.class, () -> JobOptions.parse(List.of("--size", "99999999999x2")))
            .getMessage());
  }
}
