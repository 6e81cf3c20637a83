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

  /**
   * Whether this sink reads {@link ChunkFrames#buffer()} (a reused direct buffer the model's output is copied into)
   * instead of {@link ChunkFrames#bytes()}, saving a copy into a new {@code byte[]} per chunk. Lambdas get bytes.
   */
  default boolean acceptsBuffers() {
    return false;
  }

  /**
   * Whether this sink reads {@link ChunkFrames#floats()}: the network's output in [0, 1] before rounding, for
   * exactness checks ({@link #ofFloats}).
   */
  default boolean wantsFloats() {
    return false;
  }

  /**
   * Bytes a sample of the frames this sink takes: 1 (8-bit RGB), or 2 (16-bit, {@code rgb48le}: the model writes
   * 16-bit samples for it, which needs a bundle that takes them).
   */
  default int sampleBytes() {
    return 1;
  }

  /** {@code each} as a sink of the network's float output. */
  static FrameSink ofFloats(FrameSink each) {
    return new FrameSink() {
      @Override
      public void accept(int videoFrame, ChunkFrames frames, int index) throws IOException {
        each.accept(videoFrame, frames, index);
      }

      @Override
      public boolean wantsFloats() {
        return true;
      }
    };
  }

  /** A sink that encodes each frame, reading the reused buffers. */
  static FrameSink encoding(io.swiftvr.media.SegmentEncoder encoder) {
    return new FrameSink() {
      @Override
      public void accept(int videoFrame, ChunkFrames frames, int index) throws IOException {
        // from the chunk's reused buffer when it has one, else from its bytes
        int offset = index * frames.frameBytes();
        if (frames.buffer() != null) {
          encoder.write(frames.buffer(), offset);
        } else {
          encoder.write(frames.bytes(), offset);
        }
      }

      @Override
      public boolean acceptsBuffers() {
        return true;
      }

      @Override
      public int sampleBytes() {
        return encoder.sampleBytes();
      }
    };
  }
}
