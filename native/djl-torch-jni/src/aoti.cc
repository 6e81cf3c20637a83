// SwiftVR's compiled chunk function beside the TorchScript module (issue 28): loads an AOTInductor package (.pt2,
// written by model/swiftvr/compiled.py) and runs it on a list of tensors, for io.swiftvr.udf.model.CompiledChunk
// (not a DJL class). Exported under JNI's standard names, as host_copies.cc: the JVM finds them in this library
// because DJL's LibUtils, which loads it, and CompiledChunk share a class loader. With DJL's published JNI the Java
// side sees UnsatisfiedLinkError and runs the TorchScript module.
//
// The package holds no weights: load() hands it the TorchScript module's own parameters and buffers, matched by
// name (the package's constant "restorer.X" is the module's "X"), as user-managed constants, so both paths share
// one copy of them on the device.
#include "djlt.h"

#include <torch/csrc/inductor/aoti_package/model_package_loader.h>

#include <memory>
#include <unordered_map>

namespace djlt {
namespace {

// The prefix compiled.MiddleChunk puts before the restorer's own names (its attribute `restorer`).
constexpr const char* kConstantPrefix = "restorer.";

struct CompiledChunk {
  std::unique_ptr<torch::inductor::AOTIModelPackageLoader> loader;
};

CompiledChunk& C(jlong handle) {
  if (handle == 0) throw std::invalid_argument("null compiled chunk handle");
  return *reinterpret_cast<CompiledChunk*>(handle);
}

std::unordered_map<std::string, at::Tensor> ModuleTensors(const torch::jit::Module& module) {
  std::unordered_map<std::string, at::Tensor> tensors;
  for (const auto& p : module.named_parameters(true)) tensors.emplace(p.name, p.value);
  for (const auto& b : module.named_buffers(true)) tensors.emplace(b.name, b.value);
  return tensors;
}

}  // namespace
}  // namespace djlt

using namespace djlt;

extern "C" {

// Loads the package at `path` for CUDA device `device` (-1: CPU) and gives it the weights of the TorchScript
// module `module` (a DJL module handle). Throws (EngineException) naming the package and the reason: a package
// built for another architecture or libtorch, or a constant the module does not have.
JNIEXPORT jlong JNICALL Java_io_swiftvr_udf_model_CompiledChunk_load(
    JNIEnv* env, jclass, jstring jpath, jlong module_handle, jint device) {
  DJLT_BEGIN
  const std::string path = StringFromJava(env, jpath);
  const torch::jit::Module& module = M(module_handle);
  auto chunk = std::make_unique<CompiledChunk>();
  chunk->loader = std::make_unique<torch::inductor::AOTIModelPackageLoader>(
      path, "model", false, 1, static_cast<c10::DeviceIndex>(device));
  const auto tensors = ModuleTensors(module);
  std::unordered_map<std::string, at::Tensor> constants;
  const std::string prefix = kConstantPrefix;
  for (const std::string& fqn : chunk->loader->get_constant_fqns()) {
    const std::string name = fqn.rfind(prefix, 0) == 0 ? fqn.substr(prefix.size()) : fqn;
    auto it = tensors.find(name);
    if (it == tensors.end()) {
      throw std::runtime_error(path + ": the package's constant " + fqn + " is not a parameter or buffer ('" + name +
                               "') of the TorchScript module");
    }
    constants.emplace(fqn, it->second);
  }
  // check_full_update: every constant given; user_managed: the package uses these tensors, it copies nothing
  chunk->loader->load_constants(constants, false, true, true);
  return reinterpret_cast<jlong>(chunk.release());
  DJLT_END(0)
}

// Runs the package on the tensors (DJL NDArray handles) on the current CUDA stream; returns new tensor handles.
JNIEXPORT jlongArray JNICALL Java_io_swiftvr_udf_model_CompiledChunk_run(
    JNIEnv* env, jclass, jlong handle, jlongArray jinputs) {
  DJLT_BEGIN
  CompiledChunk& chunk = C(handle);
  std::vector<at::Tensor> inputs = TensorsFromHandles(env, jinputs);
  torch::NoGradGuard guard;  // not InferenceMode: the states go on to the TorchScript module of a stream's last chunk
  std::vector<at::Tensor> outputs = chunk.loader->run(inputs);
  return TensorHandles(env, outputs);
  DJLT_END(nullptr)
}

JNIEXPORT void JNICALL Java_io_swiftvr_udf_model_CompiledChunk_free(JNIEnv* env, jclass, jlong handle) {
  DJLT_BEGIN
  delete reinterpret_cast<CompiledChunk*>(handle);
  DJLT_END_VOID
}

}  // extern "C"
