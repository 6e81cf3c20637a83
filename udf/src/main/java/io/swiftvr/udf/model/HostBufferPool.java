package io.swiftvr.udf.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Direct host buffers for a model's chunk inputs and outputs, kept from shard to shard: a shard at 2560×1440 needs
 * five of 0.07–0.27 GB, and on a GPU each is page-locked ({@link CudaHostCopies#pin}), which costs more than the
 * allocation. A pinned buffer must be unpinned before the garbage collector may free its memory, so borrowers give
 * back in a {@code finally} ({@link StreamingRestorer#close}). Thread-safe; at most {@code retain} idle buffers are
 * kept.
 */
final class HostBufferPool implements AutoCloseable {
  private static final int NOT_PINNED = -1;

  private final int cudaDevice;
  private final int retain;
  private final List<ByteBuffer> idle = new ArrayList<>();
  private boolean closed;

  private HostBufferPool(int cudaDevice, int retain) {
    this.cudaDevice = cudaDevice;
    this.retain = retain;
  }

  /** Plain direct buffers (CPU models, or no asynchronous copies). */
  static HostBufferPool unpinned(int retain) {
    return new HostBufferPool(NOT_PINNED, retain);
  }

  /**
   * Buffers page-locked through CUDA device {@code cudaDevice}'s context: the calls are made on that device, so that
   * an executor bound to GPU 1 does not create a context on GPU 0 (the CUDA runtime's default device per thread).
   */
  static HostBufferPool pinnedOn(int cudaDevice, int retain) {
    if (cudaDevice < 0) {
      throw new IllegalArgumentException("CUDA device index " + cudaDevice);
    }
    return new HostBufferPool(cudaDevice, retain);
  }

  /** Whether the buffers are page-locked, so that device copies into them can be asynchronous. */
  boolean pinned() {
    return cudaDevice != NOT_PINNED;
  }

  /** A buffer of at least {@code bytes} bytes, the smallest idle one that fits, else a new one. */
  synchronized ByteBuffer borrow(int bytes) {
    if (closed) {
      throw new IllegalStateException("the model is closed");
    }
    ByteBuffer best = idle.stream().filter(b -> b.capacity() >= bytes)
        .min(Comparator.comparingInt(ByteBuffer::capacity)).orElse(null);
    if (best != null) {
      removeByIdentity(best);
      return best;
    }
    ByteBuffer b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    if (pinned()) {
      CudaHostCopies.pin(b, cudaDevice);
    }
    return b;
  }

  /** Takes a buffer back; the largest idle ones are released first when more than {@code retain} are idle. */
  synchronized void giveBack(ByteBuffer buffer) {
    if (closed) {
      release(buffer);
      return;
    }
    idle.add(buffer);
    while (idle.size() > retain) {
      ByteBuffer largest = idle.stream().max(Comparator.comparingInt(ByteBuffer::capacity)).orElseThrow();
      removeByIdentity(largest);
      release(largest);
    }
  }

  /** ByteBuffer.equals compares the bytes left in the buffers, not which buffer it is. */
  private void removeByIdentity(ByteBuffer buffer) {
    idle.removeIf(b -> b == buffer);
  }

  private void release(ByteBuffer buffer) {
    if (pinned()) {
      CudaHostCopies.unpin(buffer, cudaDevice); // before the collector may free the memory
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    idle.forEach(this::release);
    idle.clear();
  }
}
