package io.swiftvr.bench;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import io.swiftvr.media.EncoderSettings;
import io.swiftvr.media.FrameSize;
import io.swiftvr.media.OutputSize;
import io.swiftvr.media.SegmentEncoder;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.ChunkGrid;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.ShardPlanner;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.FrameSink;
import io.swiftvr.udf.ShardRestorer;
import io.swiftvr.udf.ShardResult;
import io.swiftvr.udf.ThroughputRow;
import io.swiftvr.udf.bundle.ModelBundle;
import io.swiftvr.udf.model.DeviceNames;
import io.swiftvr.udf.model.RestorerModel;
import io.swiftvr.udf.model.StageTimes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark of the shard restore path without Spark: decode → model → encode for a whole clip, after a warm-up of
 * both chunk shapes, one row per output size with seconds per stage, FPS and peak memory.
 *
 * <pre>
 *   java ... io.swiftvr.bench.RestoreBenchmark CLIP BUNDLE [SIZES] [DEVICE] [CODEC] [PRESET]
 *   SIZES: x2 (default), x4 or WxH, several separated by commas (the model is loaded once);
 *   DEVICE: cpu (default) or gpu;  CODEC: libx264 (default), h264_nvenc, ...;  PRESET: medium (default), veryfast, ...
 *   -Dswiftvr.throughput.csv=FILE also writes the rows as a throughput table, the report's format
 *   ({@link ThroughputRow}), which the job's report adds to its own with --add-throughput
 * </pre>
 *
 * <p>Stages: decode (decoder thread: FFmpeg decode to RGB and chunk assembly), the model thread's host→device (Java
 * array into a direct buffer, then the copy to the device), forward, device→host (straight into one of the
 * shard's reused direct output buffers, which the encoder reads: the "to byte[]" column is 0 since 2026-11-22 21:00;
 * with our JNI library on a GPU only the time to queue the copy on a side stream, whose own duration, beside the
 * next forward, is "D2H beside"), and encode (encoder thread: RGB → YUV and the codec). Decode and encode overlap
 * the model, so the stage times add up to more than the wall time. On a GPU each forward call is made to wait for
 * its kernels ({@link StageTimes#waitForDevice}), so that "forward" is the GPU time and device→host the copy alone;
 * {@code -Dswiftvr.bench.waitForDevice=false} leaves that out, as the job runs (then only end to end is meaningful).
 *
 * <p>Peak GPU memory is the device's used memory (total − free, CUDA context and every process included) sampled
 * every 50 ms through DJL's {@link CudaUtils} while the clip runs; DJL has no access to libtorch's allocator
 * statistics. It needs {@code -Djna.library.path=<folder of libcudart>} where CUDA is only in the PyTorch wheels.
 */
public final class RestoreBenchmark {
  private RestoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("Usage: RestoreBenchmark CLIP BUNDLE [SIZES] [cpu|gpu] [CODEC] [PRESET]");
      System.exit(2);
    }
    VideoProbe probe = new VideoProber().probe(args[0]);
    Path work = Files.createTempDirectory("swiftvr-bench");
    long t0 = System.nanoTime();
    ModelBundle bundle = ModelBundle.open(Path.of(args[1]), work);
    double verifySeconds = (System.nanoTime() - t0) / 1e9;
    List<OutputSize> sizes = new ArrayList<>();
    for (String s : (args.length > 2 ? args[2] : "x2").split(",")) {
      sizes.add(OutputSize.parse(s.trim()));
    }
    Device device = args.length > 3 && args[3].equals("gpu") ? Device.gpu() : Device.cpu();
    EncoderSettings encoder = new EncoderSettings(args.length > 4 ? args[4] : "libx264", 18,
        args.length > 5 ? args[5] : "medium");
    // -Dswiftvr.bench.bitDepth=10: 10-bit output, through 16-bit samples where the bundle takes them, as the job
    // writes a 10-bit source (issue 30); a 10-bit CLIP also reaches the model as 16-bit samples
    String bitDepth = System.getProperty("swiftvr.bench.bitDepth");
    if (bitDepth != null) {
      encoder = encoder.withBitDepth(Integer.parseInt(bitDepth));
    }
    int outSampleBytes = ShardRestorer.outputSampleBytes(encoder, bundle);
    ChunkGrid grid = bundle.chunkGrid();
    Shard whole = new ShardPlanner(grid, 0).plan("bench", probe, Integer.MAX_VALUE).get(0);

    t0 = System.nanoTime();
    List<String> rows = new ArrayList<>();
    List<ThroughputRow> throughput = new ArrayList<>();
    String copies;
    String waitsForDevice;
    try (RestorerModel model = RestorerModel.load(bundle, device)) {
      System.out.printf(Locale.ROOT, "bundle %s: checksums verified in %.1f s, loaded on %s (%s) in %.1f s%n",
          bundle.manifest().name(), verifySeconds, device, model.precision(), (System.nanoTime() - t0) / 1e9);
      System.out.println("compiled variants: " + model.compiledVariants());
      copies = model.outputCopies();
      ShardRestorer restorer = new ShardRestorer(model);
      // Benchmarks time forward and device→host apart; -Dswiftvr.bench.waitForDevice=false runs as production does
      // (no read-back after each forward: only end to end is then meaningful, forward includes whatever waits next).
      model.stageTimes().waitForDevice(!"false".equals(System.getProperty("swiftvr.bench.waitForDevice")));
      waitsForDevice = model.stageTimes().waitsForDevice() ? "yes" : "no (production timing)";
      for (OutputSize size : sizes) {
        FrameSize out = size.resolve(probe.width(), probe.height());
        // Warm-up: the first three chunks cover both chunk shapes (28 and 24 frames), and TorchScript's profiling
        // executor optimises a shape only after seeing it twice, so the warm-up runs three times.
        int warmEnd = Math.min(3, grid.chunkCount(probe.frameCount()));
        Shard warm = new Shard("warm", 0, 1, probe.frameCount(), 0, 0, warmEnd, 0, 0, 0,
            grid.emitEnd(warmEnd - 1, probe.frameCount()));
        long w0 = System.nanoTime();
        for (int pass = 0; pass < 3; pass++) {
          restorer.restore(ShardRestorer.Job.of(probe, warm, out), discardingSink(outSampleBytes), n -> { });
        }
        System.out.printf(Locale.ROOT, "%dx%d: warm-up (3 x %d chunks) %.1f s%n", out.width(), out.height(), warmEnd,
            (System.nanoTime() - w0) / 1e9);
        model.stageTimes().reset();

        Path segment = work.resolve("bench-" + out.width() + "x" + out.height() + ".mp4");
        ShardResult r;
        try (GpuMemorySampler memory = new GpuMemorySampler(device);
            SegmentEncoder enc = new SegmentEncoder(segment, out.width(), out.height(), probe.frameRate(), encoder, 0,
                outSampleBytes, probe.colour(), whole.emittedFrames())) {
          r = restorer.restore(ShardRestorer.Job.of(probe, whole, out), FrameSink.encoding(enc), n -> { });
          enc.close();
          rows.add(row(probe, bundle, out, model, r, memory.peakMiB(), Files.size(segment)));
          throughput.add(ThroughputRow.of(deviceName(model) + ", " + bundle.manifest().name() + " " + out.width() + "x"
                  + out.height() + " (RestoreBenchmark)", 1, r.framesEmitted(),
              r.framesEmitted() * probe.durationSeconds() / probe.frameCount(), r.totalSeconds(), r.decodeSeconds(),
              r.modelSeconds(), r.encodeSeconds(), Double.NaN));
        }
        System.out.println(rows.get(rows.size() - 1));
        Files.deleteIfExists(segment);
      }
    }
    System.out.printf(Locale.ROOT, "%n| device | clip | model | precision | in | out | frames (modelled) "
        + "| decode s | H2D s | forward s | D2H s | D2H beside s | to byte[] s | encode s | total s | FPS end to end "
        + "| model-only FPS | model thread FPS | end to end / model-only | peak GPU used MiB | peak RSS MiB "
        + "| output MB |%n");
    System.out.println("|---".repeat(22) + "|");
    rows.forEach(System.out::println);
    System.out.println("encoder: " + encoder + "; output copies: " + copies + "; java "
        + System.getProperty("java.version")
        + "; enable_cuda_stream=" + System.getProperty("ai.djl.pytorch.enable_cuda_stream", "false")
        + "; forward waits for the device: " + (device.isGpu() ? waitsForDevice : "n/a")
        + "; cudnn_benchmark=" + System.getProperty("ai.djl.pytorch.cudnn_benchmark", "unset"));
    String table = System.getProperty("swiftvr.throughput.csv");
    if (table != null) {
      Files.writeString(Path.of(table), ThroughputRow.csv(throughput));
      System.out.println("throughput table written to " + table);
    }
    System.out.println("FPS end to end = output frames / wall time of the clip (decode, model and encode "
        + "overlapping); model-only FPS = frames modelled / forward s; model thread FPS = frames modelled / "
        + "(H2D + forward + D2H + to byte[]); end to end / model-only = (frames modelled / total s) / model-only FPS.");
  }

  private static String row(VideoProbe probe, ModelBundle bundle, FrameSize out, RestorerModel model, ShardResult r,
      long peakGpuMiB, long outputBytes) {
    StageTimes st = model.stageTimes();
    String device = deviceName(model);
    double modelOnly = r.framesModelled() / st.forwardSeconds();
    double thread = r.framesModelled()
        / (st.hostToDeviceSeconds() + st.forwardSeconds() + st.deviceToHostSeconds() + st.toJavaSeconds());
    return String.format(Locale.ROOT,
        "| %s | %s | %s | %s | %dx%d | %dx%d | %d (%d) | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f "
            + "| %.2f | %.2f | %.2f | %.1f%% | %s | %d | %.1f |",
        device, Path.of(probe.uri()).getFileName(), bundle.manifest().name(), model.precision(),
        probe.width(), probe.height(), out.width(), out.height(), r.framesEmitted(), r.framesModelled(),
        r.decodeSeconds(), st.hostToDeviceSeconds(), st.forwardSeconds(), st.deviceToHostSeconds(),
        st.overlappedCopySeconds(), st.toJavaSeconds(), r.encodeSeconds(), r.totalSeconds(),
        r.framesEmitted() / r.totalSeconds(), modelOnly, thread,
        100 * (r.framesModelled() / r.totalSeconds()) / modelOnly,
        peakGpuMiB < 0 ? "-" : Long.toString(peakGpuMiB), peakRssMiB(), outputBytes / 1e6);
  }

  private static String deviceName(RestorerModel model) {
    return model.device().isGpu() ? DeviceNames.describe(model.device()) : DeviceNames.describe(Device.cpu());
  }

  /** Samples the device's used memory (total − free) every 50 ms; -1 on a CPU or where CUDA cannot be asked. */
  private static final class GpuMemorySampler implements AutoCloseable {
    private final AtomicLong peak = new AtomicLong(-1);
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    GpuMemorySampler(Device device) {
      thread = new Thread(() -> {
        if (!device.isGpu()) {
          return;
        }
        try {
          while (!stop.get()) {
            peak.accumulateAndGet(CudaUtils.getGpuMemory(device).getUsed(), Math::max);
            Thread.sleep(50);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
          System.err.println("GPU memory sampling failed: " + e);
        }
      }, "gpu-memory-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    long peakMiB() {
      long p = peak.get();
      return p < 0 ? -1 : p >> 20;
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join();
    }
  }

  /** Peak resident memory of this process (VmHWM), in MiB; -1 where /proc is not available. */
  static long peakRssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }

  /** A sink that drops frames of {@code sampleBytes} (the warm-up runs the model as the timed run will). */
  private static FrameSink discardingSink(int sampleBytes) {
    return new FrameSink() {
      @Override
      public void accept(int videoFrame, io.swiftvr.udf.ChunkFrames frames, int index) {}

      @Override
      public int sampleBytes() {
        return sampleBytes;
      }
    };
  }
}
