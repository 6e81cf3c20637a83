// TorchScript modules: load (file or Java stream), write, eval/train, run a method, parameters.
#include "djlt.h"

#include <cstdlib>
#include <cstring>
#include <sstream>

#ifdef DJLT_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace djlt {
namespace {

// DJL_TORCH_INFERENCE_MODE=1 runs non-training calls under c10::InferenceMode instead of a NoGradGuard: a little
// less bookkeeping per op, but the outputs are inference tensors that must never be modified in place later.
bool UseInferenceMode() {
  static const bool on = [] {
    const char* v = std::getenv("DJL_TORCH_INFERENCE_MODE");
    return v != nullptr && std::strcmp(v, "0") != 0 && std::strcmp(v, "") != 0;
  }();
  return on;
}

void MakeTrainable(torch::jit::Module& module) {
  for (auto p : module.parameters()) p.requires_grad_(true);
}

jlong moduleLoadFile(JNIEnv* env, jobject, jstring jpath, jintArray jdevice, jboolean map_location,
    jobjectArray jextra_keys, jobjectArray jextra_values, jboolean train_param) {
  DJLT_BEGIN
  const std::string path = StringFromJava(env, jpath);
  const c10::Device device = DeviceFromJava(env, jdevice);
  const std::vector<std::string> keys = StringsFromJava(env, jextra_keys);
  torch::jit::ExtraFilesMap extra;
  for (const auto& k : keys) extra[k] = "";
  torch::jit::Module module = map_location == JNI_TRUE ? torch::jit::load(path, device, extra)
                                                      : torch::jit::load(path, std::nullopt, extra);
  if (map_location != JNI_TRUE) module.to(device);
  if (train_param == JNI_TRUE) MakeTrainable(module);
  for (size_t i = 0; i < keys.size() && jextra_values != nullptr; ++i) {
    jstring v = env->NewStringUTF(extra[keys[i]].c_str());
    CheckJava(env);
    env->SetObjectArrayElement(jextra_values, static_cast<jsize>(i), v);
    env->DeleteLocalRef(v);
    CheckJava(env);
  }
  return reinterpret_cast<jlong>(new torch::jit::Module(std::move(module)));
  DJLT_END(0)
}
DJLT_NATIVE("moduleLoad", "(Ljava/lang/String;[IZ[Ljava/lang/String;[Ljava/lang/String;Z)J", moduleLoadFile)

// Reads the whole module from a Java InputStream through the caller's buffer. size >= 0: exactly that many bytes
// (DJL wrote a length prefix); -1: until end of stream.
jlong moduleLoadStream(JNIEnv* env, jobject, jobject jstream, jintArray jdevice, jboolean map_location,
    jbyteArray jbuffer, jlong size) {
  DJLT_BEGIN
  jclass cls = env->GetObjectClass(jstream);
  CheckJava(env);
  jmethodID read = env->GetMethodID(cls, "read", "([BII)I");
  CheckJava(env);
  const jint capacity = env->GetArrayLength(jbuffer);
  if (capacity <= 0) throw std::invalid_argument("empty read buffer");
  std::string bytes;
  std::vector<jbyte> chunk(static_cast<size_t>(capacity));
  int64_t remaining = size;
  while (size < 0 || remaining > 0) {
    jint want = size < 0 ? capacity : static_cast<jint>(std::min<int64_t>(capacity, remaining));
    jint n = env->CallIntMethod(jstream, read, jbuffer, 0, want);
    CheckJava(env);
    if (n < 0) {
      if (size >= 0) throw std::runtime_error("module stream ended before its announced size");
      break;
    }
    env->GetByteArrayRegion(jbuffer, 0, n, chunk.data());
    CheckJava(env);
    bytes.append(reinterpret_cast<const char*>(chunk.data()), static_cast<size_t>(n));
    remaining -= n;
  }
  std::istringstream in(bytes);
  const c10::Device device = DeviceFromJava(env, jdevice);
  torch::jit::Module module =
      map_location == JNI_TRUE ? torch::jit::load(in, device) : torch::jit::load(in, std::nullopt);
  if (map_location != JNI_TRUE) module.to(device);
  return reinterpret_cast<jlong>(new torch::jit::Module(std::move(module)));
  DJLT_END(0)
}
DJLT_NATIVE("moduleLoad", "(Ljava/io/InputStream;[IZ[BJ)J", moduleLoadStream)

// Saves the module to a Java OutputStream through the caller's buffer; with write_size, an 8-byte big-endian length
// first (what DataInputStream.readLong reads back in JniUtils.loadModuleHandle).
void moduleWrite(JNIEnv* env, jobject, jlong handle, jobject jstream, jbyteArray jbuffer, jboolean write_size) {
  DJLT_BEGIN
  std::ostringstream out;
  M(handle).save(out);
  const std::string bytes = out.str();
  jclass cls = env->GetObjectClass(jstream);
  CheckJava(env);
  jmethodID write = env->GetMethodID(cls, "write", "([BII)V");
  CheckJava(env);
  const jint capacity = env->GetArrayLength(jbuffer);
  if (write_size == JNI_TRUE) {
    jbyte len[8];
    const uint64_t n = bytes.size();
    for (int i = 0; i < 8; ++i) len[i] = static_cast<jbyte>((n >> (56 - 8 * i)) & 0xFF);
    env->SetByteArrayRegion(jbuffer, 0, 8, len);
    env->CallVoidMethod(jstream, write, jbuffer, 0, 8);
    CheckJava(env);
  }
  for (size_t pos = 0; pos < bytes.size();) {
    jint n = static_cast<jint>(std::min<size_t>(static_cast<size_t>(capacity), bytes.size() - pos));
    env->SetByteArrayRegion(jbuffer, 0, n, reinterpret_cast<const jbyte*>(bytes.data() + pos));
    env->CallVoidMethod(jstream, write, jbuffer, 0, n);
    CheckJava(env);
    pos += static_cast<size_t>(n);
  }
  DJLT_END_VOID
}
DJLT_NATIVE("moduleWrite", "(JLjava/io/OutputStream;[BZ)V", moduleWrite)

void moduleEval(JNIEnv* env, jobject, jlong handle) {
  DJLT_BEGIN
  M(handle).eval();
  DJLT_END_VOID
}
DJLT_NATIVE("moduleEval", "(J)V", moduleEval)

void moduleTrain(JNIEnv* env, jobject, jlong handle) {
  DJLT_BEGIN
  M(handle).train(true);
  DJLT_END_VOID
}
DJLT_NATIVE("moduleTrain", "(J)V", moduleTrain)

c10::IValue RunMethod(torch::jit::Module& module, const std::string& name, std::vector<c10::IValue>& inputs,
    bool train) {
  torch::jit::Method method = module.get_method(name);
  if (train) return method(inputs);
  if (UseInferenceMode()) {
    c10::InferenceMode guard;
    return method(inputs);
  }
  torch::NoGradGuard guard;
  return method(inputs);
}

// Runs a method (DJL: "forward" unless an input is named "module_method:NAME"). Without training, autograd is off.
// With separate_stream (-Dai.djl.pytorch.enable_cuda_stream=true) a CUDA call runs on a stream from libtorch's
// pool and waits for it before returning, so concurrent predictors do not serialise on the default stream.
jlong moduleRunMethod(JNIEnv* env, jobject, jlong handle, jstring jname, jlongArray jinputs, jboolean is_train,
    jboolean separate_stream) {
  DJLT_BEGIN
  torch::jit::Module& module = M(handle);
  const std::string name = StringFromJava(env, jname);
  std::vector<c10::IValue> inputs;
  for (int64_t h : LongVec(env, jinputs)) inputs.push_back(IV(h));
  c10::IValue result;
#ifdef DJLT_WITH_CUDA
  std::optional<c10::Device> cuda_device;
  if (separate_stream == JNI_TRUE) {
    for (const auto& v : inputs) {
      if (v.isTensor() && v.toTensor().is_cuda()) {
        cuda_device = v.toTensor().device();
        break;
      }
    }
  }
  if (cuda_device) {
    c10::cuda::CUDAStream stream = c10::cuda::getStreamFromPool(false, cuda_device->index());
    // The inputs were written on the current stream: let that work finish before the pool stream reads them.
    c10::cuda::getCurrentCUDAStream(cuda_device->index()).synchronize();
    {
      c10::cuda::CUDAStreamGuard guard(stream);
      result = RunMethod(module, name, inputs, is_train == JNI_TRUE);
    }
    stream.synchronize();
  } else {
    result = RunMethod(module, name, inputs, is_train == JNI_TRUE);
  }
#else
  (void) separate_stream;
  result = RunMethod(module, name, inputs, is_train == JNI_TRUE);
#endif
  return HI(std::move(result));
  DJLT_END(0)
}
DJLT_NATIVE("moduleRunMethod", "(JLjava/lang/String;[JZZ)J", moduleRunMethod)

jlongArray moduleGetParams(JNIEnv* env, jobject, jlong handle) {
  DJLT_BEGIN
  std::vector<at::Tensor> params;
  for (const auto& p : M(handle).parameters()) params.push_back(p);
  return TensorHandles(env, params);
  DJLT_END(nullptr)
}
DJLT_NATIVE("moduleGetParams", "(J)[J", moduleGetParams)

jobjectArray moduleGetParamNames(JNIEnv* env, jobject, jlong handle) {
  DJLT_BEGIN
  std::vector<std::string> names;
  for (const auto& p : M(handle).named_parameters()) names.push_back(p.name);
  return ToJStringArray(env, names);
  DJLT_END(nullptr)
}
DJLT_NATIVE("moduleGetParamNames", "(J)[Ljava/lang/String;", moduleGetParamNames)

jobjectArray moduleGetMethodNames(JNIEnv* env, jobject, jlong handle) {
  DJLT_BEGIN
  std::vector<std::string> names;
  for (const auto& m : M(handle).get_methods()) names.push_back(m.name());
  return ToJStringArray(env, names);
  DJLT_END(nullptr)
}
DJLT_NATIVE("moduleGetMethodNames", "(J)[Ljava/lang/String;", moduleGetMethodNames)

void torchDeleteModule(JNIEnv* env, jobject, jlong handle) {
  DJLT_BEGIN
  delete reinterpret_cast<torch::jit::Module*>(handle);
  DJLT_END_VOID
}
DJLT_NATIVE("torchDeleteModule", "(J)V", torchDeleteModule)

}  // namespace
}  // namespace djlt
