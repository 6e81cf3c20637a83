// Engine-wide settings: grad mode, threads, seeds, feature discovery (CUDA, cuDNN, ...), CUDA cache.
#include "djlt.h"

#include <torch/csrc/jit/python/update_graph_executor_opt.h>

#ifdef DJLT_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace djlt {
namespace {

jboolean torchIsGradMode(JNIEnv* env, jobject) {
  DJLT_BEGIN
  return c10::GradMode::is_enabled() ? JNI_TRUE : JNI_FALSE;
  DJLT_END(JNI_FALSE)
}
DJLT_NATIVE("torchIsGradMode", "()Z", torchIsGradMode)

void torchSetGradMode(JNIEnv* env, jobject, jboolean enable) {
  DJLT_BEGIN
  c10::GradMode::set_enabled(enable == JNI_TRUE);
  DJLT_END_VOID
}
DJLT_NATIVE("torchSetGradMode", "(Z)V", torchSetGradMode)

jint torchGetNumInteropThreads(JNIEnv* env, jobject) {
  DJLT_BEGIN
  return static_cast<jint>(at::get_num_interop_threads());
  DJLT_END(0)
}
DJLT_NATIVE("torchGetNumInteropThreads", "()I", torchGetNumInteropThreads)

jint torchGetNumThreads(JNIEnv* env, jobject) {
  DJLT_BEGIN
  return static_cast<jint>(at::get_num_threads());
  DJLT_END(0)
}
DJLT_NATIVE("torchGetNumThreads", "()I", torchGetNumThreads)

void torchSetNumInteropThreads(JNIEnv* env, jobject, jint threads) {
  DJLT_BEGIN
  at::set_num_interop_threads(threads);
  DJLT_END_VOID
}
DJLT_NATIVE("torchSetNumInteropThreads", "(I)V", torchSetNumInteropThreads)

void torchSetNumThreads(JNIEnv* env, jobject, jint threads) {
  DJLT_BEGIN
  at::set_num_threads(threads);
  DJLT_END_VOID
}
DJLT_NATIVE("torchSetNumThreads", "(I)V", torchSetNumThreads)

void torchSetBenchmarkCuDNN(JNIEnv* env, jobject, jboolean enable) {
  DJLT_BEGIN
  at::globalContext().setBenchmarkCuDNN(enable == JNI_TRUE);
  DJLT_END_VOID
}
DJLT_NATIVE("torchSetBenchmarkCuDNN", "(Z)V", torchSetBenchmarkCuDNN)

void torchManualSeed(JNIEnv* env, jobject, jlong seed) {
  DJLT_BEGIN
  torch::manual_seed(static_cast<uint64_t>(seed));  // seeds the CPU and every CUDA generator
  DJLT_END_VOID
}
DJLT_NATIVE("torchManualSeed", "(J)V", torchManualSeed)

// Fills DJL's feature set; PtEngine.hasCapability("CUDA") (and so Engine.getGpuCount) reads it.
void torchShowConfig(JNIEnv* env, jobject, jobject jset) {
  DJLT_BEGIN
  jclass set_class = env->GetObjectClass(jset);
  CheckJava(env);
  jmethodID add = env->GetMethodID(set_class, "add", "(Ljava/lang/Object;)Z");
  CheckJava(env);
  auto put = [&](const char* feature) {
    jstring s = env->NewStringUTF(feature);
    CheckJava(env);
    env->CallBooleanMethod(jset, add, s);
    env->DeleteLocalRef(s);
    CheckJava(env);
  };
  if (torch::cuda::is_available()) put("CUDA");
  if (torch::cuda::cudnn_is_available()) put("CUDNN");
  if (at::hasMKL()) put("MKL");
  if (at::hasMKLDNN()) put("MKLDNN");
  if (at::hasOpenMP()) put("OPENMP");
  DJLT_END_VOID
}
DJLT_NATIVE("torchShowConfig", "(Ljava/util/Set;)V", torchShowConfig)

void torchCudaEmptyCache(JNIEnv* env, jobject) {
  DJLT_BEGIN
#ifdef DJLT_WITH_CUDA
  if (torch::cuda::is_available()) c10::cuda::CUDACachingAllocator::emptyCache();
#endif
  DJLT_END_VOID
}
DJLT_NATIVE("torchCudaEmptyCache", "()V", torchCudaEmptyCache)

void setGraphExecutorOptimize(JNIEnv* env, jobject, jboolean enabled) {
  DJLT_BEGIN
  torch::jit::setGraphExecutorOptimize(enabled == JNI_TRUE);
  DJLT_END_VOID
}
DJLT_NATIVE("setGraphExecutorOptimize", "(Z)V", setGraphExecutorOptimize)

}  // namespace
}  // namespace djlt
