// SwiftVR's extras beside DJL's natives: page-locked host buffers and device→host copies on a side CUDA stream, for
// io.swiftvr.udf.model.CudaHostCopies (not a DJL class). They let the restorer copy chunk k's output to the host
// while chunk k+1's forward runs, into buffers the encoder then reads, instead of a synchronous copy on the model's
// stream (docs/benchmarks-gpu.md, "Run 5").
//
// Exported under JNI's standard names rather than registered in JNI_OnLoad: the JVM finds them in this library
// because DJL's LibUtils, which loads it, and CudaHostCopies share a class loader. With DJL's published JNI, or a
// build without the CUDA toolkit headers, the Java side sees UnsatisfiedLinkError or version 0 and copies as before.
#include "djlt.h"

#ifdef DJLT_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>

#include <array>
#include <mutex>
#endif

namespace djlt {
namespace {

#ifdef DJLT_WITH_CUDA
void Check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    cudaGetLastError();  // reset the runtime's last error so that a later call does not report this one
    throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(status));
  }
}

// One side stream per device for all copies: copies of consecutive chunks then run in order, and libtorch's pool
// (round robin over 32 streams) is not churned.
c10::cuda::CUDAStream CopyStream(c10::DeviceIndex device) {
  static std::mutex lock;
  static std::array<std::optional<c10::cuda::CUDAStream>, 64> streams;
  if (device < 0 || device >= static_cast<c10::DeviceIndex>(streams.size())) {
    throw std::invalid_argument("CUDA device index " + std::to_string(device) + " out of range");
  }
  std::lock_guard<std::mutex> guard(lock);
  auto& s = streams[device];
  if (!s) s = c10::cuda::getStreamFromPool(false, device);
  return *s;
}

// A copy in flight: events around it on the side stream (timing enabled, so await can say how long it took). The
// end event blocks the waiting thread instead of spinning a core that the encoder could use.
struct PendingCopy {
  c10::DeviceIndex device;  // await waits on this device, whichever thread calls it
  cudaEvent_t start = nullptr;
  cudaEvent_t end = nullptr;
  explicit PendingCopy(c10::DeviceIndex on) : device(on) {
    Check(cudaEventCreate(&start), "cudaEventCreate");
    const cudaError_t made = cudaEventCreateWithFlags(&end, cudaEventBlockingSync);
    if (made != cudaSuccess) {
      cudaEventDestroy(start);  // the destructor does not run for a constructor that throws
      Check(made, "cudaEventCreate");
    }
  }
  ~PendingCopy() {
    try {
      c10::cuda::CUDAGuard guard(device);  // see CheckedDevice below: no context on another device
      Destroy();
    } catch (...) {
      Destroy();
    }
  }
  void Destroy() noexcept {
    if (start != nullptr) cudaEventDestroy(start);
    if (end != nullptr) cudaEventDestroy(end);
    start = end = nullptr;
  }
  PendingCopy(const PendingCopy&) = delete;
  PendingCopy& operator=(const PendingCopy&) = delete;
};

// Every CUDA runtime call below runs with a device guard. A JVM thread starts with the runtime's default device 0,
// and the first call needing a context would create one there: on an executor bound to GPU 1, a stray context (about
// 0.5 GiB) on another executor's GPU, which the multi-GPU run's nvidia-smi check caught. libtorch's guard restores the
// previous device lazily, so leaving the guard does not create that context either.
c10::DeviceIndex CheckedDevice(jint device) {
  if (device < 0 || device >= static_cast<jint>(c10::cuda::device_count())) {
    throw std::invalid_argument("CUDA device index " + std::to_string(device) + " out of range");
  }
  return static_cast<c10::DeviceIndex>(device);
}

void* BufferAddress(JNIEnv* env, jobject buffer, jlong* capacity) {
  void* data = buffer == nullptr ? nullptr : env->GetDirectBufferAddress(buffer);
  if (data == nullptr) throw std::invalid_argument("a direct ByteBuffer is needed");
  *capacity = env->GetDirectBufferCapacity(buffer);
  return data;
}
#endif

}  // namespace
}  // namespace djlt

extern "C" {

// The version of these functions' signatures when this build can pin buffers and copy asynchronously (CUDA extras on
// and a GPU present), else 0. Version 2: pin and unpin take the device.
JNIEXPORT jint JNICALL Java_io_swiftvr_udf_model_CudaHostCopies_nativeVersion(JNIEnv* env, jclass) {
  DJLT_BEGIN
#ifdef DJLT_WITH_CUDA
  return torch::cuda::is_available() ? 2 : 0;
#else
  return 0;
#endif
  DJLT_END(0)
}

// Page-locks a direct buffer's memory (cudaHostRegister, portable to every device) through the given device's
// context: copies into it then run at full PCIe/NVLink speed and can be asynchronous. It must be unpinned before its
// memory is freed.
JNIEXPORT void JNICALL Java_io_swiftvr_udf_model_CudaHostCopies_pin(JNIEnv* env, jclass, jobject buffer, jint device) {
  DJLT_BEGIN
#ifdef DJLT_WITH_CUDA
  c10::cuda::CUDAGuard guard(djlt::CheckedDevice(device));
  jlong capacity = 0;
  void* data = djlt::BufferAddress(env, buffer, &capacity);
  djlt::Check(cudaHostRegister(data, static_cast<size_t>(capacity), cudaHostRegisterPortable), "cudaHostRegister");
#else
  throw std::runtime_error("djl_torch was built without the CUDA extras");
#endif
  DJLT_END_VOID
}

JNIEXPORT void JNICALL Java_io_swiftvr_udf_model_CudaHostCopies_unpin(JNIEnv* env, jclass, jobject buffer, jint device) {
  DJLT_BEGIN
#ifdef DJLT_WITH_CUDA
  c10::cuda::CUDAGuard guard(djlt::CheckedDevice(device));
  jlong capacity = 0;
  djlt::Check(cudaHostUnregister(djlt::BufferAddress(env, buffer, &capacity)), "cudaHostUnregister");
#else
  throw std::runtime_error("djl_torch was built without the CUDA extras");
#endif
  DJLT_END_VOID
}

// Queues a copy of a CUDA tensor's bytes into the first `bytes` bytes of a direct buffer, on the side stream, after
// everything queued so far on the caller's current stream (the forward that produced the tensor). Returns at once
// with a handle for await. The caller may drop the tensor straight away: its block is recorded on the side stream,
// so libtorch's allocator does not hand it out again before the copy has read it.
JNIEXPORT jlong JNICALL Java_io_swiftvr_udf_model_CudaHostCopies_copyToHost(
    JNIEnv* env, jclass, jlong tensor_handle, jobject buffer, jlong bytes) {
  DJLT_BEGIN
#ifdef DJLT_WITH_CUDA
  at::Tensor src = djlt::T(tensor_handle);
  if (!src.is_cuda()) throw std::invalid_argument("copyToHost needs a CUDA tensor");
  src = src.contiguous();
  if (static_cast<jlong>(src.nbytes()) != bytes) {
    throw std::invalid_argument("tensor holds " + std::to_string(src.nbytes()) + " bytes, " +
                                std::to_string(bytes) + " expected");
  }
  jlong capacity = 0;
  void* dst = djlt::BufferAddress(env, buffer, &capacity);
  if (capacity < bytes) {
    throw std::invalid_argument("buffer holds " + std::to_string(capacity) + " bytes, " + std::to_string(bytes) +
                                " needed");
  }
  const c10::DeviceIndex device = src.device().index();
  c10::cuda::CUDAGuard guard(device);
  c10::cuda::CUDAStream producer = c10::cuda::getCurrentCUDAStream(device);
  c10::cuda::CUDAStream side = djlt::CopyStream(device);
  auto copy = std::make_unique<djlt::PendingCopy>(device);
  cudaEvent_t ready = nullptr;
  djlt::Check(cudaEventCreateWithFlags(&ready, cudaEventDisableTiming), "cudaEventCreate");
  try {
    djlt::Check(cudaEventRecord(ready, producer.stream()), "cudaEventRecord");
    djlt::Check(cudaStreamWaitEvent(side.stream(), ready, 0), "cudaStreamWaitEvent");
  } catch (...) {
    cudaEventDestroy(ready);
    throw;
  }
  djlt::Check(cudaEventDestroy(ready), "cudaEventDestroy");  // safe once the wait is queued
  djlt::Check(cudaEventRecord(copy->start, side.stream()), "cudaEventRecord");
  djlt::Check(cudaMemcpyAsync(dst, src.data_ptr(), static_cast<size_t>(bytes), cudaMemcpyDeviceToHost, side.stream()),
      "cudaMemcpyAsync");
  // Before anything else can fail: once the copy is queued, the output's memory must outlive it.
  c10::cuda::CUDACachingAllocator::recordStream(src.storage().data_ptr(), side);
  const cudaError_t recorded = cudaEventRecord(copy->end, side.stream());
  if (recorded != cudaSuccess) {
    // No event to wait on: wait here for the copy (the caller's buffer must not be reused under it), then fail.
    cudaStreamSynchronize(side.stream());
    djlt::Check(recorded, "cudaEventRecord");
  }
  return reinterpret_cast<jlong>(copy.release());
#else
  throw std::runtime_error("djl_torch was built without the CUDA extras");
#endif
  DJLT_END(0)
}

// Waits until a copy from copyToHost has landed, frees its handle and returns how long the copy itself took on the
// side stream, in milliseconds (not counting the wait for the forward before it).
JNIEXPORT jfloat JNICALL Java_io_swiftvr_udf_model_CudaHostCopies_await(JNIEnv* env, jclass, jlong handle) {
  DJLT_BEGIN
#ifdef DJLT_WITH_CUDA
  if (handle == 0) throw std::invalid_argument("null copy handle");
  std::unique_ptr<djlt::PendingCopy> copy(reinterpret_cast<djlt::PendingCopy*>(handle));  // freed on return
  c10::cuda::CUDAGuard guard(copy->device);
  float ms = 0;
  cudaError_t status = cudaEventSynchronize(copy->end);
  if (status == cudaSuccess) status = cudaEventElapsedTime(&ms, copy->start, copy->end);
  djlt::Check(status, "waiting for a device-to-host copy");
  return ms;
#else
  throw std::runtime_error("djl_torch was built without the CUDA extras");
#endif
  DJLT_END(0)
}

}  // extern "C"
