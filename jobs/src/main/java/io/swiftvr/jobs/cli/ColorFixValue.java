package io.swiftvr.jobs.cli;

import io.swiftvr.udf.color.ColorFix;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --color-fix none|wavelet|adain}, spelled as the option is; a wrong value is named with what is expected. */
final class ColorFixValue implements ITypeConverter<ColorFix> {
  @Override
  public ColorFix convert(String text) {
    try {
      return ColorFix.parse(text.strip());
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
