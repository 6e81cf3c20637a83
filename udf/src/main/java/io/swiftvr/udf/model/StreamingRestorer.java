package io.swiftvr.udf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
    try (NDManager chunkScope = streamScope.newSubManager()) {
      NDArray out = run(chunkScope, rgb, frames, height, width, latentOffset, false);
      long t0 = System.nanoTime();
      ByteBuffer host = out.toByteBuffer(); // device→host (waits for the GPU's work on the output)
      long t1 = System.nanoTime();
      byte[] result = new byte[Math.multiplyExact(Math.multiplyExact(frames * 3, outHeight), outWidth)];
      host.get(result);
      model.stageTimes().add(lastHostToDevice, lastForward, t1 - t0, System.nanoTime() - t1);
      return result;
    }
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
