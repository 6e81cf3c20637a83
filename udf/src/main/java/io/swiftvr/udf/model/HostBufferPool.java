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
  private final boolean pin;
  private final int retain;
  private final List<ByteBuffer> idle = new ArrayList<>();
  private boolean closed;

  HostBufferPool(boolean pin, int retain) {
    this.pin = pin;
    this.retain = retain;
  }

  /** Whether the buffers are page-locked, so that device copies into them can be asynchronous. */
  boolean pinned() {
    return pin;
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
    if (pin) {
      CudaHostCopies.pin(b);
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
    if (pin) {
      CudaHostCopies.unpin(buffer); // before the collector may free the memory
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    idle.forEach(this::release);
    idle.clear();
  }
}
