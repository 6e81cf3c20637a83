package io.swiftvr.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameSourceTest {
  private static VideoProbe probe;
  private static byte[][] sequential;

  @BeforeAll
  static void decodeAll() throws Exception {
    probe = new VideoProber().probe(TestMedia.realShort().toString());
    int bytes = probe.width() * probe.height() * 3;
    sequential = new byte[probe.frameCount()][bytes];
    try (FrameSource source = FrameSource.open(probe, 0)) {
      for (int i = 0; i < probe.frameCount(); i++) {
        assertEquals(i, source.nextIndex());
        source.read(sequential[i], 0);
      }
    }
  }

  @Test
  void decodesEveryFrameThatTheProbeCounted() {
    assertEquals(36, sequential.length);
    // Real footage, not a flat test pattern: frames differ and use the value range.
    int min = 255;
    int max = 0;
    for (byte b : sequential[10]) {
      min = Math.min(min, b & 0xff);
      max = Math.max(max, b & 0xff);
    }
    assertTrue(max - min > 100, "frame 10 spans " + min + ".." + max);
    assertTrue(!java.util.Arrays.equals(sequential[0], sequential[35]));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 11, 17, 30, 35})
  void openingAtAFrameGivesExactlyThatFrame(int start) throws Exception {
    byte[] frame = new byte[sequential[0].length];
    try (FrameSource source = FrameSource.open(probe, start)) {
      for (int i = start; i < Math.min(start + 3, probe.frameCount()); i++) {
        source.read(frame, 0);
        assertArrayEquals(sequential[i], frame, "frame " + i + " after opening at " + start);
      }
    }
  }
}
