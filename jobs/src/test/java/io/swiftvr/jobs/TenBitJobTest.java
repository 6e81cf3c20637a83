package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.jobs.cli.Main;
import io.swiftvr.jobs.spark.RestoreJob;
import io.swiftvr.jobs.state.VideoOutcome;
import io.swiftvr.media.TenBitClips;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.ColourInfo;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.TestBundles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10-bit HDR video through the whole job on local Spark: a 10-bit HEVC source with BT.2020/PQ tags and HDR10 static
 * metadata comes out 10-bit with the same tags and metadata, through a bundle that takes 16-bit samples and through
 * one that reads 8 bits only; an 8-bit source comes out 10-bit when asked.
 */
class TenBitJobTest {
  private static final String SIXTEEN_BIT_BUNDLE = "udf/src/test/resources/bundles/tiny-16bit";
  private static JavaSparkContext spark;
  private static Path hdr10;
  private static VideoProbe source;

  @BeforeAll
  static void startSpark(@TempDir Path clips) throws Exception {
    spark = TinyJobs.localSpark("TenBitJobTest");
    hdr10 = TenBitClips.write(clips.resolve("hdr10.mp4"), "libx265", 96, 64, 30);
    source = new VideoProber().probe(hdr10.toString());
  }

  @AfterAll
  static void stopSpark() {
    spark.close();
  }

  @Test
  void tenBitHdrSourceComesOutTenBitWithItsColourAndHdrMetadata(@TempDir Path out) throws Exception {
    VideoOutcome video = run(out, "--input", hdr10.toString(), "--model",
        TestMedia.repoRoot().resolve(SIXTEEN_BIT_BUNDLE).toString(), "--codec", "libx265", "--preset", "ultrafast",
        "--spread", "2");
    VideoProbe restored = new VideoProber().probe(video.output());
    assertEquals(source.colour(), restored.colour(), "10 bits, BT.2020, PQ, limited range, mastering display, CLL");
    assertEquals(source.frameCount(), restored.frameCount());
    // the report's row says so
    assertEquals(10, video.inBits());
    assertEquals(10, video.outBits());
    assertEquals("PQ; mastering display " + TenBitClips.MASTERING + "; max-cll " + TenBitClips.CONTENT_LIGHT,
        video.hdr());
  }

  @Test
  void proresForEditorsComesOutAsQuickTimeWithTheMetadata(@TempDir Path out) throws Exception {
    VideoProbe restored = restore(out, "--input", hdr10.toString(), "--model",
        TestMedia.repoRoot().resolve(SIXTEEN_BIT_BUNDLE).toString(), "--codec", "prores_ks");
    assertTrue(restored.uri().endsWith("hdr10.swiftvr.mov"), restored.uri());
    ColourInfo want = source.colour();
    // ProRes 422 HQ; MOV's colour box has no range flag
    assertEquals(new ColourInfo("unknown", want.primaries(), want.transfer(), want.space(), 10,
        want.masteringDisplay(), want.contentLight()), restored.colour());
    assertEquals(source.frameCount(), restored.frameCount());
  }

  @Test
  void anEightBitOnlyBundleStillWritesTenBitsWithTheMetadata(@TempDir Path out) throws Exception {
    // TinyJobs' bundle: no stream.sample_bits, so the model gets 8 bits and the encoder widens its output
    VideoProbe restored = restore(out, "--input", hdr10.toString(), "--codec", "libx265", "--preset", "ultrafast");
    assertEquals(source.colour(), restored.colour());
  }

  @Test
  void anEightBitSourceComesOutTenBitWhenAsked(@TempDir Path out) throws Exception {
    Path small = EdgeClips.write(out.resolve("small.mp4"), new EdgeClips.Spec(96, 64, 12, 0, null));
    VideoOutcome video = run(out.resolve("out"), "--input", small.toString(), "--model",
        TestMedia.repoRoot().resolve(SIXTEEN_BIT_BUNDLE).toString(), "--bit-depth", "10", "--preset", "ultrafast");
    ColourInfo colour = new VideoProber().probe(video.output()).colour();
    assertEquals(8, video.inBits());
    assertEquals(10, video.outBits());
    assertEquals(null, video.hdr(), "SDR");
    assertEquals(10, colour.bitsPerSample());
    assertEquals(new VideoProber().probe(small.toString()).colour().primaries(), colour.primaries());
  }

  /** Runs the job with {@code args} (the tiny test bundle unless they name one) and probes its one output. */
  private static VideoProbe restore(Path out, String... args) throws Exception {
    return new VideoProber().probe(run(out, args).output());
  }

  /** Runs the job with {@code args} (the tiny test bundle unless they name one): its one video's report row. */
  private static VideoOutcome run(Path out, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--output", out.toString()));
    all.addAll(Arrays.asList(args));
    if (!all.contains("--model")) {
      all.addAll(List.of("--model", TestBundles.tinyDir().toString()));
    }
    RestoreJob.Result result = RestoreJob.run(Main.parseRunOptions(all), spark,
        new PrintStream(new ByteArrayOutputStream(), true));
    assertEquals(1, result.videos().size());
    VideoOutcome video = result.videos().get(0);
    assertEquals("restored", video.status(), String.valueOf(video.error()));
    return video;
  }
}
