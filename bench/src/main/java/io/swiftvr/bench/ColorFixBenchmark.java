package io.swiftvr.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.swiftvr.media.FrameSize;
import io.swiftvr.media.FrameSource;
import io.swiftvr.media.OutputSize;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.color.ColorCorrector;
import io.swiftvr.udf.color.ColorFix;
import io.swiftvr.udf.color.ColorMatch;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * The cost of {@code --color-fix} alone, on DJL's engine as the pipeline runs it ({@link ColorCorrector} on one
 * chunk): a chunk of a clip's first frames (decoded at their own size, the input), and as the restored frames the
 * same frames resized bilinearly to each output size (a stand-in: the fix's cost does not depend on the pixels).
 * One row per output size and fix: milliseconds per frame, the median and the fastest of the repeats.
 *
 * <pre>
 *   java ... io.swiftvr.bench.ColorFixBenchmark CLIP [SIZES] [FIXES] [cpu|gpu] [REPEATS]
 *   SIZES: x2 (default), x4 or WxH, several separated by commas;  FIXES: wavelet,adain (default; none times nothing)
 *   FRAMES per chunk: -Dswiftvr.bench.frames=24 (default)
 * </pre>
 */
public final class ColorFixBenchmark {
  private ColorFixBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("Usage: ColorFixBenchmark CLIP [SIZES] [FIXES] [cpu|gpu] [REPEATS]");
      System.exit(2);
    }
    VideoProbe probe = new VideoProber().probe(args[0]);
    String[] sizes = (args.length > 1 ? args[1] : "x2").split(",");
    String[] fixes = (args.length > 2 ? args[2] : "wavelet,adain").split(",");
    Device device = args.length > 3 && args[3].equals("gpu") ? Device.gpu() : Device.cpu();
    int repeats = args.length > 4 ? Integer.parseInt(args[4]) : 5;
    int frames = Integer.getInteger("swiftvr.bench.frames", 24);

    byte[] rgb = new byte[frames * probe.width() * probe.height() * 3];
    try (FrameSource source = FrameSource.open(probe, 0)) {
      int frameBytes = probe.width() * probe.height() * 3;
      for (int f = 0; f < frames; f++) {
        source.read(rgb, f * frameBytes); // a short clip repeats its last frame
      }
    }
    System.out.printf(Locale.ROOT, "Colour fix on %s (%s), a chunk of %d frames of %dx%d, %d repeats after one "
        + "warm-up%n%n", device, args[0], frames, probe.width(), probe.height(), repeats);
    System.out.println("| output | --color-fix | ms per frame (median) | ms per frame (fastest) |");
    System.out.println("|---|---|---|---|");
    try (NDManager manager = NDManager.newBaseManager(device)) {
      NDArray input = manager.create(ByteBuffer.wrap(rgb), new Shape(frames, probe.height(), probe.width(), 3),
          DataType.UINT8);
      for (String s : sizes) {
        FrameSize out = OutputSize.parse(s).resolve(probe.width(), probe.height());
        try (NDManager scope = manager.newSubManager()) {
          NDArray restored = ColorMatch.resizeBilinear(ColorMatch.unitRange(input), out.height(), out.width());
          for (String name : fixes) {
            ColorFix fix = ColorFix.parse(name);
            double[] ms = new double[repeats];
            for (int r = -1; r < repeats; r++) {
              try (NDManager chunk = scope.newSubManager()) {
                NDArray in = input.duplicate();
                NDArray res = restored.duplicate();
                in.attach(chunk);
                res.attach(chunk);
                long t0 = System.nanoTime();
                if (fix != ColorFix.NONE) {
                  // read one byte back, so a GPU's queued kernels are counted
                  new ColorCorrector(fix, 0, 1, chunk).correct(in, res, false).get(0, 0, 0, 0).toByteArray();
                }
                if (r >= 0) {
                  ms[r] = (System.nanoTime() - t0) / 1e6 / frames;
                }
              }
            }
            Arrays.sort(ms);
            System.out.printf(Locale.ROOT, "| %dx%d | %s | %.1f | %.1f |%n", out.width(), out.height(), fix,
                ms[repeats / 2], ms[0]);
          }
        }
      }
    }
  }
}
