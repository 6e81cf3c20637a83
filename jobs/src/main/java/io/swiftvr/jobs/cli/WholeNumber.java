package io.swiftvr.jobs.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Numeric options: Integer.parseInt's own text ({@code For input string: "abc"}) says nothing a user can act on. */
final class WholeNumber implements ITypeConverter<Integer> {
  @Override
  public Integer convert(String text) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new TypeConversionException("expected a whole number, got '" + text + "'");
    }
  }
}
