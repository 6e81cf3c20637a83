package io.swiftvr.planner;

/**
 * The SwiftVR chunk grid over one video's frame stream.
 *
 * <p>The model consumes a stream of input frames (the video's frames, then copies of the last frame) in chunks: the
 * first of {@code firstChunkFrames}, every later one of {@code chunkFrames}. Its decoder lags {@code decoderLag}
 * frames behind, so output frame {@code j} of the stream restores video frame {@code j - decoderLag}. A video of
 * {@code n} frames therefore needs the chunks that cover stream frames {@code [0, n + decoderLag)}; the last one is
 * padded to its full size so the network only ever sees two chunk shapes.
 */
public record ChunkGrid(int firstChunkFrames, int chunkFrames, int decoderLag) implements java.io.Serializable {

  public static final ChunkGrid SWIFTVR = new ChunkGrid(28, 24, 3);

  public ChunkGrid {
    if (firstChunkFrames <= 0 || firstChunkFrames % 4 != 0 || chunkFrames <= 0 || chunkFrames % 4 != 0) {
      throw new IllegalArgumentException(String.format(
          "Chunk sizes must be positive multiples of 4 (the model's temporal factor): first=%d, chunk=%d",
          firstChunkFrames, chunkFrames));
    }
    if (decoderLag < 0 || decoderLag >= firstChunkFrames) {
      throw new IllegalArgumentException(String.format(
          "Decoder lag %d must be within the first chunk (%d frames)", decoderLag, firstChunkFrames));
    }
  }

  /** Number of chunks needed to restore a video of {@code frames} frames. */
  public int chunkCount(int frames) {
    requirePositive(frames);
    int needed = frames + decoderLag;
    if (needed <= firstChunkFrames) {
      return 1;
    }
    return 1 + ceilDiv(needed - firstChunkFrames, chunkFrames);
  }

  /** First stream frame that chunk {@code k} consumes. */
  public int chunkStart(int k) {
    return k == 0 ? 0 : firstChunkFrames + (k - 1) * chunkFrames;
  }

  /** Number of stream frames chunk {@code k} consumes (the full size, padding included). */
  public int chunkLength(int k) {
    return k == 0 ? firstChunkFrames : chunkFrames;
  }

  /** Index of chunk {@code k}'s first latent frame in the whole video: the DiT's temporal RoPE offset. */
  public long latentOffset(int k) {
    return chunkStart(k) / 4;
  }

  /** First video frame that chunk {@code k} restores (inclusive). */
  public int emitStart(int k, int frames) {
    return Math.min(frames, Math.max(0, chunkStart(k) - decoderLag));
  }

  /** Video frame after the last one that chunk {@code k} restores (exclusive). */
  public int emitEnd(int k, int frames) {
    return Math.min(frames, Math.max(0, chunkStart(k) + chunkLength(k) - decoderLag));
  }

  private static void requirePositive(int frames) {
    if (frames <= 0) {
      throw new IllegalArgumentException("A video needs at least one frame, got " + frames);
    }
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
