package io.swiftvr.udf.model;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A restored chunk on its way into a host buffer: {@link #await} before reading the buffer. Copies made
 * synchronously are {@link #DONE}; asynchronous ones ({@link CudaHostCopies}) are waited for once, by whichever of
 * the reader and the stream's {@code close} comes first (the other returns at once).
 */
public final class HostCopy {
  /** A copy that has already landed. */
  public static final HostCopy DONE = new HostCopy(0, null);

  private final AtomicLong handle;
  private final StageTimes times;
  private volatile boolean landed;

  HostCopy(long handle, StageTimes times) {
    this.handle = new AtomicLong(handle);
    this.times = times;
    this.landed = handle == 0;
  }

  /**
   * Whether the copy has been waited for. Never blocks: the model thread asks while the encoder thread may be in
   * {@link #await}, and must not wait for that copy itself.
   */
  boolean awaited() {
    return landed;
  }

  /** Returns once the chunk's bytes are in the buffer. */
  public void await() {
    long h = handle.getAndSet(0);
    if (h == 0) {
      synchronized (this) { // the other caller may still be waiting for the copy: return when it has landed
        while (!landed) {
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a device-to-host copy", e);
          }
        }
      }
      return;
    }
    try {
      float ms = CudaHostCopies.await(h);
      times.addOverlappedCopy((long) (ms * 1e6));
    } finally {
      synchronized (this) {
        landed = true; // also after a failed wait: the handle is freed, there is nothing left to wait for
        notifyAll();
      }
    }
  }
}
