package io.swiftvr.jobs.cli;

import io.swiftvr.planner.DamagePolicy;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --damaged fail|repair}, spelled as the option is; a wrong value is named with what is expected. */
final class DamagedValue implements ITypeConverter<DamagePolicy> {
  @Override
  public DamagePolicy convert(String text) {
    try {
      return DamagePolicy.parse(text.strip());
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
