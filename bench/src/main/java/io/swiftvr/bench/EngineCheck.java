package io.swiftvr.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.swiftvr.media.FrameSize;
import io.swiftvr.udf.bundle.Goldens;
import io.swiftvr.udf.bundle.ModelBundle;
import io.swiftvr.udf.model.RestorerModel;
import io.swiftvr.udf.model.StreamingRestorer;
import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Engine doctor: which DJL engine and libtorch this JVM runs, which GPUs it sees, and whether a bundle's restorer
 * reproduces the bundle's PyTorch goldens on a device, chunk after chunk with the streaming state carried. It touches
 * neither FFmpeg nor Spark, so it runs with just the DJL jars and a libtorch (for instance on a GPU machine whose
 * libtorch is newer than DJL's, with our own JNI library from native/djl-torch-jni).
 *
 * <pre>
 *   java -Dai.djl.offline=true -cp ... io.swiftvr.bench.EngineCheck BUNDLE [cpu|gpu]
 *       [--precision auto|float32] [--tolerance X] [--repeat N]
 * </pre>
 *
 * <p>{@code --precision auto} loads what {@link RestorerModel#load} picks (bfloat16 on a GPU when the bundle has it);
 * {@code float32} hides a bfloat16 module so the float32 one runs on the GPU too. The goldens come from the float32
 * module on the CPU; the default tolerance is the golden file's own on the CPU, at least 2e-3 for float32 on a GPU
 * (other kernels, TF32 convolutions) and 0.1 for bfloat16. {@code --repeat N} runs the golden chunks N times (fresh
 * state each time) and prints the time of each pass. Then the byte output the pipeline encodes is checked against
 * the float output, chunk by chunk (on a GPU this covers the asynchronous host copies). Exit status 0 when every
 * chunk passes.
 */
public final class EngineCheck {
  private EngineCheck() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println(
          "Usage: EngineCheck BUNDLE [cpu|gpu] [--precision auto|float32] [--tolerance X] [--repeat N]");
      System.exit(2);
    }
    Path bundlePath = Path.of(args[0]);
    String deviceName = "cpu";
    String precision = "auto";
    double tolerance = Double.NaN;
    int repeat = 1;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "cpu", "gpu" -> deviceName = args[i];
        case "--precision" -> precision = args[++i];
        case "--tolerance" -> tolerance = Double.parseDouble(args[++i]);
        case "--repeat" -> repeat = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("Unknown argument: " + args[i]);
      }
    }
    System.exit(run(bundlePath, deviceName, precision, tolerance, repeat) ? 0 : 1);
  }

  static boolean run(Path bundlePath, String deviceName, String precision, double toleranceArg, int repeat)
      throws Exception {
    printEnvironment();
    long t0 = System.nanoTime();
    Engine engine = Engine.getEngine("PyTorch");
    System.out.printf(Locale.ROOT, "engine: %s %s (DJL %s), started in %.1f s%n", engine.getEngineName(),
        engine.getVersion(), Engine.getDjlVersion(), (System.nanoTime() - t0) / 1e9);
    System.out.println("engine details: " + engine.toString().replace('\n', ' ').replaceAll("\\s+", " "));
    int gpus = engine.getGpuCount();
    System.out.println("GPU count (engine): " + gpus);
    printCuda(gpus);

    Device device = "gpu".equals(deviceName) ? Device.gpu() : Device.cpu();
    if (device.isGpu() && gpus == 0) {
      System.out.println("FAIL: gpu asked for, but the engine sees no GPU");
      return false;
    }
    System.out.println("device: " + device);

    Path work = Files.createTempDirectory("swiftvr-enginecheck");
    ModelBundle bundle = ModelBundle.open(bundlePath, work);
    if ("float32".equals(precision) && bundle.hasModule(ModelBundle.BFLOAT16)) {
      bundle = ModelBundle.open(withoutBfloat16(bundle.directory(), work.resolve("float32-view")), work);
    } else if (!"auto".equals(precision) && !"float32".equals(precision)) {
      throw new IllegalArgumentException("--precision must be auto or float32");
    }
    System.out.println("bundle: " + bundle + "; modules " + bundle.manifest().modules().keySet());
    if (!Files.isRegularFile(bundle.directory().resolve("golden/golden.json"))) {
      System.out.println("FAIL: the bundle has no golden/golden.json");
      return false;
    }
    Goldens golden = Goldens.read(bundle);

    t0 = System.nanoTime();
    boolean pass = true;
    try (RestorerModel model = RestorerModel.load(bundle, device)) {
      System.out.printf(Locale.ROOT, "model: %s loaded on %s in %.2f s%n", model.precision(), model.device(),
          (System.nanoTime() - t0) / 1e9);
      double tolerance = toleranceFor(golden.tolerance(), device, model.precision(), toleranceArg);
      System.out.printf(Locale.ROOT, "tolerance: %.3g (golden file: %s)%n", tolerance, golden.tolerance());
      for (int pass_ = 0; pass_ < repeat; pass_++) {
        pass &= runGoldens(model, golden, tolerance, pass_);
      }
      pass &= checkByteOutput(model, golden);
      if (device.isGpu()) {
        printGpuMemory(device);
      }
    }
    System.out.println(pass ? "RESULT: PASS" : "RESULT: FAIL");
    return pass;
  }

  private static boolean runGoldens(RestorerModel model, Goldens golden, double tolerance, int passIndex) {
    boolean pass = true;
    int chunkIndex = 0;
    long passStart = System.nanoTime();
    try (StreamingRestorer stream = model.newStream(new FrameSize(golden.outWidth(), golden.outHeight()))) {
      for (Goldens.Chunk chunk : golden.chunks()) {
        float[] expected = chunk.expected();
        long t = System.nanoTime();
        float[] actual = stream.restore(input(chunk), StreamingRestorer.floats());
        double ms = (System.nanoTime() - t) / 1e6;
        double maxDiff = 0;
        double sumDiff = 0;
        if (actual.length == expected.length) {
          for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            maxDiff = Math.max(maxDiff, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
            sumDiff += d;
          }
        } else {
          maxDiff = Double.POSITIVE_INFINITY;
        }
        boolean ok = maxDiff <= tolerance;
        pass &= ok;
        System.out.printf(Locale.ROOT,
            "pass %d chunk %d: input %s t_offset %d -> %d values, %.1f ms, max |DJL - PyTorch| = %.3g, "
                + "mean = %.3g, live arrays %d: %s%n",
            passIndex, chunkIndex, List.of(chunk.frames(), chunk.height(), chunk.width(), 3), chunk.latentOffset(),
            actual.length, ms, maxDiff,
            expected.length == 0 ? 0.0 : sumDiff / expected.length, stream.liveArrays(), ok ? "PASS" : "FAIL");
        chunkIndex++;
      }
    }
    System.out.printf(Locale.ROOT, "pass %d: %d chunks in %.1f ms%n", passIndex, chunkIndex,
        (System.nanoTime() - passStart) / 1e6);
    if (chunkIndex < 2) {
      System.out.println("FAIL: the goldens have fewer than 2 chunks, so they do not cover carried state");
      return false;
    }
    return pass;
  }

  /**
   * The byte output the pipeline encodes (on a GPU with our JNI library: copied on a side stream into page-locked
   * buffers and awaited) against the float output of a second stream fed the same chunks: every byte must be the
   * float rounded, give or take 1. A copy that ran before its forward finished, or into the wrong place, shows here.
   */
  private static boolean checkByteOutput(RestorerModel model, Goldens golden) {
    int worst = 0;
    int chunks = 0;
    try (StreamingRestorer bytes = model.newStream(new FrameSize(golden.outWidth(), golden.outHeight()));
        StreamingRestorer floats = model.newStream(new FrameSize(golden.outWidth(), golden.outHeight()))) {
      for (Goldens.Chunk chunk : golden.chunks()) {
        byte[] b = bytes.restore(input(chunk), StreamingRestorer.bytes());
        float[] f = floats.restore(input(chunk), StreamingRestorer.floats());
        if (b.length != f.length) {
          System.out.printf(Locale.ROOT, "byte output: chunk %d has %d bytes for %d floats: FAIL%n", chunks,
              b.length, f.length);
          return false;
        }
        for (int i = 0; i < b.length; i++) {
          int expected = (int) Math.round(Math.min(1.0, Math.max(0.0, f[i])) * 255.0);
          worst = Math.max(worst, Math.abs((b[i] & 0xff) - expected));
        }
        chunks++;
      }
    }
    boolean ok = worst <= 1;
    System.out.printf(Locale.ROOT, "byte output (copies %s): %d chunks, max |byte - round(255 float)| = %d: %s%n",
        model.outputCopies(), chunks, worst, ok ? "PASS" : "FAIL");
    return ok;
  }

  static double toleranceFor(double goldenTolerance, Device device, String precision, double override) {
    if (!Double.isNaN(override)) {
      return override;
    }
    if (ModelBundle.BFLOAT16.equals(precision)) {
      return Math.max(goldenTolerance, 0.1);
    }
    return device.isGpu() ? Math.max(goldenTolerance, 2e-3) : goldenTolerance;
  }

  /** A view of a bundle without its bfloat16 module: links to its files and a manifest that omits it. */
  private static Path withoutBfloat16(Path bundleDir, Path view) throws IOException {
    Files.createDirectories(view);
    JsonObject manifest = JsonParser.parseString(Files.readString(bundleDir.resolve("manifest.json")))
        .getAsJsonObject();
    manifest.getAsJsonObject("modules").remove(ModelBundle.BFLOAT16);
    Files.writeString(view.resolve("manifest.json"), manifest.toString());
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(bundleDir)) {
      for (Path p : entries) {
        if (!p.getFileName().toString().equals("manifest.json")) {
          Files.createSymbolicLink(view.resolve(p.getFileName().toString()), p.toAbsolutePath());
        }
      }
    }
    return view;
  }

  private static void printEnvironment() {
    System.out.println("java: " + System.getProperty("java.vendor") + " " + System.getProperty("java.version")
        + " on " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
        + Runtime.getRuntime().availableProcessors() + " cores");
    for (String name : new String[] {"PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR", "DJL_CACHE_DIR",
        "DJL_TORCH_ALLOW_TF32", "DJL_TORCH_INFERENCE_MODE"}) {
      String value = System.getenv(name);
      if (value != null) {
        System.out.println("env " + name + "=" + value);
      }
    }
    System.out.println("ai.djl.offline=" + System.getProperty("ai.djl.offline"));
  }

  private static void printCuda(int gpus) {
    try {
      if (!CudaUtils.hasCuda()) {
        System.out.println("CUDA runtime (JNA cudart): not found");
        return;
      }
      System.out.println("CUDA runtime (JNA cudart): " + CudaUtils.getCudaVersionString() + ", GPUs "
          + CudaUtils.getGpuCount());
      for (int i = 0; i < Math.min(gpus, CudaUtils.getGpuCount()); i++) {
        System.out.println("GPU " + i + ": compute capability " + CudaUtils.getComputeCapability(i));
      }
    } catch (RuntimeException | LinkageError e) {
      System.out.println("CUDA runtime query failed: " + e);
    }
  }

  private static void printGpuMemory(Device device) {
    try {
      MemoryUsage mem = CudaUtils.getGpuMemory(device);
      System.out.printf(Locale.ROOT, "GPU memory on %s: used %.0f MiB of %.0f MiB (whole device)%n", device,
          mem.getUsed() / 1048576.0, mem.getMax() / 1048576.0);
    } catch (RuntimeException | LinkageError e) {
      System.out.println("GPU memory query failed: " + e);
    }
  }

  /** A golden chunk as the stream's input. */
  private static StreamingRestorer.Chunk input(Goldens.Chunk chunk) {
    return new StreamingRestorer.Chunk(chunk.input(), chunk.frames(), new FrameSize(chunk.width(), chunk.height()),
        chunk.latentOffset(), 0);
  }
}
