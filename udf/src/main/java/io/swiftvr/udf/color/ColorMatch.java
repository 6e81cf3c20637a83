package io.swiftvr.udf.color;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The colour fixes as NDArray operations on frames {@code [F, H, W, 3]} of float32 in [0, 1] (NHWC, as the module
 * returns them), so that they run where the frames are, on the model's device, before the copy to the host.
 *
 * <p>Only operators that our own JNI library (native/djl-torch-jni) implements are used: slices, gathers by an index
 * array, concatenation, broadcasting, element-wise arithmetic, means over axes, square root, clamp. No convolution,
 * pooling or interpolation: that library has none of them, so the blur is written as shifted slices and the resize
 * as two gathers and a blend per axis. Every result and temporary belongs to the manager of the first argument.
 */
public final class ColorMatch {
  /** Levels of the wavelet low pass, dilations 1, 2, 4, 8, 16: its support is about 63 pixels wide. */
  public static final int WAVELET_LEVELS = 5;
  /** Added to each variance in {@link #adain}, so a flat channel does not divide by zero. */
  public static final float ADAIN_EPSILON = 1e-5f;

  private ColorMatch() {}

  /** {@link ColorFix#WAVELET}: {@code restored - lowPass(restored) + lowPass(reference)}, clamped to [0, 1]. */
  public static NDArray wavelet(NDArray restored, NDArray reference) {
    try (NDArray lowOut = lowPass(restored);
        NDArray lowIn = lowPass(reference);
        NDArray sum = restored.sub(lowOut)) {
      sum.addi(lowIn);
      return sum.clip(0f, 1f);
    }
  }

  /**
   * {@link ColorFix#ADAIN}: per frame and channel, {@code (restored - mean) / std * std_ref + mean_ref} with the
   * means and (population) standard deviations over the frame's pixels, clamped to [0, 1].
   */
  public static NDArray adain(NDArray restored, NDArray reference) {
    try (NDArray meanOut = spatialMean(restored);
        NDArray stdOut = std(restored, meanOut);
        NDArray meanIn = spatialMean(reference);
        NDArray stdIn = std(reference, meanIn);
        NDArray gain = stdIn.div(stdOut);
        NDArray matched = restored.sub(meanOut)) {
      matched.muli(gain).addi(meanIn);
      return matched.clip(0f, 1f);
    }
  }

  private static NDArray std(NDArray x, NDArray mean) {
    try (NDArray d = x.sub(mean);
        NDArray square = d.mul(d);
        NDArray variance = spatialMean(square)) {
      variance.addi(ADAIN_EPSILON);
      return variance.sqrt();
    }
  }

  /** The mean over rows and columns, {@code [F, 1, 1, 3]}: the engine's mean takes one axis at a time. */
  private static NDArray spatialMean(NDArray x) {
    try (NDArray rows = x.mean(new int[] {1}, true)) {
      return rows.mean(new int[] {2}, true);
    }
  }

  /**
   * The wavelet fix's low pass: {@value #WAVELET_LEVELS} passes of the 3x3 binomial kernel {@code [1 2 1]^T [1 2 1] / 16}
   * dilated by 1, 2, 4, 8 and 16, each with the frame's edge pixels repeated beyond it (replicate padding). The
   * kernel is separable, so each pass is a blur along the rows and then along the columns.
   */
  public static NDArray lowPass(NDArray frames) {
    NDArray x = frames;
    for (int level = 0; level < WAVELET_LEVELS; level++) {
      int dilation = 1 << level;
      NDArray rows = blurAxis(x, 1, dilation);
      if (x != frames) {
        x.close();
      }
      x = blurAxis(rows, 2, dilation);
      rows.close();
    }
    return x;
  }

  /** {@code (x[i - d] + 2 x[i] + x[i + d]) / 4} along {@code axis}, indices clamped to the edge. */
  static NDArray blurAxis(NDArray x, int axis, int dilation) {
    Shape shape = x.getShape();
    long n = shape.get(axis);
    long[] padShape = shape.getShape();
    padShape[axis] = dilation;
    try (NDArray first = x.get(NDIndex.sliceAxis(axis, 0, 1));
        NDArray last = x.get(NDIndex.sliceAxis(axis, n - 1, n));
        NDArray before = first.broadcast(new Shape(padShape));
        NDArray after = last.broadcast(new Shape(padShape));
        NDArray padded = NDArrays.concat(new NDList(before, x, after), axis);
        NDArray minus = padded.get(NDIndex.sliceAxis(axis, 0, n));
        NDArray plus = padded.get(NDIndex.sliceAxis(axis, 2L * dilation, 2L * dilation + n));
        NDArray sum = x.mul(2f)) {
      sum.addi(minus).addi(plus);
      return sum.mul(0.25f);
    }
  }

  /**
   * Frames {@code [F, h, w, 3]} (float) resized to {@code height x width} bilinearly with half-pixel centres: what
   * PyTorch's {@code upsample_bilinear2d} with {@code align_corners=False} computes (no antialiasing; the input is
   * the low-resolution frame, so this is nearly always an enlargement).
   */
  public static NDArray resizeBilinear(NDArray frames, int height, int width) {
    NDArray rows = resizeAxis(frames, 1, height);
    NDArray both = resizeAxis(rows, 2, width);
    if (rows != frames && rows != both) {
      rows.close();
    }
    return both;
  }

  private static NDArray resizeAxis(NDArray x, int axis, int size) {
    int in = (int) x.getShape().get(axis);
    if (in == size) {
      return x;
    }
    long[] low = new long[size];
    long[] high = new long[size];
    float[] weight = new float[size];
    // PyTorch's area_pixel_compute_source_index in float: src = scale * (dst + 0.5) - 0.5, at least 0.
    float scale = (float) in / size;
    for (int d = 0; d < size; d++) {
      float src = Math.max(scale * (d + 0.5f) - 0.5f, 0f);
      int i = (int) src;
      low[d] = i;
      high[d] = i < in - 1 ? i + 1 : i;
      weight[d] = src - i;
    }
    long[] weightShape = {1, 1, 1, 1};
    weightShape[axis] = size;
    String where = axis == 1 ? ":, {}" : ":, :, {}";
    try (NDArray lowIndex = x.getManager().create(low);
        NDArray highIndex = x.getManager().create(high);
        NDArray w = x.getManager().create(weight, new Shape(weightShape));
        NDArray a = x.get(new NDIndex(where, lowIndex));
        NDArray b = x.get(new NDIndex(where, highIndex));
        NDArray step = b.sub(a)) {
      step.muli(w);
      return step.add(a);
    }
  }

  /**
   * Input samples as the module reads them, to float32 {@code [F, h, w, 3]} in [0, 1]: 8-bit samples {@code [F, h, w,
   * 3]} / 255, or 16-bit ones as their two bytes, low byte first, in a last axis ({@code [F, h, w, 3, 2]}, the
   * chunk's form of {@code rgb48le}) / 65535.
   */
  public static NDArray unitRange(NDArray samples) {
    Shape shape = samples.getShape();
    if (samples.getDataType() != DataType.UINT8 || shape.dimension() < 4 || shape.dimension() > 5
        || shape.get(3) != 3 || (shape.dimension() == 5 && shape.get(4) != 2)) {
      throw new IllegalArgumentException("Input frames " + shape + " of " + samples.getDataType()
          + ": uint8 [F, h, w, 3] or 16-bit samples as uint8 [F, h, w, 3, 2] expected");
    }
    try (NDArray f = samples.toType(DataType.FLOAT32, false)) {
      if (shape.dimension() == 4) {
        return f.div(255f);
      }
      try (NDArray low = f.get(NDIndex.sliceAxis(4, 0, 1));
          NDArray high = f.get(NDIndex.sliceAxis(4, 1, 2));
          NDArray value = high.mul(256f)) {
        value.addi(low).divi(65535f);
        return value.squeeze(4);
      }
    }
  }

  /** [0, 1] floats to uint8 as the module rounds them: {@code round(x * 255)}, halves to even. */
  public static NDArray toUint8(NDArray unit) {
    try (NDArray scaled = unit.mul(255f);
        NDArray rounded = scaled.round();
        NDArray clipped = rounded.clip(0f, 255f)) {
      return clipped.toType(DataType.UINT8, true);
    }
  }
}
