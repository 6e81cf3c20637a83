package io.swiftvr.udf;

import io.swiftvr.planner.ChunkGrid;
import io.swiftvr.planner.InvalidVideoException;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.model.RestorerModel;
import io.swiftvr.udf.model.StreamingRestorer;
import io.swiftvr.udf.video.FrameSource;
import java.io.IOException;
import java.util.function.IntConsumer;

/**
 * Restores one shard: decodes from its keyframe, runs its warm-up chunks and discards their output so the carried
 * state matches a sequential pass, then restores and emits its own frames in order.
 */
public final class ShardRestorer {
  private final RestorerModel model;
  private final ChunkGrid grid;

  public ShardRestorer(RestorerModel model) {
    this.model = model;
    this.grid = model.bundle().chunkGrid();
  }

  /**
   * @param progress told the number of frames emitted after every chunk (for progress displays)
   * @param floatOutput hand the sink the network's float output instead of rounded bytes
   */
  public ShardResult restore(
      VideoProbe probe, Shard shard, int outWidth, int outHeight, FrameSink sink, IntConsumer progress,
      boolean floatOutput) throws InvalidVideoException, IOException {
    long start = System.nanoTime();
    long decodeNanos = 0;
    long modelNanos = 0;
    long encodeNanos = 0;
    int frames = probe.frameCount();
    int frameBytes = probe.width() * probe.height() * 3;
    int decoded = 0;
    int modelled = 0;
    int emitted = 0;
    byte[] lastFrame = new byte[frameBytes];
    byte[] chunk = new byte[Math.max(grid.firstChunkFrames(), grid.chunkFrames()) * frameBytes];

    long t0 = System.nanoTime();
    int firstInput = Math.min(frames - 1, shard.warmupStartFrame());
    int lastFrameIndex = firstInput - 1;
    try (FrameSource source = FrameSource.open(probe, firstInput);
        StreamingRestorer stream = model.newStream(outHeight, outWidth)) {
      decodeNanos += System.nanoTime() - t0;
      for (int k = shard.warmupFirstChunk(); k < shard.endChunk(); k++) {
        int chunkStart = grid.chunkStart(k);
        int length = grid.chunkLength(k);
        t0 = System.nanoTime();
        for (int i = 0; i < length; i++) {
          // Frames past the end are copies of the last frame: they flush the decoder's lag and fill the last chunk.
          int wanted = Math.min(chunkStart + i, frames - 1);
          while (lastFrameIndex < wanted) {
            source.read(lastFrame, 0);
            lastFrameIndex++;
            decoded++;
          }
          System.arraycopy(lastFrame, 0, chunk, i * frameBytes, frameBytes);
        }
        decodeNanos += System.nanoTime() - t0;

        t0 = System.nanoTime();
        ChunkFrames out = floatOutput
            ? new ChunkFrames(null, stream.restoreFloat(chunk, length, probe.height(), probe.width(), grid.latentOffset(k)),
                outHeight, outWidth)
            : new ChunkFrames(stream.restore(chunk, length, probe.height(), probe.width(), grid.latentOffset(k)), null,
                outHeight, outWidth);
        modelNanos += System.nanoTime() - t0;
        modelled += length;

        if (k < shard.firstChunk()) {
          continue; // warm-up: only the state it leaves behind matters
        }
        t0 = System.nanoTime();
        for (int i = 0; i < length; i++) {
          int videoFrame = chunkStart + i - grid.decoderLag();
          if (videoFrame >= shard.emitStartFrame() && videoFrame < shard.emitEndFrame()) {
            sink.accept(videoFrame, out, i);
            emitted++;
          }
        }
        encodeNanos += System.nanoTime() - t0;
        progress.accept(emitted);
      }
    }
    if (emitted != shard.emittedFrames()) {
      throw new IllegalStateException(String.format(
          "Shard %s emitted %d frames, planned %d", shard.segmentName(), emitted, shard.emittedFrames()));
    }
    return new ShardResult(
        shard.videoId(), shard.shardIndex(), decoded, modelled, emitted,
        decodeNanos / 1e9, modelNanos / 1e9, encodeNanos / 1e9, (System.nanoTime() - start) / 1e9,
        model.device().toString());
  }
}
