package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.plan.VideoPlan;
import io.swiftvr.jobs.spark.RestoreJob;
import io.swiftvr.jobs.state.VideoOutcome;
import io.swiftvr.media.FrameSource;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.color.ColorFix;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --color-fix} through the real job (local Spark, the tiny bundle with random weights, a 96x64 crop of the real
 * sample): the plan records it, it is part of the segments' key, and under wavelet the restored video's colours are
 * much closer to the input's than the untrained network's own.
 */
class ColorFixJobTest {
  private static JavaSparkContext spark;
  private static Path small;

  @BeforeAll
  static void startSpark(@TempDir Path clips) throws Exception {
    spark = TinyJobs.localSpark("ColorFixJobTest");
    small = EdgeClips.write(clips.resolve("small.mp4"), new EdgeClips.Spec(96, 64, 36, 0, null));
  }

  @AfterAll
  static void stopSpark() {
    spark.close();
  }

  @Test
  void waveletTakesOutMostOfTheShiftAndThePlanRecordsIt(@TempDir Path noFix, @TempDir Path wavelet) throws Exception {
    VideoOutcome plain = run(noFix, "none");
    VideoOutcome fixed = run(wavelet, "wavelet");
    VideoPlan plainPlan = JobPlan.read(noFix.toString()).videos().get(0);
    VideoPlan fixedPlan = JobPlan.read(wavelet.toString()).videos().get(0);
    assertEquals(ColorFix.NONE, plainPlan.colorFix());
    assertEquals(ColorFix.WAVELET, fixedPlan.colorFix());
    assertNotEquals(plainPlan.key(), fixedPlan.key(), "the colour fix changes pixels, so it is in the segments' key");

    double[] input = channelMeans(small.toString());
    double[] before = channelMeans(plain.output());
    double[] after = channelMeans(fixed.output());
    double shiftBefore = 0;
    double shiftAfter = 0;
    for (int c = 0; c < 3; c++) {
      shiftBefore += Math.abs(before[c] - input[c]) / 3;
      shiftAfter += Math.abs(after[c] - input[c]) / 3;
    }
    System.out.printf("mean |channel-mean shift| against the input: none %.2f, wavelet %.2f%n", shiftBefore,
        shiftAfter);
    // The untrained network shifts the colours; wavelet takes out most of it. Not all: this crop is mostly bright sky
    // (blue mean 240), where a fifth of the network's samples are clipped at white and the fix's result is clamped.
    assertTrue(shiftBefore > 5, "the untrained network shifts the colours: " + shiftBefore);
    assertTrue(shiftAfter < shiftBefore / 2, "wavelet takes out most of the shift: " + shiftAfter);
  }

  @Test
  void theOptionDefaultsAndRefusesUnknownValues() {
    assertEquals(ColorFix.DEFAULT, TinyJobs.options(Path.of("out")).colorFix());
    assertEquals(ColorFix.ADAIN, TinyJobs.options(Path.of("out"), "--color-fix", "adain").colorFix());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TinyJobs.options(Path.of("out"), "--color-fix", "sepia"));
    assertEquals("Invalid value for option '--color-fix': expected none, wavelet, adain, got 'sepia'", e.getMessage());
  }

  private static VideoOutcome run(Path out, String fix) throws Exception {
    RestoreJob.Result result = RestoreJob.run(TinyJobs.options(out, "--input", small.toString(), "--color-fix", fix),
        spark, new PrintStream(new ByteArrayOutputStream(), true));
    VideoOutcome video = result.videos().get(0);
    assertEquals("restored", video.status(), String.valueOf(video.error()));
    return video;
  }

  /** The mean of each channel over every pixel of every frame, 0..255. */
  private static double[] channelMeans(String file) throws Exception {
    VideoProbe probe = new VideoProber().probe(file);
    byte[] frame = new byte[probe.width() * probe.height() * 3];
    double[] sums = new double[3];
    try (FrameSource source = FrameSource.open(probe, 0)) {
      for (int f = 0; f < probe.frameCount(); f++) {
        source.read(frame, 0);
        for (int i = 0; i < frame.length; i++) {
          sums[i % 3] += frame[i] & 0xff;
        }
      }
    }
    double pixels = (double) probe.frameCount() * probe.width() * probe.height();
    return new double[] {sums[0] / pixels, sums[1] / pixels, sums[2] / pixels};
  }
}
