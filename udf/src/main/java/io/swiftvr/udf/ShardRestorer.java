package io.swiftvr.udf;

import io.swiftvr.media.EncoderSettings;
import io.swiftvr.media.FrameSize;
import io.swiftvr.media.FrameSource;
import io.swiftvr.planner.ChunkGrid;
import io.swiftvr.planner.DamagePolicy;
import io.swiftvr.planner.FrameRanges;
import io.swiftvr.planner.InvalidVideoException;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.bundle.ModelBundle;
import io.swiftvr.udf.color.ColorFix;
import io.swiftvr.udf.model.DeviceNames;
import io.swiftvr.udf.model.HostCopy;
import io.swiftvr.udf.model.RestorerModel;
import io.swiftvr.udf.model.StreamingRestorer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Restores one shard: decodes from its keyframe, runs its warm-up chunks and discards their output so the carried
 * state matches a sequential pass, then restores and emits its own frames in order.
 *
 * <p>Three stages overlap: a decoder thread prepares the next chunk and an emitter thread encodes the previous one
 * while the model runs on the current one. Bounded queues (two chunks each) keep memory flat on long shards.
 *
 * <p>For a sink that {@linkplain FrameSink#acceptsBuffers accepts buffers}, the model's output is copied from the
 * device into one of {@value #OUTPUT_BUFFERS} direct buffers the stream borrows from the model's pool (a chunk in
 * the queue, one being encoded, one being filled, and one spare), each going back to the shard's free list after the
 * sink has read it; the model thread waits for a free one, so the buffers also bound the pipeline. On a GPU with our
 * JNI library the copy runs on a side stream: the model thread goes on to the next chunk at once and the emitter
 * waits for the copy ({@link HostCopy#await}) before the sink reads the buffer. Warm-up chunks are not copied out.
 */
public final class ShardRestorer {
  private static final int QUEUE_CHUNKS = 2;
  private static final int OUTPUT_BUFFERS = QUEUE_CHUNKS + 2;

  private final RestorerModel model;
  private final ChunkGrid grid;

  public ShardRestorer(RestorerModel model) {
    this.model = model;
    this.grid = model.bundle().chunkGrid();
  }

  /** The most bytes one chunk buffer holds: a Java array (the JVM's limit is a few bytes under 2^31). */
  public static final long MAX_CHUNK_BYTES = Integer.MAX_VALUE - 8;

  /**
   * The size a video's frames are decoded at: their own, unless a chunk of them does not fit one buffer (28 RGB frames
   * of 7680x4320 are 2.79 GB); then the output size, cropped to the bundle's crop multiple as the official protocol
   * crops its input, which the model would resize them to anyway, so memory is spent per frame, not per chunk. Refuses,
   * before any work is done, a video whose chunk of output frames does not fit: the message names the limit.
   */
  public static FrameSize decodeSize(String input, FrameSize frames, FrameSize output, ChunkGrid grid,
      int cropMultiple) throws InvalidVideoException {
    int chunk = Math.max(grid.firstChunkFrames(), grid.chunkFrames());
    checkChunkFits(input, "output", output.width(), output.height(), chunk, "ask for a smaller --size");
    if (3L * chunk * frames.width() * frames.height() <= MAX_CHUNK_BYTES) {
      return frames;
    }
    int m = Math.max(1, cropMultiple);
    return new FrameSize(Math.max(m, output.width() - output.width() % m),
        Math.max(m, output.height() - output.height() % m));
  }

  private static void checkChunkFits(String input, String side, int width, int height, int frames, String advice)
      throws InvalidVideoException {
    long bytes = 3L * frames * width * height;
    if (bytes > MAX_CHUNK_BYTES) {
      throw new InvalidVideoException(input, String.format(java.util.Locale.ROOT,
          "%s frames of %dx%d are too large: a chunk of %d of them is %.2f GB, over the %.2f GB a chunk buffer holds, "
              + "so frames of at most %.1f megapixels can be restored (6144x4096 fits, 7680x4320 does not); %s",
          side, width, height, frames, bytes / 1e9, MAX_CHUNK_BYTES / 1e9, MAX_CHUNK_BYTES / (3e6 * frames), advice));
    }
  }

  /** A decoded chunk on its way to the model; {@code index < 0} ends the stream. */
  private record Decoded(int index, byte[] frames) {}

  /** A restored chunk on its way to the sink, readable once {@code copy} has landed; {@code index < 0} ends it. */
  private record Restored(int index, ChunkFrames frames, HostCopy copy) {}

  /**
   * What to restore: a shard of a probed video, to frames of {@code output}, and what a frame the decoder loses does
   * ({@code damaged}): fail the shard, or be filled from the last good frame (the model then restores the filled frame
   * like any other, and the result lists it); {@code decode}: the size frames are decoded at, their own unless they
   * are too large for a chunk ({@link #decodeSize}); {@code colorFix}: what is done to the output's colours
   * ({@code --color-fix}).
   */
  public record Job(VideoProbe probe, Shard shard, FrameSize output, DamagePolicy damaged, FrameSize decode,
      ColorFix colorFix) {
    /** The network's colours as they are ({@link ColorFix#NONE}). */
    public Job(VideoProbe probe, Shard shard, FrameSize output, DamagePolicy damaged, FrameSize decode) {
      this(probe, shard, output, damaged, decode, ColorFix.NONE);
    }

    /** Frames decoded at their own size. */
    public Job(VideoProbe probe, Shard shard, FrameSize output, DamagePolicy damaged) {
      this(probe, shard, output, damaged, new FrameSize(probe.width(), probe.height()));
    }

    /** A shard of a video in which a lost frame fails the shard ({@code --damaged fail}). */
    public static Job of(VideoProbe probe, Shard shard, FrameSize output) {
      return new Job(probe, shard, output, DamagePolicy.FAIL);
    }

    /** The same job with the output's colours fixed by {@code fix}. */
    public Job withColorFix(ColorFix fix) {
      return new Job(probe, shard, output, damaged, decode, fix);
    }
  }

  /**
   * Restores a shard into {@code sink}, which says how it takes frames: rounded bytes, reused direct buffers, or the
   * network's floats ({@link FrameSink#acceptsBuffers}, {@link FrameSink#wantsFloats}).
   *
   * @param progress told the number of frames emitted after every chunk (for progress displays)
   */
  public ShardResult restore(Job job, FrameSink sink, IntConsumer progress) throws InvalidVideoException, IOException {
    VideoProbe probe = job.probe();
    Shard shard = job.shard();
    int outWidth = job.output().width();
    int outHeight = job.output().height();
    boolean floatOutput = sink.wantsFloats();
    // 16-bit samples where the bundle takes them: in from a source deeper than 8 bits, out for a 10-bit sink
    int outSampleBytes = floatOutput ? 1 : sink.sampleBytes();
    // With a colour fix too: the fix reads its reference from the same 16-bit samples (ColorMatch.unitRange)
    int inSampleBytes = inputSampleBytes(probe, job.decode());
    long start = System.nanoTime();
    BlockingQueue<Decoded> decoded = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
    BlockingQueue<Restored> restored = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
    int frames = probe.frameCount();
    int firstInput = Math.min(frames - 1, shard.warmupStartFrame());
    FrameSize inputSize = job.decode();
    long[] decodeNanos = {0};
    long[] emitNanos = {0};
    int[] decodedFrames = {0};
    int[] emitted = {0};
    long modelNanos = 0;
    int modelled = 0;
    int[] repaired;

    try (FrameSource source = FrameSource.open(probe, firstInput, job.damaged(), inputSize, inSampleBytes);
        StreamingRestorer stream = model.newStream(job.output(), job.colorFix(), outSampleBytes)) {
      ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "swiftvr-" + shard.segmentName());
        t.setDaemon(true);
        return t;
      });
      Future<?> decoder = threads.submit(() -> {
        decodedFrames[0] = decodeChunks(source, probe, inputSize, inSampleBytes, shard, firstInput, decoded,
            decodeNanos);
        return null;
      });
      boolean buffers = !floatOutput && sink.acceptsBuffers();
      BlockingQueue<ByteBuffer> pool = new ArrayBlockingQueue<>(OUTPUT_BUFFERS);
      if (buffers) {
        int maxLength = 0;
        for (int k = shard.warmupFirstChunk(); k < shard.endChunk(); k++) {
          maxLength = Math.max(maxLength, grid.chunkLength(k, frames));
        }
        for (int i = 0; i < OUTPUT_BUFFERS; i++) {
          pool.add(stream.borrowOutputBuffer(maxLength)); // the stream gives them back to the model when it closes
        }
      }
      Future<?> emitter = threads.submit(() -> {
        emitChunks(shard, restored, sink, progress, emitted, emitNanos, pool);
        return null;
      });
      try {
        while (true) {
          Decoded chunk = take(decoded, decoder);
          if (chunk.index() < 0) {
            break;
          }
          int k = chunk.index();
          int length = grid.chunkLength(k, frames);
          long offset = grid.latentOffset(k, frames);
          // flags: the official protocol's last chunk and dit_overlap; 0 under ours
          StreamingRestorer.Chunk input = new StreamingRestorer.Chunk(chunk.frames(), length, inputSize, offset,
              grid.flags(k, frames), inSampleBytes);
          long t0 = System.nanoTime();
          if (k < shard.firstChunk()) { // warm-up chunks only leave their state behind
            StopSignal.enterModel();
            try {
              stream.restore(input, StreamingRestorer.discard());
            } finally {
              StopSignal.leaveModel();
            }
            modelNanos += System.nanoTime() - t0;
            modelled += length;
            continue;
          }
          ChunkFrames out;
          HostCopy copy = HostCopy.DONE;
          ByteBuffer buffer = buffers ? take(pool, emitter) : null;
          StopSignal.enterModel();
          try {
            if (floatOutput) {
              out = new ChunkFrames(null, stream.restore(input, StreamingRestorer.floats()), outHeight, outWidth);
            } else if (buffers) {
              copy = stream.restore(input, StreamingRestorer.into(buffer));
              out = new ChunkFrames(null, null, buffer, outHeight, outWidth, outSampleBytes);
            } else {
              out = new ChunkFrames(stream.restore(input, StreamingRestorer.bytes()), null, null, outHeight, outWidth,
                  outSampleBytes);
            }
          } finally {
            StopSignal.leaveModel();
          }
          modelNanos += System.nanoTime() - t0;
          modelled += length;
          put(restored, new Restored(k, out, copy), emitter);
        }
        put(restored, new Restored(-1, null, null), emitter);
        await(decoder);
        await(emitter);
      } finally {
        decoder.cancel(true);
        emitter.cancel(true);
        stopAndWait(threads); // the decoder must be out of FFmpeg before the source closes
      }
      // Warm-up frames are another shard's to report; this one reports the frames it emits.
      repaired = Arrays.stream(source.repairedFrames())
          .filter(f -> f >= shard.emitStartFrame() && f < shard.emitEndFrame()).toArray();
    }
    if (emitted[0] != shard.emittedFrames()) {
      throw new IllegalStateException(String.format(
          "Shard %s emitted %d frames, planned %d", shard.segmentName(), emitted[0], shard.emittedFrames()));
    }
    return new ShardResult(
        shard.videoId(), shard.shardIndex(), decodedFrames[0], modelled, emitted[0],
        decodeNanos[0] / 1e9, modelNanos / 1e9, emitNanos[0] / 1e9, (System.nanoTime() - start) / 1e9,
        DeviceNames.describe(model.device()), repaired,
        FrameRanges.describe(repaired, probe.framePts(), probe.timeBaseNum(), probe.timeBaseDen()));
  }

  private static void stopAndWait(ExecutorService threads) throws IOException {
    threads.shutdownNow();
    try {
      if (!threads.awaitTermination(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException("decode/encode threads did not stop within 5 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the decode/encode threads", e);
    }
  }

  /**
   * Bytes a sample of the frames the model gets: 2 ({@code rgb48le}) for a source deeper than 8 bits where the bundle
   * takes 16-bit samples and a chunk of them fits a buffer, else 1. An 8-bit-only bundle gets the source cut to 8 bits
   * (the job says so once per video).
   */
  public int inputSampleBytes(VideoProbe probe, FrameSize decode) {
    boolean deep = probe.colour() != null && probe.colour().isDeep();
    long chunkBytes = 6L * Math.max(grid.firstChunkFrames(), grid.chunkFrames()) * decode.width() * decode.height();
    return deep && model.bundle().manifest().stream().takes16BitSamples() && chunkBytes <= MAX_CHUNK_BYTES ? 2 : 1;
  }

  /**
   * Bytes a sample of the frames written for {@code encoding}: 2 (the model writes 16-bit samples, the encoder
   * converts them to 10 bits) for 10-bit output from a bundle that writes 16-bit samples, else 1 (an 8-bit-only
   * bundle's bytes are widened by the encoder's conversion).
   */
  public static int outputSampleBytes(EncoderSettings encoding, ModelBundle bundle) {
    return encoding.bitDepthFor(8) == 10 && bundle.manifest().stream().takes16BitSamples() ? 2 : 1;
  }

  /** Decoder thread: fills each chunk, padding past the end with copies of the last frame. */
  private int decodeChunks(FrameSource source, VideoProbe probe, FrameSize size, int sampleBytes, Shard shard,
      int firstInput, BlockingQueue<Decoded> out, long[] nanos) throws InvalidVideoException, InterruptedException {
    int frames = probe.frameCount();
    int frameBytes = size.width() * size.height() * 3 * sampleBytes;
    byte[] lastFrame = new byte[frameBytes];
    int lastFrameIndex = firstInput - 1;
    int count = 0;
    for (int k = shard.warmupFirstChunk(); k < shard.endChunk(); k++) {
      long t0 = System.nanoTime();
      int length = grid.chunkLength(k, frames);
      byte[] chunk = new byte[length * frameBytes];
      for (int i = 0; i < length; i++) {
        // Frames past the end are copies of the last frame: they flush the decoder's lag and fill the last chunk (the
        // official protocol also repeats frame 4a three times, the release's last chunk: ChunkGrid.sourceFrame).
        int wanted = grid.sourceFrame(k, i, frames);
        while (lastFrameIndex < wanted) {
          source.read(lastFrame, 0);
          lastFrameIndex++;
          count++;
        }
        System.arraycopy(lastFrame, 0, chunk, i * frameBytes, frameBytes);
      }
      nanos[0] += System.nanoTime() - t0;
      out.put(new Decoded(k, chunk));
    }
    out.put(new Decoded(-1, null));
    return count;
  }

  /** Emitter thread: hands the shard's own frames to the sink in order. */
  private void emitChunks(Shard shard, BlockingQueue<Restored> in, FrameSink sink, IntConsumer progress,
      int[] emitted, long[] nanos, BlockingQueue<ByteBuffer> pool) throws IOException, InterruptedException {
    while (true) {
      Restored chunk = in.take();
      if (chunk.index() < 0) {
        return;
      }
      chunk.copy().await(); // the model thread may already be on a later chunk
      long t0 = System.nanoTime();
      int frames = shard.frameCount();
      for (int i = 0; i < grid.chunkLength(chunk.index(), frames); i++) {
        int videoFrame = grid.videoFrame(chunk.index(), i, frames); // -1: restores no frame of the video
        if (videoFrame >= shard.emitStartFrame() && videoFrame < shard.emitEndFrame()) {
          sink.accept(videoFrame, chunk.frames(), i);
          emitted[0]++;
        }
      }
      nanos[0] += System.nanoTime() - t0;
      if (chunk.frames().buffer() != null) {
        pool.add(chunk.frames().buffer()); // the sink is done with it: the model thread may fill it again
      }
      progress.accept(emitted[0]);
    }
  }

  /** Takes the next chunk, failing as soon as the producing thread failed instead of waiting forever. */
  private static <T> T take(BlockingQueue<T> queue, Future<?> producer) throws InvalidVideoException, IOException {
    try {
      while (true) {
        T item = queue.poll(100, TimeUnit.MILLISECONDS);
        if (item != null) {
          return item;
        }
        if (producer.isDone()) {
          await(producer); // throws the producer's failure
          item = queue.poll();
          if (item != null) {
            return item;
          }
          throw new IllegalStateException("decoder stopped without ending its stream");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Puts a chunk for the consumer, failing as soon as the consuming thread failed. */
  private static <T> void put(BlockingQueue<T> queue, T item, Future<?> consumer)
      throws InvalidVideoException, IOException {
    try {
      while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
        if (consumer.isDone()) {
          await(consumer);
          throw new IllegalStateException("emitter stopped before the end of the stream");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Waits for a stage thread and rethrows its failure as what it was. */
  private static void await(Future<?> stage) throws InvalidVideoException, IOException {
    try {
      stage.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InvalidVideoException invalid) {
        throw invalid;
      }
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IOException(cause);
    }
  }
}
