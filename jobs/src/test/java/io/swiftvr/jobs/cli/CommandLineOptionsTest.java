package io.swiftvr.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.swiftvr.jobs.plan.JobOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The options of {@code run} as the command line reads and checks them. */
class CommandLineOptionsTest {

  @Test
  void withoutACommandTheArgumentsAreRuns() {
    assertArrayEquals(new String[] {"run"}, Main.withDefaultCommand(new String[0]), "bin/swiftvr-local alone runs");
    assertArrayEquals(new String[] {"run", "--input", "a.mp4"},
        Main.withDefaultCommand(new String[] {"--input", "a.mp4"}));
    assertArrayEquals(new String[] {"plan", "--input", "a.mp4"},
        Main.withDefaultCommand(new String[] {"plan", "--input", "a.mp4"}));
    assertArrayEquals(new String[] {"-h"}, Main.withDefaultCommand(new String[] {"-h"}), "-h lists the commands");
  }

  @Test
  void defaultsRestoreTheBundledSampleWithTheBundledModel() {
    JobOptions options = Main.parseRunOptions(List.of());
    assertEquals(List.of("samples/realshort.mp4"), options.inputs());
    assertEquals(Path.of("models/swiftvr-small").toAbsolutePath().toString(), options.model());
    assertEquals(Path.of("out").toAbsolutePath().toString(), options.outputDir());
    assertNull(options.size(), "the model's own scale applies");
    assertEquals("libx264 crf=18 preset=medium", options.encoder().toString());
  }

  @Test
  void parsesValuesWithSpaceOrEquals() {
    JobOptions options = Main.parseRunOptions(List.of("--size=3840x2160", "--codec", "libx265", "--crf=22", "--input",
        "a",
        "--input", "b"));
    assertEquals("3840x2160", options.size().toString());
    assertEquals("libx265", options.encoder().codec());
    assertEquals(22, options.encoder().crf());
    assertEquals(List.of("a", "b"), options.inputs());
  }

  @Test
  void acceptsFileUrisAndRefusesStorageItCannotRead() {
    JobOptions options = Main.parseRunOptions(List.of("--input", "file:///data/a%20b.mp4", "--model", "file:/m/bundle"));
    assertEquals(List.of("/data/a b.mp4"), options.inputs());
    assertEquals("/m/bundle", options.model());
    assertEquals("s3a://bucket/models/small", Main.parseRunOptions(List.of("--model", "s3a://bucket/models/small")).model());
    assertEquals(List.of("s3a://bucket/x.mp4"), Main.parseRunOptions(List.of("--input", "s3a://bucket/x.mp4")).inputs());
    assertEquals("Unsupported location 'gs://bucket/x.mp4': gs: is not a supported scheme; use a local path, a "
            + "file: URI or an s3a:// URI",
        assertThrows(IllegalArgumentException.class, () -> Main.parseRunOptions(List.of("--input", "gs://bucket/x.mp4")))
            .getMessage());
  }

  @Test
  void rejectsUnknownAndInvalidOptionsWithTheReason() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Main.parseRunOptions(List.of("--scale", "2")));
    assertEquals("Unknown options: '--scale', '2'", e.getMessage());
    assertEquals("Unknown encoder 'vp9'; supported: [libx264, libx265, h264_nvenc, hevc_nvenc, prores_ks, dnxhd, ffv1]",
        assertThrows(IllegalArgumentException.class, () -> Main.parseRunOptions(List.of("--codec", "vp9"))).getMessage());
    assertEquals("Output size 'big' is neither a scale (x2, x4) nor a size (3840x2160)",
        assertThrows(IllegalArgumentException.class, () -> Main.parseRunOptions(List.of("--size", "big"))).getMessage());
    assertEquals("--spread and --chunks-per-shard both size the shards: give one of them",
        assertThrows(IllegalArgumentException.class,
            () -> Main.parseRunOptions(List.of("--spread", "4", "--chunks-per-shard", "10"))).getMessage());
    assertEquals("option '--output' (DIR) should be specified only once", assertThrows(IllegalArgumentException.class,
        () -> Main.parseRunOptions(List.of("--output", "a", "--output", "b"))).getMessage());
  }

  @Test
  void numericOptionsNameTheOptionAndTheValue() {
    for (String option : List.of("crf", "chunks-per-shard", "spread", "warmup-chunks")) {
      assertEquals("Invalid value for option '--" + option + "': expected a whole number, got 'abc'", assertThrows(IllegalArgumentException.class,
          () -> Main.parseRunOptions(List.of("--" + option, "abc"))).getMessage());
    }
    assertEquals("Invalid value for option '--crf': expected a whole number, got '18.5'",
        assertThrows(IllegalArgumentException.class, () -> Main.parseRunOptions(List.of("--crf=18.5"))).getMessage());
    assertEquals("Invalid value for option '--spread': expected a whole number, got '99999999999'",
        assertThrows(IllegalArgumentException.class, () -> Main.parseRunOptions(List.of("--spread", "99999999999")))
            .getMessage());
    assertEquals("Output size 99999999999x2 is out of range (2..16384 per side)",
        assertThrows(IllegalArgumentException.class, () -> Main.parseRunOptions(List.of("--size", "99999999999x2")))
            .getMessage());
  }
}
