package io.swiftvr.udf;

import java.io.IOException;

/** Where a shard's restored frames go, in order: a segment encoder, or a test collecting them. */
@FunctionalInterface
public interface FrameSink {
  /**
   * @param videoFrame the frame's index in the video
   * @param frames a buffer of packed frames (RGB bytes, or floats when restoring in float mode)
   * @param index the frame's position within {@code frames}
   */
  void accept(int videoFrame, ChunkFrames frames, int index) throws IOException;
}
