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
   * (docs/quality.md, "Colour fidelity"): wavelet's mean channel shift is adain's (0.47 of a level, none 0.51) and its
   * CIEDE2000 none's (1.22; adain 1.35), at no cost in PSNR.
   */
  public static final ColorFix DEFAULT = WAVELET;

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
