package io.swiftvr.udf.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One causal pass of the restorer over consecutive chunks of a frame stream. The streaming state (the ReAE's
 * boundary frames) stays on the model's device in this object's memory scope between calls; Java never reads it.
 *
 * <p>Not thread-safe: one stream per task. Each chunk runs in a child scope so temporaries are freed at once and the
 * number of live native arrays stays flat over a long video.
 */
public final class StreamingRestorer implements AutoCloseable {
  private final RestorerModel model;
  private final NDManager streamScope;
  private final int outHeight;
  private final int outWidth;
  private NDList state;
  private ByteBuffer inputBuffer;
  private ByteBuffer outputScratch;
  private long lastHostToDevice;
  private long lastForward;

  StreamingRestorer(RestorerModel model, NDManager streamScope, int outHeight, int outWidth) {
    this.model = model;
    this.streamScope = streamScope;
    this.outHeight = outHeight;
    this.outWidth = outWidth;
    int count = model.bundle().manifest().stream().state_tensors();
    this.state = new NDList(count);
    for (int i = 0; i < count; i++) {
      // An empty tensor tells the module "start of stream": it uses zeros of the right shape itself.
      state.add(streamScope.create(new float[0], new Shape(0)));
    }
  }

  /**
   * Restores one chunk.
   *
   * @param rgb {@code frames × height × width × 3} RGB bytes at input resolution, frame after frame
   * @param latentOffset index of the chunk's first latent within the whole video (the DiT's temporal position)
   * @return {@code frames × outHeight × outWidth × 3} RGB bytes
   */
  public byte[] restore(byte[] rgb, int frames, int height, int width, long latentOffset) {
    int outBytes = outputBytes(frames);
    if (outputScratch == null || outputScratch.capacity() < outBytes) {
      outputScratch = newOutputBuffer(outBytes);
    }
    long t1 = restoreInto(rgb, frames, height, width, latentOffset, outputScratch, false);
    byte[] result = new byte[outBytes];
    outputScratch.get(0, result);
    model.stageTimes().add(lastHostToDevice, lastForward, lastDeviceToHost, System.nanoTime() - t1);
    return result;
  }

  /**
   * Restores one chunk into a caller's direct buffer, reused from chunk to chunk: the output is copied from the
   * device straight into it, with no new CPU tensor per chunk (whose fresh pages hold the copy to ~1 GB/s) and no
   * {@code byte[]}. Bytes {@code [0, outputBytes(frames))} of {@code out} hold the frames afterwards; its position
   * and limit are left alone.
   *
   * @param out a direct buffer of at least {@link #outputBytes}{@code (frames)} bytes, from {@link #newOutputBuffer}
   */
  public void restore(byte[] rgb, int frames, int height, int width, long latentOffset, ByteBuffer out) {
    restoreInto(rgb, frames, height, width, latentOffset, out, true);
  }

  private long lastDeviceToHost;
  private static volatile boolean copyIntoWorks = true;

  private long restoreInto(
      byte[] rgb, int frames, int height, int width, long latentOffset, ByteBuffer dst, boolean record) {
    int outBytes = outputBytes(frames);
    if (!dst.isDirect() || dst.capacity() < outBytes) {
      throw new IllegalArgumentException(String.format(
          "Output buffer: %s of %d bytes, %d frames of %dx%d need a direct one of %d",
          dst.isDirect() ? "direct" : "heap", dst.capacity(), frames, outWidth, outHeight, outBytes));
    }
    try (NDManager chunkScope = streamScope.newSubManager()) {
      NDArray out = run(chunkScope, rgb, frames, height, width, latentOffset, false);
      long t0 = System.nanoTime();
      try (NDManager cpu = chunkScope.newSubManager(Device.cpu())) {
        // A CPU tensor over the caller's memory (from_blob: borrowed, not copied), then copy_ from the device into
        // it (index_put_ over the whole tensor); a device→pageable-host copy_ waits for the GPU.
        ByteBuffer view = dst.duplicate().clear().limit(outBytes).slice().order(ByteOrder.nativeOrder());
        if (copyIntoWorks) {
          try {
            NDArray host = cpu.create(view, out.getShape(), DataType.UINT8);
            host.getNDArrayInternal().getIndexer(cpu).set(host, new NDIndex(":"), (Object) out);
          } catch (RuntimeException e) {
            // An engine whose index_put_ will not copy across devices: the old way, a new CPU tensor per chunk.
            copyIntoWorks = false;
            System.err.println("swiftvr: copying the output into a reused buffer failed (" + e
                + "); falling back to a new CPU tensor per chunk");
          }
        }
        if (!copyIntoWorks) {
          view.put(out.toByteBuffer());
        }
      }
      long t1 = System.nanoTime();
      lastDeviceToHost = t1 - t0;
      if (record) {
        model.stageTimes().add(lastHostToDevice, lastForward, lastDeviceToHost, 0);
      }
      return t1;
    }
  }

  /** Bytes of a restored chunk of {@code frames} frames. */
  public int outputBytes(int frames) {
    return Math.multiplyExact(Math.multiplyExact(frames * 3, outHeight), outWidth);
  }

  /** A direct buffer for {@link #restore(byte[], int, int, int, long, ByteBuffer)}; allocate once, reuse. */
  public static ByteBuffer newOutputBuffer(int bytes) {
    return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
  }

  /** Like {@link #restore} but returns the network's float output in [0, 1] before rounding, for exactness checks. */
  public float[] restoreFloat(byte[] rgb, int frames, int height, int width, long latentOffset) {
    try (NDManager chunkScope = streamScope.newSubManager()) {
      return run(chunkScope, rgb, frames, height, width, latentOffset, true).toFloatArray();
    }
  }

  private NDArray run(
      NDManager chunkScope, byte[] rgb, int frames, int height, int width, long latentOffset, boolean floatOutput) {
    int expected = frames * height * width * 3;
    if (rgb.length < expected) {
      throw new IllegalArgumentException(String.format(
          "Chunk buffer holds %d bytes, %d frames of %dx%d need %d", rgb.length, frames, width, height, expected));
    }
    if (inputBuffer == null || inputBuffer.capacity() < expected) {
      inputBuffer = ByteBuffer.allocateDirect(expected).order(ByteOrder.nativeOrder());
    }
    long t0 = System.nanoTime();
    inputBuffer.clear();
    inputBuffer.put(rgb, 0, expected).flip();

    NDList inputs = new NDList(4 + state.size());
    inputs.add(chunkScope.create(inputBuffer, new Shape(frames, height, width, 3), DataType.UINT8));
    inputs.add(chunkScope.create(new long[] {outHeight, outWidth}));
    inputs.add(chunkScope.create(new long[] {latentOffset}));
    inputs.add(chunkScope.create(new long[] {floatOutput ? 1 : 0}));
    inputs.addAll(state);
    long t1 = System.nanoTime();

    NDList outputs = model.forward(chunkScope, inputs);
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
    if (shape.dimension() != 4 || shape.get(0) != frames || shape.get(1) != outHeight || shape.get(2) != outWidth) {
      throw new IllegalStateException("Restorer returned frames of shape " + shape + ", expected ("
          + frames + ", " + outHeight + ", " + outWidth + ", 3)");
    }
    return frameOut;
  }

  public int outHeight() {
    return outHeight;
  }

  public int outWidth() {
    return outWidth;
  }

  /** Live native arrays in this stream's scope: the state, and nothing else between chunks. */
  public int liveArrays() {
    return streamScope.getManagedArrays().size();
  }

  @Override
  public void close() {
    streamScope.close();
  }
}
