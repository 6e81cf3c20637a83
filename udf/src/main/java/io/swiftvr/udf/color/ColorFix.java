package io.swiftvr.udf.color;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What is done to a restored frame's colours before it leaves the device ({@code --color-fix}): restorers shift colour
 * and brightness a little (users of SeedVR2, FlashVSR and Real-ESRGAN complain of it), and these pull the output's
 * low frequencies back to the input's. The input each output frame is matched to is its own source frame, resized
 * to the output size ({@link ColorCorrector}).
 */
public enum ColorFix {
  /** The network's output as it is. */
  NONE,
  /**
   * The output's high frequencies on the input's low frequencies: {@code out - lowPass(out) + lowPass(in)}, the low
   * pass being five levels of a 3x3 binomial blur dilated 1, 2, 4, 8, 16 ({@link ColorMatch#lowPass}).
   */
  WAVELET,
  /** Each channel's mean and standard deviation over the frame set to the input frame's ({@link ColorMatch#adain}). */
  ADAIN;

  /**
   * The default of {@code --color-fix}, chosen by the colour shift against the ground truth on the held-out set
   * (docs/quality.md, "Colour fidelity"): the shipped model's shift is already below what is visible (0.51 of a level,
   * CIEDE2000 1.22 of 8x8 block means), and wavelet takes it only to 0.47 with CIEDE2000 unchanged, so the fix does
   * not pay for its cost (60 ms a 640x480 frame on 2 CPU cores) nor for leaving the official release's output: with
   * the official weights the default must give the official restoration, frame for frame. Users who see a shift ask
   * for wavelet.
   */
  public static final ColorFix DEFAULT = NONE;

  /** The name on the command line and in plans: {@code none}, {@code wavelet}, {@code adain}. */
  public String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The option value, so that help texts and messages show what is typed. */
  @Override
  public String toString() {
    return optionValue();
  }

  /** The fix a command-line value names; an unknown one is an IllegalArgumentException naming the known values. */
  public static ColorFix parse(String value) {
    for (ColorFix fix : values()) {
      if (fix.optionValue().equals(value)) {
        return fix;
      }
    }
    throw new IllegalArgumentException("expected "
        + Arrays.stream(values()).map(ColorFix::optionValue).collect(Collectors.joining(", ")) + ", got '" + value
        + "'");
  }
}
