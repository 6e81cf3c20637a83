package io.swiftvr.udf.color;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ColorFixTest {
  @Test
  void parsesTheOptionValues() {
    assertEquals(ColorFix.NONE, ColorFix.parse("none"));
    assertEquals(ColorFix.WAVELET, ColorFix.parse("wavelet"));
    assertEquals(ColorFix.ADAIN, ColorFix.parse("adain"));
    for (ColorFix fix : ColorFix.values()) {
      assertEquals(fix, ColorFix.parse(fix.optionValue()));
    }
  }

  @Test
  void refusesOtherValuesNamingTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ColorFix.parse("Wavelet"));
    assertEquals("expected none, wavelet, adain, got 'Wavelet'", e.getMessage());
  }
}
