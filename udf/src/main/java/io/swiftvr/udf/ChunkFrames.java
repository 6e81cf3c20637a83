package io.swiftvr.udf;

/** The restored frames of one chunk, as bytes (normal runs) or floats in [0, 1] (exactness checks). */
public record ChunkFrames(byte[] bytes, float[] floats, int height, int width) {
  public int frameBytes() {
    return height * width * 3;
  }
}
