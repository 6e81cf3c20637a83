package io.swiftvr.udf.bench;

import ai.djl.Device;
import io.swiftvr.planner.ChunkGrid;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.ShardPlanner;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.planner.VideoProber;
import io.swiftvr.udf.ShardRestorer;
import io.swiftvr.udf.ShardResult;
import io.swiftvr.udf.bundle.ModelBundle;
import io.swiftvr.udf.model.RestorerModel;
import io.swiftvr.udf.video.EncoderSettings;
import io.swiftvr.udf.video.OutputSize;
import io.swiftvr.udf.video.SegmentEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark of the shard restore path without Spark: decode → model → encode for a clip, after a warm-up of both
 * chunk shapes, printing seconds per stage, FPS and peak memory as a table.
 *
 * <pre>
 *   java ... io.swiftvr.udf.bench.RestoreBenchmark CLIP BUNDLE [SIZE] [DEVICE] [CODEC]
 *   SIZE: x2 (default), x4 or WxH;  DEVICE: cpu (default) or gpu;  CODEC: libx264 (default), h264_nvenc, ...
 * </pre>
 */
public final class RestoreBenchmark {
  private RestoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("Usage: RestoreBenchmark CLIP BUNDLE [SIZE] [cpu|gpu] [CODEC]");
      System.exit(2);
    }
    VideoProbe probe = new VideoProber().probe(args[0]);
    Path work = Files.createTempDirectory("swiftvr-bench");
    ModelBundle bundle = ModelBundle.open(Path.of(args[1]), work);
    OutputSize size = OutputSize.parse(args.length > 2 ? args[2] : "x2");
    Device device = args.length > 3 && args[3].equals("gpu") ? Device.gpu() : Device.cpu();
    EncoderSettings encoder = new EncoderSettings(args.length > 4 ? args[4] : "libx264", 18, "medium");
    int[] out = size.resolve(probe.width(), probe.height());
    ChunkGrid grid = bundle.chunkGrid();
    Shard whole = new ShardPlanner(grid, 0).plan("bench", probe, Integer.MAX_VALUE).get(0);

    try (RestorerModel model = RestorerModel.load(bundle, device)) {
      ShardRestorer restorer = new ShardRestorer(model);
      // Warm-up: the first three chunks cover both chunk shapes (28 and 24 frames), and TorchScript's profiling
      // executor optimises a shape only after seeing it twice, so the warm-up runs three times.
      int warmEnd = Math.min(3, grid.chunkCount(probe.frameCount()));
      Shard warm = new Shard("warm", 0, 1, probe.frameCount(), 0, 0, warmEnd, 0, 0, 0,
          grid.emitEnd(warmEnd - 1, probe.frameCount()));
      for (int pass = 0; pass < 3; pass++) {
        restorer.restore(probe, warm, out[0], out[1], (f, frames, i) -> { }, n -> { }, false);
      }

      Path segment = work.resolve("bench.mp4");
      ShardResult r;
      try (SegmentEncoder enc = new SegmentEncoder(segment, out[0], out[1], probe.frameRate(), encoder)) {
        r = restorer.restore(probe, whole, out[0], out[1],
            (f, frames, i) -> enc.write(frames.bytes(), i * frames.frameBytes()), n -> { }, false);
      }
      printTable(probe, bundle, out, model, encoder, r);
    }
  }

  private static void printTable(
      VideoProbe probe, ModelBundle bundle, int[] out, RestorerModel model, EncoderSettings encoder, ShardResult r) {
    String device = model.device().isGpu() ? "GPU " + model.device().getDeviceId()
        : "CPU, " + Runtime.getRuntime().availableProcessors() + " cores";
    System.out.printf(Locale.ROOT, "%n| clip | model | device | precision | in | out | frames (modelled) "
        + "| decode s | model s | encode s | total s | FPS | model-only FPS | peak RSS MiB |%n");
    System.out.printf(Locale.ROOT, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|%n");
    System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %dx%d | %dx%d | %d (%d) | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %d |%n",
        Path.of(probe.uri()).getFileName(), bundle.manifest().name(), device, model.precision(),
        probe.width(), probe.height(), out[0], out[1], r.framesEmitted(), r.framesModelled(),
        r.decodeSeconds(), r.modelSeconds(), r.encodeSeconds(), r.totalSeconds(),
        r.framesEmitted() / r.totalSeconds(), r.framesModelled() / r.modelSeconds(), peakRssMiB());
    System.out.println("encoder: " + encoder + "; " + List.of(System.getProperty("os.name"),
        System.getProperty("java.version")));
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
}
