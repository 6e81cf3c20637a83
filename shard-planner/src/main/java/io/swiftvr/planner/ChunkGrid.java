package io.swiftvr.planner;

/**
 * The SwiftVR chunk grid over one video's frame stream, under one of the bundle contract's stream protocols
 * (docs/bundle-format.md, "Stream protocols").
 *
 * <p>{@link Protocol#SWIFTVR} (ours): the model consumes a stream of input frames (the video's frames, then copies of
 * the last frame) in chunks: the first of {@code firstChunkFrames}, every later one of {@code chunkFrames}. Its decoder
 * lags {@code decoderLag} frames behind, so output frame {@code j} of the stream restores video frame
 * {@code j - decoderLag}. A video of {@code n} frames therefore needs the chunks that cover stream frames
 * {@code [0, n + decoderLag)}; the last one is padded to its full size so the network only ever sees two chunk shapes.
 *
 * <p>{@link Protocol#OFFICIAL} (the official release's): of a video of {@code n} frames the release restores the
 * first {@code m = 4a + 1} ({@code a = (n - 1) / 4}): a first chunk of {@code firstChunkFrames}, middle chunks of
 * {@code chunkFrames}, and a last chunk of the remaining {@code 4b + 1} frames plus 3 copies of frame {@code m - 1}
 * (a video of {@code m <= firstChunkFrames} frames is one last chunk); the module pads the last chunk's DiT input in
 * front with earlier latents ({@link #flags}). Every frame is kept on top of that: the {@code n - m} frames the release
 * drops are restored by one more call after the last chunk, of 4 or 8 frames (those frames, then copies of frame
 * {@code n - 1}). The stream is thus frames {@code 0 .. m-1}, three copies of {@code m - 1}, frames {@code m .. n-1},
 * copies of {@code n - 1}; stream positions and video frames part after {@code m} ({@link #sourceFrame},
 * {@link #videoFrame}).
 *
 * <p>Chunk starts are stream positions, multiples of 4; the latent offset of a chunk is its start / 4.
 */
public record ChunkGrid(int firstChunkFrames, int chunkFrames, int decoderLag, Protocol protocol, int ditOverlap)
    implements java.io.Serializable {

  public static final ChunkGrid SWIFTVR = new ChunkGrid(28, 24, 3);

  /** The stream protocol of a bundle ({@code stream.protocol} in its manifest; absent means {@code swiftvr}). */
  public enum Protocol {
    SWIFTVR,
    OFFICIAL;

    /** The protocol a manifest names; {@code null} (absent) is {@link #SWIFTVR}. */
    public static Protocol parse(String name) {
      if (name == null || name.equals("swiftvr")) {
        return SWIFTVR;
      }
      if (name.equals("official")) {
        return OFFICIAL;
      }
      throw new IllegalArgumentException("Unknown stream protocol '" + name + "' (known: swiftvr, official)");
    }
  }

  /** Flag bit of {@link #flags}: the stream's last chunk (the release's LAST chunk, padded in front in the DiT). */
  public static final int FLAG_LAST = 1;

  /** Flag bit of {@link #flags}: dit_overlap 1, the previous chunk's last LQ latent goes before each chunk's. */
  public static final int FLAG_OVERLAP = 2;

  public ChunkGrid(int firstChunkFrames, int chunkFrames, int decoderLag) {
    this(firstChunkFrames, chunkFrames, decoderLag, Protocol.SWIFTVR, 0);
  }

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
    if (protocol == null) {
      throw new IllegalArgumentException("Stream protocol missing");
    }
    if (ditOverlap != 0 && (ditOverlap != 1 || protocol != Protocol.OFFICIAL)) {
      throw new IllegalArgumentException(String.format(
          "dit_overlap %d: 0 or 1, and 1 only under the official protocol (this grid: %s)", ditOverlap, protocol));
    }
    if (protocol == Protocol.OFFICIAL && decoderLag != 3) {
      throw new IllegalArgumentException("The official protocol's decoder lag is 3 frames, got " + decoderLag);
    }
  }

  /** The official protocol's grid: the release's chunk sizes and the decoder's lag of 3 frames. */
  public static ChunkGrid official(int firstChunkFrames, int chunkFrames, int ditOverlap) {
    return new ChunkGrid(firstChunkFrames, chunkFrames, 3, Protocol.OFFICIAL, ditOverlap);
  }

  public boolean official() {
    return protocol == Protocol.OFFICIAL;
  }

  /** Number of chunks (module calls) needed to restore a video of {@code frames} frames. */
  public int chunkCount(int frames) {
    requirePositive(frames);
    if (official()) {
      int m = releaseFrames(frames);
      return releaseChunks(m) + (frames > m ? 1 : 0);
    }
    int needed = frames + decoderLag;
    if (needed <= firstChunkFrames) {
      return 1;
    }
    return 1 + ceilDiv(needed - firstChunkFrames, chunkFrames);
  }

  /** First stream frame that chunk {@code k} consumes (swiftvr protocol; see {@link #chunkStart(int, int)}). */
  public int chunkStart(int k) {
    requireSwiftvr("chunkStart(k)");
    return k == 0 ? 0 : firstChunkFrames + (k - 1) * chunkFrames;
  }

  /** First stream position that chunk {@code k} of a video of {@code frames} frames consumes. */
  public int chunkStart(int k, int frames) {
    if (!official()) {
      return chunkStart(k);
    }
    int m = releaseFrames(frames);
    return k == releaseChunks(m) ? m + 3 : regularStart(k);
  }

  /** Number of stream frames chunk {@code k} consumes (swiftvr protocol; see {@link #chunkLength(int, int)}). */
  public int chunkLength(int k) {
    requireSwiftvr("chunkLength(k)");
    return k == 0 ? firstChunkFrames : chunkFrames;
  }

  /** Number of stream frames chunk {@code k} of a video of {@code frames} frames consumes, padding included. */
  public int chunkLength(int k, int frames) {
    if (!official()) {
      return chunkLength(k);
    }
    int m = releaseFrames(frames);
    int releaseChunks = releaseChunks(m);
    if (k == releaseChunks) {
      return frames - m == 1 ? 4 : 8;                              // our call for the frames after m
    }
    if (k == releaseChunks - 1) {
      return m - regularStart(k) + 3;                              // the release's LAST: 4b + 1 frames and 3 copies
    }
    return k == 0 ? firstChunkFrames : chunkFrames;
  }

  /** Index of chunk {@code k}'s first latent frame in the whole video: the DiT's temporal RoPE offset (swiftvr). */
  public long latentOffset(int k) {
    return chunkStart(k) / 4;
  }

  /** The DiT's temporal RoPE offset of chunk {@code k}: its stream start / 4. */
  public long latentOffset(int k, int frames) {
    return chunkStart(k, frames) / 4;
  }

  /**
   * The chunk's flags, the second element of the module's {@code t_offset} under the official protocol
   * ({@link #FLAG_LAST}, {@link #FLAG_OVERLAP}); always 0 under the swiftvr protocol, whose modules take no flags.
   */
  public long flags(int k, int frames) {
    if (!official()) {
      return 0;
    }
    int last = k >= releaseChunks(releaseFrames(frames)) - 1 ? FLAG_LAST : 0;
    return last | (ditOverlap == 1 ? FLAG_OVERLAP : 0);
  }

  /** The video frame fed at position {@code i} of chunk {@code k} (copies of a last frame past the real ones). */
  public int sourceFrame(int k, int i, int frames) {
    int p = chunkStart(k, frames) + i;
    if (!official()) {
      return Math.min(p, frames - 1);
    }
    int m = releaseFrames(frames);
    if (p < m) {
      return p;
    }
    if (p < m + 3) {
      return m - 1;
    }
    return Math.min(m + (p - m - 3), frames - 1);
  }

  /** The video frame that output frame {@code i} of chunk {@code k} restores, or -1 when it restores none. */
  public int videoFrame(int k, int i, int frames) {
    int s = chunkStart(k, frames) + i - decoderLag;
    if (!official()) {
      return s >= 0 && s < frames ? s : -1;
    }
    int m = releaseFrames(frames);
    if (s >= 0 && s < m) {
      return s;
    }
    if (s >= m + 3 && s < frames + 3) {
      return s - 3;
    }
    return -1;
  }

  /**
   * The first video frame that a stream starting at chunk {@code k} reads (where a shard's decoding starts). Under the
   * swiftvr protocol the chunk's start, as before (it may lie past the end, where copies of the last frame are read).
   */
  public int firstFrameRead(int k, int frames) {
    return official() ? sourceFrame(k, 0, frames) : chunkStart(k);
  }

  /** First video frame that chunk {@code k} restores (inclusive). */
  public int emitStart(int k, int frames) {
    if (!official()) {
      return Math.min(frames, Math.max(0, chunkStart(k) - decoderLag));
    }
    int length = chunkLength(k, frames);
    for (int i = 0; i < length; i++) {
      int v = videoFrame(k, i, frames);
      if (v >= 0) {
        return v;
      }
    }
    return k + 1 < chunkCount(frames) ? emitStart(k + 1, frames) : frames;
  }

  /** Video frame after the last one that chunk {@code k} restores (exclusive). */
  public int emitEnd(int k, int frames) {
    if (!official()) {
      return Math.min(frames, Math.max(0, chunkStart(k) + chunkLength(k) - decoderLag));
    }
    for (int i = chunkLength(k, frames) - 1; i >= 0; i--) {
      int v = videoFrame(k, i, frames);
      if (v >= 0) {
        return v + 1;
      }
    }
    return emitStart(k, frames);
  }

  /** The bundle-contract text of the grid; a swiftvr grid reads as it did before protocols existed. */
  @Override
  public String toString() {
    String base = "ChunkGrid[firstChunkFrames=" + firstChunkFrames + ", chunkFrames=" + chunkFrames + ", decoderLag="
        + decoderLag;
    return official() ? base + ", protocol=official, ditOverlap=" + ditOverlap + "]" : base + "]";
  }

  /** Frames the release restores of a video of {@code frames}: the largest 4a + 1 not above it. */
  public static int releaseFrames(int frames) {
    requirePositive(frames);
    return 4 * ((frames - 1) / 4) + 1;
  }

  /** Chunks the release cuts {@code m = 4a + 1} frames into. */
  private int releaseChunks(int m) {
    if (m <= firstChunkFrames) {
      return 1;
    }
    return 1 + ceilDiv(m - firstChunkFrames, chunkFrames);
  }

  private int regularStart(int k) {
    return k == 0 ? 0 : firstChunkFrames + (k - 1) * chunkFrames;
  }

  private void requireSwiftvr(String method) {
    if (official()) {
      throw new IllegalStateException(method + " depends on the video's frame count under the official protocol; "
          + "use the form that takes it");
    }
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
