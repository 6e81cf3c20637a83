package io.swiftvr.udf.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.NativeResource;
import io.swiftvr.media.FrameSize;
import io.swiftvr.udf.color.ColorCorrector;
import io.swiftvr.udf.color.ColorFix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One causal pass of the restorer over consecutive chunks of a frame stream. The streaming state (the ReAE's
 * boundary frames) stays on the model's device in this object's memory scope between calls; Java never reads it.
 *
 * <p>Not thread-safe: one stream per task (only {@link HostCopy#await} and {@link #giveBack} may be called from
 * another thread). Each chunk runs in a child scope so temporaries are freed at once and the number of live native
 * arrays stays flat over a long video. Host buffers come from the model's pool and go back on {@link #close}, after
 * every copy into them has landed.
 */
public final class StreamingRestorer implements AutoCloseable {
  private final RestorerModel model;
  private final NDManager streamScope;
  private final int outHeight;
  private final int outWidth;
  private final boolean asyncCopies;
  private final boolean takesFlags;
  private final int outSampleBytes; // 1: 8-bit output; 2: 16-bit (rgb48le), docs/bundle-format.md
  private final ColorCorrector colorFix;
  private final Queue<HostCopy> inFlight = new ConcurrentLinkedQueue<>();
  private final List<ByteBuffer> borrowed = new ArrayList<>();
  private NDList state;
  private ByteBuffer inputBuffer;
  private ByteBuffer outputScratch;
  private NDArray chunkInput; // the current chunk's input frames on the device, for the colour fix
  private long lastHostToDevice;
  private long lastForward;
  private static volatile boolean copyIntoWorks = true;

  /** @param outSampleBytes 1 for 8-bit output samples, 2 for 16-bit ones ({@code rgb48le}: low byte first) */
  StreamingRestorer(RestorerModel model, NDManager streamScope, FrameSize output, ColorFix colorFix,
      int outSampleBytes) {
    if (outSampleBytes != 1 && outSampleBytes != 2) {
      throw new IllegalArgumentException("Output samples of " + outSampleBytes + " bytes: 1 or 2 expected");
    }
    if (outSampleBytes == 2) {
      requires16BitSamples(model, "16-bit output");
    }
    this.model = model;
    this.streamScope = streamScope;
    this.outHeight = output.height();
    this.outWidth = output.width();
    this.outSampleBytes = outSampleBytes;
    this.asyncCopies = model.copiesAsynchronously();
    // Under the official protocol the module takes t_offset = [latent offset, chunk flags] (docs/bundle-format.md).
    this.takesFlags = model.bundle().chunkGrid().official();
    this.colorFix = new ColorCorrector(colorFix, model.bundle().chunkGrid().decoderLag(),
        takesFlags ? model.bundle().manifest().stream().lq_crop_multiple() : 1, streamScope);
    int count = model.bundle().manifest().stream().state_tensors();
    this.state = new NDList(count);
    for (int i = 0; i < count; i++) {
      // An empty tensor tells the module "start of stream": it uses zeros of the right shape itself.
      state.add(streamScope.create(new float[0], new Shape(0)));
    }
  }

  /**
   * One chunk of input: {@code frames} RGB frames of {@code size} at input resolution, frame after frame, in
   * {@code rgb}; the index of its first latent within the whole video (the DiT's temporal position); and its flags
   * ({@link io.swiftvr.planner.ChunkGrid#flags}; non-zero only under the official protocol).
   */
  public record Chunk(byte[] rgb, int frames, FrameSize size, long latentOffset, long flags, int sampleBytes) {
    /** A chunk of 8-bit samples. */
    public Chunk(byte[] rgb, int frames, FrameSize size, long latentOffset, long flags) {
      this(rgb, frames, size, latentOffset, flags, 1);
    }
  }

  private static void requires16BitSamples(RestorerModel model, String what) {
    if (!model.bundle().manifest().stream().takes16BitSamples()) {
      throw new IllegalArgumentException(String.format(
          "%s: bundle %s reads and writes 8-bit samples only (its manifest has no stream.sample_bits with 16; "
              + "re-export it with this version of swiftvr.export)", what, model.bundle().manifest().name()));
    }
  }

  /**
   * What becomes of a restored chunk: rounded bytes in a new array ({@link #bytes}), the same copied straight into a
   * reused direct buffer ({@link #into}), the network's float output before rounding ({@link #floats}, for exactness
   * checks), or nothing at all ({@link #discard}: a warm-up chunk, whose only effect is the state it leaves).
   */
  public abstract static sealed class Output<R> permits Bytes, Into, Floats, Discard {
    private Output() {}

    /** Whether the module returns floats in [0, 1] instead of rounded bytes. */
    abstract boolean floats();

    /** Takes the module's frames out of the chunk's scope (which closes after this returns). */
    abstract R take(StreamingRestorer stream, NDManager chunkScope, NDArray frames, int count);
  }

  /** {@code frames × outHeight × outWidth × 3} RGB bytes in a new array. */
  public static Output<byte[]> bytes() {
    return new Bytes();
  }

  /**
   * Into a direct buffer from {@link #borrowOutputBuffer}, reused from chunk to chunk: the output is copied from the
   * device straight into it, with no new CPU tensor per chunk (whose fresh pages hold the copy to ~1 GB/s) and no
   * {@code byte[]}. On a GPU with our JNI library the copy runs on a side stream while the caller goes on to the next
   * chunk: bytes {@code [0, outputBytes(frames))} of {@code out} hold the frames once the returned copy has been
   * {@linkplain HostCopy#await awaited}. Its position and limit are left alone.
   */
  public static Output<HostCopy> into(ByteBuffer out) {
    return new Into(out);
  }

  /** The network's float output in [0, 1] before rounding, {@code frames × outHeight × outWidth × 3}. */
  public static Output<float[]> floats() {
    return new Floats();
  }

  /** Nothing: the state advances as for any chunk, the output is dropped without being copied. */
  public static Output<Void> discard() {
    return new Discard();
  }

  private static final class Bytes extends Output<byte[]> {
    @Override
    boolean floats() {
      return false;
    }

    @Override
    byte[] take(StreamingRestorer stream, NDManager chunkScope, NDArray frames, int count) {
      int outBytes = stream.outputBytes(count);
      stream.outputScratch = stream.atLeast(stream.outputScratch, outBytes);
      new Into(stream.outputScratch).take(stream, chunkScope, frames, count).await();
      long t0 = System.nanoTime();
      byte[] result = new byte[outBytes];
      stream.outputScratch.get(0, result);
      stream.model.stageTimes().addToJava(System.nanoTime() - t0);
      return result;
    }
  }

  private static final class Into extends Output<HostCopy> {
    private final ByteBuffer out;

    Into(ByteBuffer out) {
      this.out = out;
    }

    @Override
    boolean floats() {
      return false;
    }

    @Override
    HostCopy take(StreamingRestorer stream, NDManager chunkScope, NDArray frames, int count) {
      int outBytes = stream.outputBytes(count);
      if (!out.isDirect() || out.capacity() < outBytes) {
        throw new IllegalArgumentException(String.format(
            "Output buffer: %s of %d bytes, %d frames of %dx%d need a direct one of %d",
            out.isDirect() ? "direct" : "heap", out.capacity(), count, stream.outWidth, stream.outHeight, outBytes));
      }
      stream.inFlight.removeIf(HostCopy::awaited);
      long t0 = System.nanoTime();
      HostCopy copy = stream.asyncCopies ? stream.copyAsync(frames, out, outBytes)
          : stream.copyNow(chunkScope, frames, out, outBytes);
      stream.model.stageTimes().add(stream.lastHostToDevice, stream.lastForward, System.nanoTime() - t0);
      return copy; // closing the scope frees the device output; a copy in flight keeps its memory until it is read
    }
  }

  private static final class Floats extends Output<float[]> {
    @Override
    boolean floats() {
      return true;
    }

    @Override
    float[] take(StreamingRestorer stream, NDManager chunkScope, NDArray frames, int count) {
      return frames.toFloatArray();
    }
  }

  private static final class Discard extends Output<Void> {
    @Override
    boolean floats() {
      return false;
    }

    @Override
    Void take(StreamingRestorer stream, NDManager chunkScope, NDArray frames, int count) {
      stream.model.stageTimes().add(stream.lastHostToDevice, stream.lastForward, 0);
      return null;
    }
  }

  /**
   * Restores one chunk, carrying the stream's state on to the next, and hands its frames to {@code output}. The one
   * entry for every kind of output, so a chunk is run the same way whatever becomes of it.
   */
  public <R> R restore(Chunk chunk, Output<R> output) {
    try (NDManager chunkScope = streamScope.newSubManager()) {
      // The colour fix works on the module's floats, before they are rounded and copied out (ColorCorrector).
      boolean fixColors = colorFix.active() && !(output instanceof Discard);
      NDArray frames = run(chunkScope, chunk, output.floats() || fixColors);
      if (fixColors) {
        long t0 = System.nanoTime();
        frames = colorFix.correct(chunkInput, frames, output.floats() || outSampleBytes == 2);
        if (outSampleBytes == 2 && !output.floats()) {
          frames = rgb48le(frames);
        }
        lastForward += System.nanoTime() - t0;
      } else if (colorFix.active()) {
        colorFix.skip(chunkInput);
      }
      return output.take(this, chunkScope, frames, chunk.frames());
    }
  }

  private HostCopy copyAsync(NDArray result, ByteBuffer out, int outBytes) {
    long tensor = (Long) ((NativeResource<?>) result).getHandle();
    HostCopy copy = new HostCopy(CudaHostCopies.copyToHost(tensor, out, outBytes), model.stageTimes());
    inFlight.add(copy);
    return copy;
  }

  private HostCopy copyNow(NDManager chunkScope, NDArray result, ByteBuffer out, int outBytes) {
    try (NDManager cpu = chunkScope.newSubManager(Device.cpu())) {
      // A CPU tensor over the caller's memory (from_blob: borrowed, not copied), then copy_ from the device into
      // it (index_put_ over the whole tensor); a device→host copy_ waits for the GPU.
      ByteBuffer view = out.duplicate().clear().limit(outBytes).slice().order(ByteOrder.nativeOrder());
      if (copyIntoWorks) {
        try {
          NDArray host = cpu.create(view, result.getShape(), DataType.UINT8);
          host.getNDArrayInternal().getIndexer(cpu).set(host, new NDIndex(":"), (Object) result);
        } catch (RuntimeException e) {
          // An engine whose index_put_ will not copy across devices: the old way, a new CPU tensor per chunk.
          copyIntoWorks = false;
          System.err.println("swiftvr: copying the output into a reused buffer failed (" + e
              + "); falling back to a new CPU tensor per chunk");
        }
      }
      if (!copyIntoWorks) {
        view.put(result.toByteBuffer());
      }
    }
    return HostCopy.DONE;
  }

  /**
   * Floats in [0, 1] {@code [F, H, W, 3]} as the module writes 16-bit samples: {@code round(x · 65535)}, two bytes
   * each, low byte first ({@code [F, H, W, 3, 2]} uint8).
   */
  private static NDArray rgb48le(NDArray unit) {
    try (NDArray clipped = unit.clip(0f, 1f);
        NDArray scaled = clipped.mul(65535f);
        NDArray v = scaled.round();
        NDArray divided = v.div(256f);
        NDArray high = divided.floor();
        NDArray highTimes = high.mul(256f);
        NDArray low = v.sub(highTimes);
        NDArray pairs = NDArrays.stack(new NDList(low, high), 4)) {
      return pairs.toType(DataType.UINT8, true);
    }
  }

  /** Bytes of a restored chunk of {@code frames} frames (two a sample for 16-bit output). */
  public int outputBytes(int frames) {
    return Math.multiplyExact(Math.multiplyExact(Math.multiplyExact(frames * 3, outHeight), outWidth),
        outSampleBytes);
  }

  /**
   * A direct buffer for chunks of up to {@code frames} frames, from the model's pool (page-locked on a GPU with our
   * JNI library). It stays this stream's until {@link #giveBack} or {@link #close}.
   */
  public ByteBuffer borrowOutputBuffer(int frames) {
    return borrow(outputBytes(frames));
  }

  /** {@code current} when it holds {@code bytes}, else a larger buffer from the pool in its place. */
  private ByteBuffer atLeast(ByteBuffer current, int bytes) {
    if (current != null && current.capacity() >= bytes) {
      return current;
    }
    if (current != null) {
      giveBack(current);
    }
    return borrow(bytes);
  }

  private ByteBuffer borrow(int bytes) {
    ByteBuffer b = model.hostBuffers().borrow(bytes);
    synchronized (borrowed) {
      borrowed.add(b);
    }
    return b;
  }

  /** Returns a buffer from {@link #borrowOutputBuffer} to the model's pool; no copy into it may be in flight. */
  public void giveBack(ByteBuffer buffer) {
    synchronized (borrowed) {
      // By identity: ByteBuffer.equals compares contents, and two buffers may hold the same bytes.
      if (borrowed.removeIf(b -> b == buffer)) {
        model.hostBuffers().giveBack(buffer);
      }
    }
  }

  private NDArray run(NDManager chunkScope, Chunk chunk, boolean floatOutput) {
    byte[] rgb = chunk.rgb();
    int sampleBytes = chunk.sampleBytes();
    if (sampleBytes == 2) {
      requires16BitSamples(model, "16-bit input");
    } else if (sampleBytes != 1) {
      throw new IllegalArgumentException("Chunk samples of " + sampleBytes + " bytes: 1 or 2 expected");
    }
    int frames = chunk.frames();
    int height = chunk.size().height();
    int width = chunk.size().width();
    long latentOffset = chunk.latentOffset();
    long flags = chunk.flags();
    if (flags != 0 && !takesFlags) {
      throw new IllegalArgumentException("Chunk flags " + flags + " for a bundle of the swiftvr protocol, which has none");
    }
    int expected = Math.multiplyExact(frames * height * width * 3, sampleBytes);
    if (rgb.length < expected) {
      throw new IllegalArgumentException(String.format(
          "Chunk buffer holds %d bytes, %d frames of %dx%d need %d", rgb.length, frames, width, height, expected));
    }
    inputBuffer = atLeast(inputBuffer, expected);
    long t0 = System.nanoTime();
    ByteBuffer input = inputBuffer.duplicate().clear().order(ByteOrder.nativeOrder());
    input.put(rgb, 0, expected).flip();

    NDList inputs = new NDList(4 + state.size());
    // Synchronous copy to the device (from page-locked memory where the pool pins), so the buffer is free again.
    // 16-bit samples as their two bytes in a last axis (the module's contract; DJL's CPU JNI has no int16)
    Shape inputShape = sampleBytes == 2 ? new Shape(frames, height, width, 3, 2) : new Shape(frames, height, width, 3);
    inputs.add(chunkScope.create(input, inputShape, DataType.UINT8));
    chunkInput = inputs.get(0);
    inputs.add(chunkScope.create(new long[] {outHeight, outWidth}));
    inputs.add(chunkScope.create(takesFlags ? new long[] {latentOffset, flags} : new long[] {latentOffset}));
    inputs.add(chunkScope.create(new long[] {floatOutput ? 1 : outSampleBytes == 2 ? 2 : 0}));
    inputs.addAll(state);
    long t1 = System.nanoTime();

    NDList outputs;
    boolean eightBit = sampleBytes == 1 && outSampleBytes == 1; // the compiled chunk reads and writes bytes only
    CompiledChunk compiled = flags != 0 || floatOutput || !eightBit || state.get(0).getShape().size() == 0 ? null
        : model.compiledFor(frames, chunk.size(), outputSize());
    if (compiled != null) {
      // A middle chunk of the compiled shape, its states carried: frames, latent offset, the states
      NDList compiledInputs = new NDList(2 + state.size());
      compiledInputs.add(inputs.get(0));
      compiledInputs.add(chunkScope.create(new long[] {latentOffset}));
      compiledInputs.addAll(state);
      outputs = compiled.run(chunkScope, compiledInputs);
    } else {
      outputs = model.forward(chunkScope, inputs);
    }
    if (model.stageTimes().waitsForDevice() && model.device().isGpu()) {
      // Reading one element back waits for the queued kernels, so that "forward" is the GPU's time.
      outputs.get(0).get(0, 0, 0, 0).toByteArray();
    }
    lastHostToDevice = t1 - t0;
    lastForward = System.nanoTime() - t1;
    if (outputs.size() != 1 + state.size()) {
      throw new IllegalStateException(String.format(
          "Restorer returned %d tensors, the bundle manifest promises 1 + %d state tensors",
          outputs.size(), state.size()));
    }
    NDList next = new NDList(state.size());
    for (int i = 1; i < outputs.size(); i++) {
      NDArray s = outputs.get(i);
      s.attach(streamScope);
      next.add(s);
    }
    state.close();
    state = next;
    NDArray frameOut = outputs.get(0);
    Shape shape = frameOut.getShape();
    int dimensions = !floatOutput && outSampleBytes == 2 ? 5 : 4;
    if (shape.dimension() != dimensions || shape.get(0) != frames || shape.get(1) != outHeight
        || shape.get(2) != outWidth) {
      throw new IllegalStateException("Restorer returned frames of shape " + shape + ", expected ("
          + frames + ", " + outHeight + ", " + outWidth + ", 3)");
    }
    return frameOut;
  }

  /** The size of the frames this stream restores to. */
  public FrameSize outputSize() {
    return new FrameSize(outWidth, outHeight);
  }

  /** Live native arrays in this stream's scope: the state, and nothing else between chunks. */
  public int liveArrays() {
    return streamScope.getManagedArrays().size();
  }

  /**
   * Waits for every copy still in flight (all of them, even after one fails), returns every borrowed buffer to the
   * model's pool and frees the state; the first failure is thrown afterwards.
   */
  @Override
  public void close() {
    RuntimeException failure = null;
    HostCopy copy;
    while ((copy = inFlight.poll()) != null) {
      try {
        copy.await();
      } catch (RuntimeException e) {
        failure = first(failure, e);
      }
    }
    synchronized (borrowed) {
      for (ByteBuffer b : borrowed) {
        try {
          model.hostBuffers().giveBack(b);
        } catch (RuntimeException e) {
          failure = first(failure, e);
        }
      }
      borrowed.clear();
    }
    try {
      streamScope.close();
    } catch (RuntimeException e) {
      failure = first(failure, e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static RuntimeException first(RuntimeException failure, RuntimeException e) {
    if (failure == null) {
      return e;
    }
    failure.addSuppressed(e);
    return failure;
  }
}
