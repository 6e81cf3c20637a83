package io.swiftvr.udf;

import java.nio.ByteBuffer;

/**
 * The restored frames of one chunk: as bytes (normal runs), as floats in [0, 1] (exactness checks), or, for sinks
 * that {@linkplain FrameSink#acceptsBuffers accept buffers}, as RGB bytes from position 0 of a direct buffer that the
 * pipeline reuses once the sink has returned (so a sink must not keep it). Bytes and buffers hold 8-bit samples
 * ({@code sampleBytes} 1) or 16-bit ones ({@code sampleBytes} 2: {@code rgb48le}, low byte first).
 */
public record ChunkFrames(byte[] bytes, float[] floats, ByteBuffer buffer, int height, int width, int sampleBytes) {
  public ChunkFrames(byte[] bytes, float[] floats, ByteBuffer buffer, int height, int width) {
    this(bytes, floats, buffer, height, width, 1);
  }

  public ChunkFrames(byte[] bytes, float[] floats, int height, int width) {
    this(bytes, floats, null, height, width);
  }

  /** Bytes of one frame in {@link #bytes} or {@link #buffer}. */
  public int frameBytes() {
    return height * width * 3 * sampleBytes;
  }
}
