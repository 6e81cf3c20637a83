package io.swiftvr.media;

import java.io.Serializable;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The requested output size: a scale factor ({@code x2}, {@code x4}, {@code 2}) or a target box ({@code 3840x2160})
 * that the video is fitted into with its aspect ratio kept. Sizes are rounded to even numbers, which 4:2:0 video
 * needs.
 */
public final class OutputSize implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern SCALE = Pattern.compile("x?(\\d+(?:\\.\\d+)?)");
  // At most 18 digits each, so Long.parseLong never overflows into "For input string" (range is checked below).
  private static final Pattern BOX = Pattern.compile("(\\d{1,18})x(\\d{1,18})");

  private final double scale;
  private final int boxWidth;
  private final int boxHeight;

  private OutputSize(double scale, int boxWidth, int boxHeight) {
    this.scale = scale;
    this.boxWidth = boxWidth;
    this.boxHeight = boxHeight;
  }

  public static OutputSize parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Matcher box = BOX.matcher(t);
    if (box.matches()) {
      long w = Long.parseLong(box.group(1));
      long h = Long.parseLong(box.group(2));
      if (w < 2 || h < 2 || w > 16384 || h > 16384) {
        throw new IllegalArgumentException("Output size " + text + " is out of range (2..16384 per side)");
      }
      return new OutputSize(0, (int) w, (int) h);
    }
    Matcher scale = SCALE.matcher(t);
    if (scale.matches()) {
      double s = Double.parseDouble(scale.group(1));
      if (s < 1 || s > 8) {
        throw new IllegalArgumentException("Scale " + text + " is out of range (1 to 8)");
      }
      return new OutputSize(s, 0, 0);
    }
    throw new IllegalArgumentException(
        "Output size '" + text + "' is neither a scale (x2, x4) nor a size (3840x2160)");
  }

  /** The output size for an input of {@code width×height}. */
  public FrameSize resolve(int width, int height) {
    double factor = scale > 0 ? scale : Math.min((double) boxWidth / width, (double) boxHeight / height);
    return new FrameSize(even(width * factor), even(height * factor));
  }

  private static int even(double v) {
    return Math.max(2, 2 * (int) Math.round(v / 2));
  }

  @Override
  public String toString() {
    return scale > 0 ? "x" + (scale == Math.rint(scale) ? String.valueOf((int) scale) : String.valueOf(scale))
        : boxWidth + "x" + boxHeight;
  }
}
