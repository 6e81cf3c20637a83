// Library entry point (JNI_OnLoad registers the natives) and the helpers declared in djlt.h.
#include "djlt.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace djlt {

namespace {
jclass g_engine_exception = nullptr;  // global ref to ai.djl.engine.EngineException
}

std::vector<NativeEntry>& registry() {
  static std::vector<NativeEntry> entries;
  return entries;
}

void ThrowEngineException(JNIEnv* env, const char* message) {
  if (env->ExceptionCheck()) return;  // keep the first error
  jclass cls = g_engine_exception != nullptr ? g_engine_exception : env->FindClass("java/lang/RuntimeException");
  if (cls != nullptr) env->ThrowNew(cls, message);
}

std::optional<at::ScalarType> ScalarTypeFromDjl(jint ordinal) {
  switch (ordinal) {
    case 0: return at::kFloat;
    case 1: return at::kDouble;
    case 2: return at::kHalf;
    case 3: return at::kByte;
    case 4: return at::kInt;
    case 5: return at::kChar;
    case 6: return at::kLong;
    case 7: return at::kBool;
    case 8: return at::kComplexFloat;
    case 11: return at::kBFloat16;
    case 12: return at::kUInt64;
    case 13: return at::kUInt32;
    case 14: return at::kUInt16;
    case 15: return at::kShort;
    case kDjlUnknown: return std::nullopt;
    default:
      throw std::invalid_argument("DJL data type ordinal " + std::to_string(ordinal) + " has no PyTorch equivalent");
  }
}

at::ScalarType RequireScalarType(jint ordinal) {
  auto type = ScalarTypeFromDjl(ordinal);
  if (!type) throw std::invalid_argument("DJL data type UNKNOWN cannot be used here");
  return *type;
}

jint DjlFromScalarType(at::ScalarType type) {
  switch (type) {
    case at::kFloat: return 0;
    case at::kDouble: return 1;
    case at::kHalf: return 2;
    case at::kByte: return 3;
    case at::kInt: return 4;
    case at::kChar: return 5;
    case at::kLong: return 6;
    case at::kBool: return 7;
    case at::kComplexFloat: return 8;
    case at::kBFloat16: return 11;
    case at::kUInt64: return 12;
    case at::kUInt32: return 13;
    case at::kUInt16: return 14;
    case at::kShort: return 15;
    default: return kDjlUnknown;
  }
}

c10::Device DeviceFromJava(JNIEnv* env, jintArray jdevice) {
  if (jdevice == nullptr || env->GetArrayLength(jdevice) < 2) throw std::invalid_argument("device must be int[2]");
  jint d[2];
  env->GetIntArrayRegion(jdevice, 0, 2, d);
  CheckJava(env);
  auto type = static_cast<c10::DeviceType>(d[0]);
  if (type == c10::DeviceType::CPU) return c10::Device(c10::DeviceType::CPU);
  return c10::Device(type, static_cast<c10::DeviceIndex>(d[1] < 0 ? 0 : d[1]));
}

jintArray DeviceToJava(JNIEnv* env, const c10::Device& device) {
  jint d[2] = {static_cast<jint>(device.type()), device.is_cpu() ? -1 : static_cast<jint>(device.index())};
  if (!device.is_cpu() && device.index() < 0) d[1] = 0;
  jintArray out = env->NewIntArray(2);
  CheckJava(env);
  env->SetIntArrayRegion(out, 0, 2, d);
  return out;
}

at::TensorOptions CreationOptions(JNIEnv* env, jint dtype, jint layout, jintArray jdevice, jboolean requires_grad) {
  // Sparse and MKL-DNN tensors are created dense and converted (ApplyLayout), as libtorch's factories expect.
  at::TensorOptions options = at::TensorOptions().device(DeviceFromJava(env, jdevice)).layout(at::kStrided);
  auto type = ScalarTypeFromDjl(dtype);
  if (type) options = options.dtype(*type);
  (void) layout;
  (void) requires_grad;
  return options;
}

at::Tensor ApplyLayout(at::Tensor tensor, jint layout) {
  if (layout == 1) return tensor.to_sparse();
  if (layout == 2) return tensor.to_mkldnn();
  return tensor;
}

std::vector<int64_t> LongVec(JNIEnv* env, jlongArray array) {
  if (array == nullptr) return {};
  jsize n = env->GetArrayLength(array);
  std::vector<int64_t> out(static_cast<size_t>(n));
  if (n > 0) env->GetLongArrayRegion(array, 0, n, reinterpret_cast<jlong*>(out.data()));
  CheckJava(env);
  return out;
}

jlongArray ToJLongArray(JNIEnv* env, const std::vector<int64_t>& values) {
  jlongArray out = env->NewLongArray(static_cast<jsize>(values.size()));
  CheckJava(env);
  if (!values.empty()) {
    env->SetLongArrayRegion(out, 0, static_cast<jsize>(values.size()), reinterpret_cast<const jlong*>(values.data()));
  }
  return out;
}

jlongArray TensorHandles(JNIEnv* env, const std::vector<at::Tensor>& tensors) {
  std::vector<int64_t> handles;
  handles.reserve(tensors.size());
  for (const auto& t : tensors) handles.push_back(H(t));
  return ToJLongArray(env, handles);
}

std::vector<at::Tensor> TensorsFromHandles(JNIEnv* env, jlongArray handles) {
  std::vector<at::Tensor> out;
  for (int64_t h : LongVec(env, handles)) out.push_back(T(h));
  return out;
}

std::string StringFromJava(JNIEnv* env, jstring value) {
  if (value == nullptr) return {};
  const char* chars = env->GetStringUTFChars(value, nullptr);
  CheckJava(env);
  std::string out(chars);
  env->ReleaseStringUTFChars(value, chars);
  return out;
}

std::vector<std::string> StringsFromJava(JNIEnv* env, jobjectArray values) {
  std::vector<std::string> out;
  if (values == nullptr) return out;
  jsize n = env->GetArrayLength(values);
  for (jsize i = 0; i < n; ++i) {
    auto s = static_cast<jstring>(env->GetObjectArrayElement(values, i));
    CheckJava(env);
    out.push_back(StringFromJava(env, s));
    env->DeleteLocalRef(s);
  }
  return out;
}

jobjectArray ToJStringArray(JNIEnv* env, const std::vector<std::string>& values) {
  jclass string_class = env->FindClass("java/lang/String");
  CheckJava(env);
  jobjectArray out = env->NewObjectArray(static_cast<jsize>(values.size()), string_class, nullptr);
  CheckJava(env);
  for (size_t i = 0; i < values.size(); ++i) {
    jstring s = env->NewStringUTF(values[i].c_str());
    CheckJava(env);
    env->SetObjectArrayElement(out, static_cast<jsize>(i), s);
    env->DeleteLocalRef(s);
  }
  return out;
}

bool BuiltWithCuda() {
#ifdef DJLT_WITH_CUDA
  return true;
#else
  return false;
#endif
}

}  // namespace djlt

// Registers every native of the table on ai.djl.pytorch.jni.PyTorchLibrary. The class is found through the class
// loader of the caller of System.load (DJL's LibUtils), which is the loader of PyTorchLibrary.
extern "C" JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void*) {
  JNIEnv* env = nullptr;
  if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_8) != JNI_OK) return JNI_ERR;
  jclass exception = env->FindClass("ai/djl/engine/EngineException");
  if (exception != nullptr) {
    djlt::g_engine_exception = static_cast<jclass>(env->NewGlobalRef(exception));
    env->DeleteLocalRef(exception);
  } else {
    env->ExceptionClear();
  }
  jclass cls = env->FindClass("ai/djl/pytorch/jni/PyTorchLibrary");
  if (cls == nullptr) {
    env->ExceptionClear();
    std::fprintf(stderr, "djl_torch: class ai.djl.pytorch.jni.PyTorchLibrary not found, no natives registered\n");
    return JNI_VERSION_1_8;
  }
  // DJL_TORCH_JNI_VERBOSE=1 prints a summary line, =2 also every registered native.
  const char* verbose = std::getenv("DJL_TORCH_JNI_VERBOSE");
  const bool list = verbose != nullptr && std::strcmp(verbose, "2") == 0;
  int ok = 0;
  int failed = 0;
  for (const auto& e : djlt::registry()) {
    JNINativeMethod m{const_cast<char*>(e.name), const_cast<char*>(e.signature), e.fn};
    if (env->RegisterNatives(cls, &m, 1) == JNI_OK) {
      ++ok;
      if (list) std::fprintf(stderr, "djl_torch: registered %s%s\n", e.name, e.signature);
    } else {
      env->ExceptionClear();
      ++failed;
      std::fprintf(stderr, "djl_torch: cannot register %s%s (no such native in this DJL version)\n", e.name,
          e.signature);
    }
  }
  env->DeleteLocalRef(cls);
  // DJL_TORCH_ALLOW_TF32=0|1 sets whether float32 convolutions (cuDNN) and matmuls (cuBLAS) may use TF32 on
  // Ampere and newer GPUs. Unset keeps libtorch's defaults (TF32 for convolutions, full float32 for matmuls).
  if (const char* tf32 = std::getenv("DJL_TORCH_ALLOW_TF32"); tf32 != nullptr && *tf32 != '\0') {
    const bool allow = std::strcmp(tf32, "0") != 0;
    try {
      at::globalContext().setAllowTF32CuDNN(allow);
      at::globalContext().setAllowTF32CuBLAS(allow);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "djl_torch: DJL_TORCH_ALLOW_TF32 ignored: %s\n", e.what());
    }
  }
  if (failed > 0 || (verbose != nullptr && std::strcmp(verbose, "0") != 0)) {
    std::fprintf(stderr, "djl_torch: SwiftVR JNI for libtorch %s%s: %d natives registered, %d failed\n",
        TORCH_VERSION, djlt::BuiltWithCuda() ? " (CUDA)" : " (CPU)", ok, failed);
  }
  return JNI_VERSION_1_8;
}
