package io.swiftvr.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OutputSizeTest {
  @Test
  void scalesAndFitsWithEvenSizes() {
    assertEquals(new FrameSize(640, 480), OutputSize.parse("x2").resolve(320, 240));
    assertEquals(new FrameSize(1282, 962), OutputSize.parse("x2").resolve(641, 481));
    assertEquals(new FrameSize(3840, 2160), OutputSize.parse("3840x2160").resolve(1920, 1080));
    // A 4:3 source in a 16:9 box keeps its aspect: height-bound.
    assertEquals(new FrameSize(2880, 2160), OutputSize.parse("3840x2160").resolve(640, 480));
    assertEquals(new FrameSize(1000, 564), OutputSize.parse("x4").resolve(250, 141));
  }
}
