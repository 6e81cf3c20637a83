package io.swiftvr.udf.color;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * One stream's colour fix: matches each restored frame to the input frame it restores, on the model's device.
 *
 * <p>The module's output lags its input by the decoder's lag ({@code decoder_lag_frames}): output frame {@code i} of
 * a chunk restores the stream's input at the chunk's start + {@code i - lag}, which for the first {@code lag} outputs
 * lies in the chunk before. So the stream keeps the last {@code lag} input frames of every chunk (warm-up chunks
 * included) in its own scope. At the very start of a stream the first {@code lag} outputs restore no frame of the
 * video and are matched to the stream's first input frame.
 *
 * <p>The reference is the input frame as the module sees it before its resize: under the official protocol cropped
 * top-left to the bundle's crop multiple, then resized to the output size ({@link ColorMatch#resizeBilinear}). At
 * large sizes the frames are fixed a few at a time ({@link #GROUP_PIXELS}), so the temporaries stay within a few
 * hundred MB of device memory whatever the chunk's length. Not thread-safe: one per stream.
 */
public final class ColorCorrector implements AutoCloseable {
  /**
   * Output pixels fixed at once: 3 frames of 640x480, one frame from 1280x720 up. Larger groups were many times slower
   * on the CPU (a 24-frame chunk of 640x480 at once: about 1 s a frame, 4 frames at once: 63 ms; fresh pages for each
   * large temporary), and on a GPU a frame of temporaries is a few hundred MB at most.
   */
  static final long GROUP_PIXELS = 1L << 20;

  private final ColorFix fix;
  private final int lag;
  private final int cropMultiple;
  private final NDManager streamScope;
  private NDArray history;

  /**
   * @param lag the module's decoder lag in frames ({@code ChunkGrid.decoderLag})
   * @param cropMultiple the module crops its input top-left to a multiple of this before resizing (the official
   *     protocol's 8); 1 or less for none
   * @param streamScope where the kept input frames live between chunks (the stream's scope)
   */
  public ColorCorrector(ColorFix fix, int lag, int cropMultiple, NDManager streamScope) {
    this.fix = fix;
    this.lag = lag;
    this.cropMultiple = Math.max(1, cropMultiple);
    this.streamScope = streamScope;
  }

  /** Whether the module's output changes at all; under {@link ColorFix#NONE} nothing is kept or computed. */
  public boolean active() {
    return fix != ColorFix.NONE;
  }

  /**
   * Fixes one chunk's frames. {@code input}: the chunk's input frames {@code [F, h, w, 3]} as the module got them;
   * {@code restored}: its float output {@code [F, H, W, 3]} in [0, 1]; returns the fixed frames as uint8 (rounded
   * as the module rounds) or, with {@code floats}, as float32 in [0, 1], in {@code restored}'s scope.
   */
  public NDArray correct(NDArray input, NDArray restored, boolean floats) {
    NDManager scope = restored.getManager();
    Shape shape = restored.getShape();
    int frames = (int) shape.get(0);
    int height = (int) shape.get(1);
    int width = (int) shape.get(2);
    int group = (int) Math.max(1, Math.min(frames, GROUP_PIXELS / ((long) height * width)));
    NDList parts = new NDList();
    try (NDArray reference = alignedInput(input)) {
      for (int start = 0; start < frames; start += group) {
        int end = Math.min(frames, start + group);
        try (NDManager temps = scope.newSubManager()) {
          NDArray out = restored.get(new NDIndex("{}:{}", start, end));
          NDArray in = reference.get(new NDIndex("{}:{}", start, end));
          out.attach(temps); // every result computed from them lands in temps, freed with it
          in.attach(temps);
          NDArray fixed = fixGroup(out, in, height, width);
          NDArray result = floats ? fixed : ColorMatch.toUint8(fixed);
          result.attach(scope);
          parts.add(result);
        }
      }
    } finally {
      remember(input);
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    NDArray all = NDArrays.concat(parts, 0);
    parts.close();
    return all;
  }

  /** A chunk whose output is dropped (warm-up): only its last input frames are kept, for the next chunk. */
  public void skip(NDArray input) {
    remember(input);
  }

  private NDArray fixGroup(NDArray out, NDArray in, int height, int width) {
    NDArray reference = ColorMatch.unitRange(cropped(in));
    NDArray resized = ColorMatch.resizeBilinear(reference, height, width);
    return fix == ColorFix.WAVELET ? ColorMatch.wavelet(out, resized) : ColorMatch.adain(out, resized);
  }

  private NDArray cropped(NDArray in) {
    long h = in.getShape().get(1);
    long w = in.getShape().get(2);
    long ch = h / cropMultiple * cropMultiple;
    long cw = w / cropMultiple * cropMultiple;
    return ch == h && cw == w ? in : in.get(new NDIndex(":, 0:{}, 0:{}", ch, cw));
  }

  /** For output frame i, the stream's input frame i - lag: from the kept frames, then from this chunk's. */
  private NDArray alignedInput(NDArray input) {
    int frames = (int) input.getShape().get(0);
    int kept = history == null ? 0 : (int) history.getShape().get(0);
    if (kept == 0 && lag == 0) {
      return input.duplicate();
    }
    try (NDArray stream = kept == 0 ? input.duplicate() : NDArrays.concat(new NDList(history, input), 0)) {
      if (kept >= lag) {
        return stream.get(new NDIndex("{}:{}", kept - lag, kept - lag + frames));
      }
      long[] positions = new long[frames];
      for (int i = 0; i < frames; i++) {
        positions[i] = Math.max(0, kept + i - lag); // before the stream's start: its first frame
      }
      try (NDArray index = stream.getManager().create(positions)) {
        return stream.get(new NDIndex("{}", index));
      }
    }
  }

  private void remember(NDArray input) {
    if (!active() || lag == 0) {
      return;
    }
    int frames = (int) input.getShape().get(0);
    NDArray next;
    if (frames >= lag || history == null) {
      next = input.get(new NDIndex("{}:", Math.max(0, frames - lag))).duplicate();
    } else {
      try (NDArray stream = NDArrays.concat(new NDList(history, input), 0)) {
        long total = stream.getShape().get(0);
        next = stream.get(new NDIndex("{}:", Math.max(0, total - lag))).duplicate();
      }
    }
    next.attach(streamScope);
    close();
    history = next;
  }

  /** Frees the kept input frames (the stream's scope would too, when it closes). */
  @Override
  public void close() {
    if (history != null) {
      history.close();
      history = null;
    }
  }
}
