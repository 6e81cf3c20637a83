package io.swiftvr.media;

import java.io.Serializable;

/** A frame's size in pixels, always width first; {@code 3840x2160} as text. */
public record FrameSize(int width, int height) implements Serializable {
  public FrameSize {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("A frame size must be positive, got " + width + "x" + height);
    }
  }

  @Override
  public String toString() {
    return width + "x" + height;
  }
}
