package io.swiftvr.udf.model;

/**
 * A restored chunk on its way into a host buffer: {@link #await} before reading the buffer. Copies made
 * synchronously are {@link #DONE}; asynchronous ones ({@link CudaHostCopies}) are waited for once, by whichever of
 * the reader and the stream's {@code close} comes first.
 */
public final class HostCopy {
  /** A copy that has already landed. */
  public static final HostCopy DONE = new HostCopy(0, null);

  private long handle;
  private final StageTimes times;

  HostCopy(long handle, StageTimes times) {
    this.handle = handle;
    this.times = times;
  }

  /** Whether {@link #await} has returned (or there was nothing to wait for). */
  synchronized boolean awaited() {
    return handle == 0;
  }

  /** Returns once the chunk's bytes are in the buffer. */
  public synchronized void await() {
    if (handle == 0) {
      return;
    }
    long h = handle;
    handle = 0;
    float ms = CudaHostCopies.await(h);
    times.addOverlappedCopy((long) (ms * 1e6));
  }
}
