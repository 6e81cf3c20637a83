// SwiftVR's own JNI library for DJL's PyTorch engine (ai.djl.pytorch.jni.PyTorchLibrary).
//
// Shared helpers: handle conversion, DJL's type and device encodings, exception translation and the table of
// natives that JNI_OnLoad registers. Written from the Java declarations of PyTorchLibrary (DJL 0.35.1) and the
// semantics of its callers (JniUtils, IValue, IValueUtils); it is compiled against whatever libtorch is installed.
#pragma once

#include <jni.h>
#include <torch/script.h>
#include <torch/cuda.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace djlt {

// ---------------------------------------------------------------------------------------------------------------
// Registration: every implemented native adds itself to one table (name, JNI descriptor, function) through
// DJLT_NATIVE; JNI_OnLoad registers them one by one with RegisterNatives, so overloads need no name mangling and a
// descriptor that does not match the Java class is reported by name instead of failing the whole library.
struct NativeEntry {
  const char* name;
  const char* signature;
  void* fn;
};
std::vector<NativeEntry>& registry();
struct Registrar {
  Registrar(const char* name, const char* signature, void* fn) { registry().push_back({name, signature, fn}); }
};
#define DJLT_CAT2(a, b) a##b
#define DJLT_CAT(a, b) DJLT_CAT2(a, b)
#define DJLT_NATIVE(jname, sig, fn) \
  static ::djlt::Registrar DJLT_CAT(djlt_reg_, __COUNTER__)(jname, sig, reinterpret_cast<void*>(&fn));

// ---------------------------------------------------------------------------------------------------------------
// Errors: C++ exceptions become ai.djl.engine.EngineException; a Java exception already pending (raised by a JNI
// call inside a native) is left as it is.
struct JavaPending {};  // thrown after a JNI call left a Java exception pending

void ThrowEngineException(JNIEnv* env, const char* message);
inline void CheckJava(JNIEnv* env) {
  if (env->ExceptionCheck()) throw JavaPending{};
}

#define DJLT_BEGIN try {
#define DJLT_END_(env, ...)                                  \
  }                                                          \
  catch (const ::djlt::JavaPending&) {                       \
  }                                                          \
  catch (const c10::Error& e) {                              \
    ::djlt::ThrowEngineException(env, e.what_without_backtrace()); \
  }                                                          \
  catch (const std::exception& e) {                          \
    ::djlt::ThrowEngineException(env, e.what());             \
  }                                                          \
  catch (...) {                                              \
    ::djlt::ThrowEngineException(env, "unknown C++ exception in djl_torch"); \
  }                                                          \
  return __VA_ARGS__;
#define DJLT_END(...) DJLT_END_(env, __VA_ARGS__)
#define DJLT_END_VOID DJLT_END_(env, )

// ---------------------------------------------------------------------------------------------------------------
// Handles: DJL keeps native objects as Java longs; each handle owns one heap-allocated reference.
inline at::Tensor& T(jlong handle) {
  if (handle == 0) throw std::invalid_argument("null tensor handle");
  return *reinterpret_cast<at::Tensor*>(handle);
}
inline jlong H(at::Tensor tensor) { return reinterpret_cast<jlong>(new at::Tensor(std::move(tensor))); }
inline c10::IValue& IV(jlong handle) {
  if (handle == 0) throw std::invalid_argument("null IValue handle");
  return *reinterpret_cast<c10::IValue*>(handle);
}
inline jlong HI(c10::IValue value) { return reinterpret_cast<jlong>(new c10::IValue(std::move(value))); }
inline torch::jit::Module& M(jlong handle) {
  if (handle == 0) throw std::invalid_argument("null module handle");
  return *reinterpret_cast<torch::jit::Module*>(handle);
}
using TensorIndexList = std::vector<at::indexing::TensorIndex>;
inline TensorIndexList& IDX(jlong handle) {
  if (handle == 0) throw std::invalid_argument("null index handle");
  return *reinterpret_cast<TensorIndexList*>(handle);
}

// ---------------------------------------------------------------------------------------------------------------
// DJL encodings.
// ai.djl.ndarray.types.DataType ordinals (0.35.1): FLOAT32 FLOAT64 FLOAT16 UINT8 INT32 INT8 INT64 BOOLEAN COMPLEX64
// UNKNOWN STRING BFLOAT16 UINT64 UINT32 UINT16 INT16.
constexpr jint kDjlUnknown = 9;
std::optional<at::ScalarType> ScalarTypeFromDjl(jint ordinal);  // nullopt for UNKNOWN
at::ScalarType RequireScalarType(jint ordinal);                // throws for UNKNOWN/STRING/out of range
jint DjlFromScalarType(at::ScalarType type);
// Device as DJL passes it: int[]{PtDeviceType (cpu 0, gpu 1, mps 13 = c10::DeviceType values), device id}.
c10::Device DeviceFromJava(JNIEnv* env, jintArray jdevice);
jintArray DeviceToJava(JNIEnv* env, const c10::Device& device);
// Layout as DJL passes it: 0 strided (dense), 1 sparse COO, 2 MKL-DNN.
at::TensorOptions CreationOptions(JNIEnv* env, jint dtype, jint layout, jintArray jdevice, jboolean requires_grad);
at::Tensor ApplyLayout(at::Tensor tensor, jint layout);
// A freshly created tensor in DJL's requested layout, with requires_grad as asked.
inline at::Tensor Finish(at::Tensor tensor, jint layout, jboolean requires_grad) {
  tensor = ApplyLayout(std::move(tensor), layout);
  if (requires_grad == JNI_TRUE) tensor.requires_grad_(true);
  return tensor;
}

// ---------------------------------------------------------------------------------------------------------------
// JNI array and string helpers.
std::vector<int64_t> LongVec(JNIEnv* env, jlongArray array);
jlongArray ToJLongArray(JNIEnv* env, const std::vector<int64_t>& values);
jlongArray TensorHandles(JNIEnv* env, const std::vector<at::Tensor>& tensors);
std::vector<at::Tensor> TensorsFromHandles(JNIEnv* env, jlongArray handles);
std::string StringFromJava(JNIEnv* env, jstring value);
std::vector<std::string> StringsFromJava(JNIEnv* env, jobjectArray values);
jobjectArray ToJStringArray(JNIEnv* env, const std::vector<std::string>& values);

// Whether this build links the CUDA parts of libtorch (set by CMake when the toolkit headers were found).
bool BuiltWithCuda();

}  // namespace djlt
