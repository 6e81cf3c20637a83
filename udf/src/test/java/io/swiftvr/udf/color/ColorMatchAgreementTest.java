package io.swiftvr.udf.color;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.swiftvr.planner.TestMedia;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Java fixes agree with model/swiftvr/eval/color_fix.py, whose figures chose the default (docs/quality.md,
 * "Colour fidelity"): on a real frame (udf/src/test/resources/color-fix, written by that program), every output byte
 * within 1 of Python's, and at most 1% of them off by 1 (float32 sums in another order can cross a rounding edge).
 */
class ColorMatchAgreementTest {
  private static final Path GOLDEN = TestMedia.repoRoot().resolve("udf/src/test/resources/color-fix");

  @ParameterizedTest
  @EnumSource(value = ColorFix.class, names = {"WAVELET", "ADAIN"})
  void javaMatchesPython(ColorFix fix) throws Exception {
    int[] in = new int[2];
    int[] out = new int[2];
    int[] golden = new int[2];
    byte[] input = ColorFrames.png(GOLDEN.resolve("input.png"), in);
    byte[] restored = ColorFrames.png(GOLDEN.resolve("restored.png"), out);
    byte[] expected = ColorFrames.png(GOLDEN.resolve(fix.optionValue() + ".png"), golden);
    assertEquals(out[0], golden[0]);
    assertEquals(out[1], golden[1]);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray lq = ColorFrames.uint8(manager, input, 1, in[0], in[1]);
      NDArray floats = ColorMatch.unitRange(ColorFrames.uint8(manager, restored, 1, out[0], out[1]));
      byte[] got = new ColorCorrector(fix, 0, 1, manager).correct(lq, floats, false).toByteArray();
      int off = 0;
      int maxDiff = 0;
      int unchanged = 0;
      for (int i = 0; i < expected.length; i++) {
        int d = Math.abs((got[i] & 0xff) - (expected[i] & 0xff));
        maxDiff = Math.max(maxDiff, d);
        off += d > 0 ? 1 : 0;
        unchanged += got[i] == restored[i] ? 1 : 0;
      }
      System.out.printf("%s: max |Java - Python| %d, %d of %d bytes differ%n", fix, maxDiff, off, expected.length);
      assertTrue(maxDiff <= 1, fix + ": max difference " + maxDiff);
      assertTrue(off <= expected.length / 100, fix + ": " + off + " bytes differ");
      assertTrue(unchanged < expected.length / 2, fix + " changed the frame"); // the cast was taken out
    }
  }
}
