package io.swiftvr.udf.model;

import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Page-locked host buffers and device→host copies on a side CUDA stream: natives of our own DJL JNI library
 * ({@code native/djl-torch-jni/src/host_copies.cc}), not of DJL's. With them chunk k's output is copied to the host
 * while chunk k+1's forward runs, straight into the buffer the encoder reads.
 *
 * <p>Where the library is DJL's published one (the CPU engine of the tests and the laptop run) or was built without
 * the CUDA toolkit, {@link #available} is false and the restorer copies synchronously, as before. Only ask once the
 * PyTorch engine has loaded its library (a model on a GPU): the JVM links these natives on first call, from the
 * libraries loaded by this class's loader. {@code -Dswiftvr.cuda.hostCopies=false} turns them off (to compare).
 */
final class CudaHostCopies {
  private static final Logger LOG = LoggerFactory.getLogger(CudaHostCopies.class);
  private static final int NATIVE_VERSION = 2;
  private static volatile Boolean available;

  private CudaHostCopies() {}

  static boolean available() {
    Boolean a = available;
    if (a == null) {
      a = !"false".equals(System.getProperty("swiftvr.cuda.hostCopies")) && probe();
      available = a;
    }
    return a;
  }

  private static boolean probe() {
    int version;
    try {
      version = nativeVersion();
    } catch (UnsatisfiedLinkError e) {
      return false; // DJL's own JNI library: no extras
    }
    if (version != 0 && version != NATIVE_VERSION) {
      LOG.warn("The DJL JNI library's SwiftVR host copies are version {}, this build needs {}: output copies stay "
          + "synchronous. Rebuild native/djl-torch-jni from this source tree.", version, NATIVE_VERSION);
    }
    return version == NATIVE_VERSION;
  }

  /**
   * The signatures this class declares (2: pin and unpin take the device), as the library reports them when it can
   * pin and copy asynchronously (built with the CUDA extras, a GPU present), else 0. A library built from another
   * version of native/djl-torch-jni leaves the copies synchronous instead of failing at the first pin.
   */
  private static native int nativeVersion();

  /**
   * Page-locks a direct buffer's memory, calling CUDA on device {@code cudaDevice} (the model's GPU: on any other the
   * call would create a CUDA context there); {@link #unpin} it, on the same device, before it can be freed.
   */
  static native void pin(ByteBuffer buffer, int cudaDevice);

  static native void unpin(ByteBuffer buffer, int cudaDevice);

  /**
   * Queues a copy of a CUDA tensor ({@code ai.djl.pytorch} handle) into {@code buffer}'s first {@code bytes} bytes
   * after the work queued so far on the calling thread's stream; returns a handle for {@link #await} at once. The
   * tensor may be closed right after: libtorch keeps its memory until the copy has read it.
   */
  static native long copyToHost(long tensorHandle, ByteBuffer buffer, long bytes);

  /**
   * Waits for a copy, frees the handle, and returns the copy's own time on its stream in milliseconds. Safe from any
   * thread: the wait runs on the copy's device.
   */
  static native float await(long copyHandle);
}
