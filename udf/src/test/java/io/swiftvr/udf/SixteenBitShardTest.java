package io.swiftvr.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.swiftvr.media.FrameSize;
import io.swiftvr.media.FrameSource;
import io.swiftvr.media.TenBitClips;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.DamagePolicy;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.ShardPlanner;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.bundle.ModelBundle;
import io.swiftvr.udf.color.ColorFix;
import io.swiftvr.udf.color.ColorMatch;
import io.swiftvr.udf.model.RestorerModel;
import io.swiftvr.udf.model.StreamingRestorer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 10-bit source through a bundle that takes 16-bit samples (stream.sample_bits [8, 16]): the model gets the
 * source's 16-bit RGB and writes 16-bit samples that are its float output rounded to 65535 levels; a bundle without
 * the key keeps the 8-bit path and refuses 16-bit output by name.
 */
class SixteenBitShardTest {
  private static final FrameSize OUT = new FrameSize(96, 64);
  @TempDir
  static Path dir;
  private static RestorerModel sixteen;
  private static RestorerModel eightOnly;
  private static VideoProbe probe;

  @BeforeAll
  static void load() throws Exception {
    Path bundle = TestMedia.repoRoot().resolve("udf/src/test/resources/bundles/tiny-16bit");
    sixteen = RestorerModel.load(ModelBundle.open(bundle, dir), Device.cpu());
    eightOnly = RestorerModel.load(TestBundles.tiny(), Device.cpu());
    probe = new VideoProber().probe(TenBitClips.write(dir.resolve("hdr10.mp4"), "libx265", 96, 64, 30).toString());
  }

  @AfterAll
  static void close() {
    sixteen.close();
    eightOnly.close();
  }

  @Test
  void sixteenBitOutputIsTheFloatOutputRoundedTo65535Levels() throws Exception {
    Shard shard = new ShardPlanner(sixteen.bundle().chunkGrid(), 1).plan("s16", probe, 1).get(1);
    ShardRestorer restorer = new ShardRestorer(sixteen);
    ShardRestorer.Job job = ShardRestorer.Job.of(probe, shard, OUT);
    assertEquals(2, restorer.inputSampleBytes(probe, job.decode()), "a 10-bit source is decoded to 16 bits");
    int samples = OUT.width() * OUT.height() * 3;
    float[][] floats = new float[probe.frameCount()][];
    restorer.restore(job, FrameSink.ofFloats((f, out, i) -> {
      floats[f] = java.util.Arrays.copyOfRange(out.floats(), i * samples, (i + 1) * samples);
    }), n -> { });
    int[] checked = {0};
    int[] highBytes = {0};
    restorer.restore(job, sixteenBitSink((f, out, i) -> {
      assertEquals(2, out.sampleBytes());
      byte[] b = out.bytes();
      int base = i * out.frameBytes();
      for (int s = 0; s < samples; s++) {
        int v = (b[base + 2 * s] & 0xFF) | (b[base + 2 * s + 1] & 0xFF) << 8;
        assertEquals(Math.round(floats[f][s] * 65535f), v, 1, "frame " + f + " sample " + s);
        highBytes[0] += v >= 32768 ? 1 : 0;
      }
      checked[0]++;
    }), n -> { });
    assertEquals(shard.emittedFrames(), checked[0]);
    assertTrue(highBytes[0] > 0, "samples of 32768 and up (a set top bit) come through");
  }

  @Test
  void aColourFixedStreamWritesSixteenBitSamplesFromItsFloats() throws Exception {
    Shard shard = new ShardPlanner(sixteen.bundle().chunkGrid(), 1).plan("fix", probe, 1).get(0);
    ShardRestorer.Job job = ShardRestorer.Job.of(probe, shard, OUT).withColorFix(ColorFix.WAVELET);
    int samples = OUT.width() * OUT.height() * 3;
    float[][] floats = new float[probe.frameCount()][];
    ShardRestorer restorer = new ShardRestorer(sixteen);
    restorer.restore(job, FrameSink.ofFloats((f, out, i) -> {
      floats[f] = java.util.Arrays.copyOfRange(out.floats(), i * samples, (i + 1) * samples);
    }), n -> { });
    int[] checked = {0};
    restorer.restore(job, sixteenBitSink((f, out, i) -> {
      byte[] b = out.bytes();
      int base = i * out.frameBytes();
      for (int s = 0; s < samples; s += 97) {
        int v = (b[base + 2 * s] & 0xFF) | (b[base + 2 * s + 1] & 0xFF) << 8;
        assertEquals(Math.round(floats[f][s] * 65535f), v, 1, "frame " + f + " sample " + s);
      }
      checked[0]++;
    }), n -> { });
    assertEquals(shard.emittedFrames(), checked[0]);
  }

  /**
   * With a colour fix the model still gets the 16-bit samples, and each frame is fixed against its 16-bit input: the
   * fixed frame is the unfixed stream's output (16-bit input) matched to the input frame as 16 bits. Fed 8 bits, the
   * network's output itself would differ (theModelSeesTheBitsBelowEight) and so would the fixed frames.
   */
  @Test
  void aColourFixIsMatchedAgainstTheSixteenBitInput() throws Exception {
    Shard shard = new ShardPlanner(sixteen.bundle().chunkGrid(), 1).plan("fix16", probe, 1).get(0);
    ShardRestorer.Job plainJob = ShardRestorer.Job.of(probe, shard, OUT);
    float[][] plain = floats(plainJob);
    float[][] fixed = floats(plainJob.withColorFix(ColorFix.WAVELET));
    FrameSize in = new FrameSize(probe.width(), probe.height());
    int frameBytes = in.width() * in.height() * 3 * 2;
    double worst = 0;
    try (FrameSource source = FrameSource.open(probe, 0, DamagePolicy.FAIL, in, 2);
        NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      byte[] input = new byte[frameBytes];
      for (int f = 0; f < shard.emitEndFrame(); f++) {
        source.read(input, 0);
        if (f < shard.emitStartFrame()) {
          continue;
        }
        assertNotNull(fixed[f], "frame " + f);
        NDArray lq = manager.create(ByteBuffer.wrap(input), new Shape(1, in.height(), in.width(), 3, 2),
            DataType.UINT8);
        NDArray reference = ColorMatch.resizeBilinear(ColorMatch.unitRange(lq), OUT.height(), OUT.width());
        NDArray restored = manager.create(plain[f], new Shape(1, OUT.height(), OUT.width(), 3));
        float[] expected = ColorMatch.wavelet(restored, reference).toFloatArray();
        for (int s = 0; s < expected.length; s++) {
          worst = Math.max(worst, Math.abs(expected[s] - fixed[f][s]));
        }
      }
    }
    assertTrue(worst < 1e-5, "max abs difference " + worst);
  }

  @Test
  void theModelSeesTheBitsBelowEight() throws Exception {
    float[] from16 = firstChunkFloats(2);
    float[] from8 = firstChunkFloats(1);
    float worst = 0;
    for (int i = 0; i < from16.length; i++) {
      worst = Math.max(worst, Math.abs(from16[i] - from8[i]));
    }
    // the same frames cut to 8 bits differ by up to half an 8-bit step (2e-3), and the output moves with them (the
    // test bundle's random weights amplify any change, so only that it moves is asserted)
    assertTrue(worst > 1e-4, "max abs difference " + worst);
  }

  @Test
  void anEightBitOnlyBundleKeepsTheEightBitPathAndRefusesSixteenBitOutput() {
    Shard shard = new ShardPlanner(eightOnly.bundle().chunkGrid(), 1).plan("s8", probe, 1).get(0);
    ShardRestorer restorer = new ShardRestorer(eightOnly);
    ShardRestorer.Job job = ShardRestorer.Job.of(probe, shard, OUT);
    assertEquals(1, restorer.inputSampleBytes(probe, job.decode()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> restorer.restore(job, sixteenBitSink((f, out, i) -> { }), n -> { }));
    assertEquals("16-bit output: bundle swiftvr-tiny reads and writes 8-bit samples only (its manifest has no "
        + "stream.sample_bits with 16; re-export it with this version of swiftvr.export)", e.getMessage());
  }

  /** Every emitted frame's float output, by video frame. */
  private static float[][] floats(ShardRestorer.Job job) throws Exception {
    int samples = OUT.width() * OUT.height() * 3;
    float[][] frames = new float[probe.frameCount()][];
    new ShardRestorer(sixteen).restore(job, FrameSink.ofFloats((f, out, i) -> {
      frames[f] = java.util.Arrays.copyOfRange(out.floats(), i * samples, (i + 1) * samples);
    }), n -> { });
    return frames;
  }

  /** The first chunk's float output, the source decoded with samples of {@code sampleBytes}. */
  private static float[] firstChunkFloats(int sampleBytes) throws Exception {
    int frames = sixteen.bundle().chunkGrid().firstChunkFrames();
    FrameSize in = new FrameSize(probe.width(), probe.height());
    int frameBytes = in.width() * in.height() * 3 * sampleBytes;
    byte[] chunk = new byte[frames * frameBytes];
    try (FrameSource source = FrameSource.open(probe, 0, DamagePolicy.FAIL, in, sampleBytes)) {
      for (int i = 0; i < frames; i++) {
        source.read(chunk, i * frameBytes);
      }
    }
    try (StreamingRestorer stream = sixteen.newStream(OUT)) {
      float[] out = stream.restore(new StreamingRestorer.Chunk(chunk, frames, in, 0, 0, sampleBytes),
          StreamingRestorer.floats());
      assertNotNull(out);
      assertFalse(out.length == 0);
      return out;
    }
  }

  private static FrameSink sixteenBitSink(FrameSink each) {
    return new FrameSink() {
      @Override
      public void accept(int videoFrame, ChunkFrames frames, int index) throws java.io.IOException {
        each.accept(videoFrame, frames, index);
      }

      @Override
      public int sampleBytes() {
        return 2;
      }
    };
  }
}
