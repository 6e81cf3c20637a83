package io.swiftvr.udf.model;

import java.util.concurrent.atomic.LongAdder;

/**
 * Where a model's chunk time goes, summed over its streams: the input copy to the device (host→device), the forward
 * call, the output copy back (device→host, as the model thread spends it) and the copy of the output into a Java
 * array. Where output copies run on a side stream ({@link CudaHostCopies}), device→host is only the time to queue
 * them, and {@link #overlappedCopySeconds} is how long the copies took on that stream, beside the next forward.
 *
 * <p>On a GPU the forward call returns once its kernels are queued, so the GPU time shows up in whatever waits for
 * them next unless {@link #waitForDevice} is set: then each chunk reads one output element back right after the
 * forward call (a few microseconds), and "forward" is the GPU's time. (DJL's
 * {@code -Dai.djl.pytorch.enable_cuda_stream=true} would also wait, but it runs every call on the next stream of
 * libtorch's pool, and the caching allocator keeps separate free blocks per stream.)
 */
public final class StageTimes {
  private volatile boolean waitForDevice;
  private final LongAdder hostToDevice = new LongAdder();
  private final LongAdder forward = new LongAdder();
  private final LongAdder deviceToHost = new LongAdder();
  private final LongAdder overlappedCopy = new LongAdder();
  private final LongAdder toJava = new LongAdder();
  private final LongAdder chunks = new LongAdder();

  void add(long h2dNanos, long forwardNanos, long d2hNanos) {
    hostToDevice.add(h2dNanos);
    forward.add(forwardNanos);
    deviceToHost.add(d2hNanos);
    chunks.increment();
  }

  void addToJava(long nanos) {
    toJava.add(nanos);
  }

  void addOverlappedCopy(long nanos) {
    overlappedCopy.add(nanos);
  }

  public double hostToDeviceSeconds() {
    return hostToDevice.sum() / 1e9;
  }

  public double forwardSeconds() {
    return forward.sum() / 1e9;
  }

  public double deviceToHostSeconds() {
    return deviceToHost.sum() / 1e9;
  }

  /** The output copies' own time on the side stream, overlapping later forwards (0 when copies are synchronous). */
  public double overlappedCopySeconds() {
    return overlappedCopy.sum() / 1e9;
  }

  /** Copying the output from native memory into the {@code byte[]} the pipeline hands on. */
  public double toJavaSeconds() {
    return toJava.sum() / 1e9;
  }

  public long chunks() {
    return chunks.sum();
  }

  /** Makes forward calls wait for the device, so that forward and device→host are timed apart (benchmarks). */
  public void waitForDevice(boolean wait) {
    waitForDevice = wait;
  }

  public boolean waitsForDevice() {
    return waitForDevice;
  }

  public void reset() {
    hostToDevice.reset();
    forward.reset();
    deviceToHost.reset();
    overlappedCopy.reset();
    toJava.reset();
    chunks.reset();
  }
}
