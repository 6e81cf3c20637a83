// Tensors: creation (from Java direct buffers and factories), metadata, data access, device/dtype moves, gradients
// and indexing.
#include "djlt.h"

namespace djlt {
namespace {

// ----------------------------------------------------------------------------------------------------------------
// Metadata and data access

jlongArray torchSizes(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return ToJLongArray(env, T(h).sizes().vec());
  DJLT_END(nullptr)
}
DJLT_NATIVE("torchSizes", "(J)[J", torchSizes)

jint torchDType(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return DjlFromScalarType(T(h).scalar_type());
  DJLT_END(kDjlUnknown)
}
DJLT_NATIVE("torchDType", "(J)I", torchDType)

jintArray torchDevice(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return DeviceToJava(env, T(h).device());
  DJLT_END(nullptr)
}
DJLT_NATIVE("torchDevice", "(J)[I", torchDevice)

jint torchLayout(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  switch (T(h).layout()) {
    case at::kStrided: return 0;
    case at::kSparse: return 1;
    case at::kMkldnn: return 2;
    default: throw std::invalid_argument("tensor layout not supported by DJL");
  }
  DJLT_END(0)
}
DJLT_NATIVE("torchLayout", "(J)I", torchLayout)

jboolean torchIsContiguous(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return T(h).is_contiguous() ? JNI_TRUE : JNI_FALSE;
  DJLT_END(JNI_FALSE)
}
DJLT_NATIVE("torchIsContiguous", "(J)Z", torchIsContiguous)

jlong torchToContiguous(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return H(T(h).contiguous());
  DJLT_END(0)
}
DJLT_NATIVE("torchToContiguous", "(J)J", torchToContiguous)

// A CPU, dense, contiguous view (or copy) of the tensor whose bytes Java can read.
at::Tensor HostDense(const at::Tensor& t) {
  at::Tensor out = t;
  if (out.layout() == at::kMkldnn) out = out.to_dense();
  if (out.is_sparse()) out = out.to_dense();
  if (!out.device().is_cpu()) out = out.to(at::kCPU);
  return out.contiguous();
}

// A copy of the tensor's bytes (CPU; DJL moves GPU tensors to the CPU first).
jbyteArray torchDataPtr(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  at::Tensor t = HostDense(T(h));
  const size_t nbytes = t.nbytes();
  jbyteArray out = env->NewByteArray(static_cast<jsize>(nbytes));
  CheckJava(env);
  if (nbytes > 0) {
    env->SetByteArrayRegion(out, 0, static_cast<jsize>(nbytes), static_cast<const jbyte*>(t.const_data_ptr()));
  }
  return out;
  DJLT_END(nullptr)
}
DJLT_NATIVE("torchDataPtr", "(J)[B", torchDataPtr)

// A direct ByteBuffer over the tensor's own memory: no copy. DJL calls it only for contiguous dense CPU tensors
// and keeps the array alive while the buffer is used.
jobject torchDirectByteBuffer(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  at::Tensor& t = T(h);
  if (!t.device().is_cpu() || t.layout() != at::kStrided || !t.is_contiguous()) {
    throw std::invalid_argument("direct buffers need a contiguous dense CPU tensor");
  }
  static char empty_region[1];
  const size_t nbytes = t.nbytes();
  void* data = nbytes == 0 ? static_cast<void*>(empty_region) : t.mutable_data_ptr();
  jobject buffer = env->NewDirectByteBuffer(data, static_cast<jlong>(nbytes));
  CheckJava(env);
  return buffer;
  DJLT_END(nullptr)
}
DJLT_NATIVE("torchDirectByteBuffer", "(J)Ljava/nio/ByteBuffer;", torchDirectByteBuffer)

void torchDeleteTensor(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  delete reinterpret_cast<at::Tensor*>(h);
  DJLT_END_VOID
}
DJLT_NATIVE("torchDeleteTensor", "(J)V", torchDeleteTensor)

// ----------------------------------------------------------------------------------------------------------------
// Creation

// A tensor over a Java direct buffer. On the CPU with the dense layout the tensor borrows the buffer's memory (DJL
// keeps the buffer referenced from the NDArray); anything else (GPU, sparse, MKL-DNN) is copied here, because
// DJL then drops its reference to the buffer.
jlong torchFromBlob(JNIEnv* env, jobject, jobject jbuffer, jlongArray jshape, jint dtype, jint layout,
    jintArray jdevice, jboolean requires_grad) {
  DJLT_BEGIN
  const std::vector<int64_t> shape = LongVec(env, jshape);
  const at::ScalarType type = RequireScalarType(dtype);
  const c10::Device device = DeviceFromJava(env, jdevice);
  int64_t numel = 1;
  for (int64_t d : shape) numel *= d;
  at::Tensor t;
  if (numel == 0) {
    t = at::empty(shape, at::TensorOptions().dtype(type).device(device));
  } else {
    void* data = jbuffer == nullptr ? nullptr : env->GetDirectBufferAddress(jbuffer);
    if (data == nullptr) throw std::invalid_argument("torchFromBlob needs a direct ByteBuffer");
    const jlong capacity = env->GetDirectBufferCapacity(jbuffer);
    const int64_t need = numel * static_cast<int64_t>(c10::elementSize(type));
    if (capacity >= 0 && capacity < need) {
      throw std::invalid_argument("buffer holds " + std::to_string(capacity) + " bytes, the tensor needs " +
                                  std::to_string(need));
    }
    t = at::from_blob(data, shape, at::TensorOptions().dtype(type).device(at::kCPU));
    if (!device.is_cpu()) {
      t = t.to(device);  // synchronous copy: the Java buffer may be reused as soon as this returns
    } else if (layout != 0) {
      t = t.clone();
    }
  }
  return H(Finish(std::move(t), layout, requires_grad));
  DJLT_END(0)
}
DJLT_NATIVE("torchFromBlob", "(Ljava/nio/ByteBuffer;[JII[IZ)J", torchFromBlob)

// Copies a direct buffer's bytes into an existing tensor (NDArray.set).
void torchSet(JNIEnv* env, jobject, jlong h, jobject jbuffer) {
  DJLT_BEGIN
  at::Tensor& t = T(h);
  if (t.numel() == 0) return;
  void* data = env->GetDirectBufferAddress(jbuffer);
  if (data == nullptr) throw std::invalid_argument("torchSet needs a direct ByteBuffer");
  const jlong capacity = env->GetDirectBufferCapacity(jbuffer);
  if (capacity >= 0 && static_cast<size_t>(capacity) < t.nbytes()) throw std::invalid_argument("buffer too small");
  at::Tensor src = at::from_blob(data, t.sizes(), at::TensorOptions().dtype(t.scalar_type()).device(at::kCPU));
  t.copy_(src);
  DJLT_END_VOID
}
DJLT_NATIVE("torchSet", "(JLjava/nio/ByteBuffer;)V", torchSet)

#define DJLT_FACTORY(jname, sig, params, expr)                                                   \
  jlong jname params {                                                                             \
    DJLT_BEGIN                                                                                     \
    const at::TensorOptions options = CreationOptions(env, dtype, layout, jdevice, requires_grad); \
    return H(Finish(expr, layout, requires_grad));                                                 \
    DJLT_END(0)                                                                                    \
  }                                                                                                \
  DJLT_NATIVE(#jname, sig, jname)

DJLT_FACTORY(torchEmpty, "([JII[IZ)J",
    (JNIEnv* env, jobject, jlongArray shape, jint dtype, jint layout, jintArray jdevice, jboolean requires_grad),
    at::empty(LongVec(env, shape), options))
DJLT_FACTORY(torchZeros, "([JII[IZ)J",
    (JNIEnv* env, jobject, jlongArray shape, jint dtype, jint layout, jintArray jdevice, jboolean requires_grad),
    at::zeros(LongVec(env, shape), options))
DJLT_FACTORY(torchOnes, "([JII[IZ)J",
    (JNIEnv* env, jobject, jlongArray shape, jint dtype, jint layout, jintArray jdevice, jboolean requires_grad),
    at::ones(LongVec(env, shape), options))
DJLT_FACTORY(torchFull, "([JDII[IZ)J",
    (JNIEnv* env, jobject, jlongArray shape, jdouble value, jint dtype, jint layout, jintArray jdevice,
        jboolean requires_grad),
    at::full(LongVec(env, shape), value, options))
DJLT_FACTORY(torchZerosLike, "(JII[IZ)J",
    (JNIEnv* env, jobject, jlong h, jint dtype, jint layout, jintArray jdevice, jboolean requires_grad),
    at::zeros_like(T(h), options))
DJLT_FACTORY(torchOnesLike, "(JII[IZ)J",
    (JNIEnv* env, jobject, jlong h, jint dtype, jint layout, jintArray jdevice, jboolean requires_grad),
    at::ones_like(T(h), options))
DJLT_FACTORY(torchArange, "(FFFII[IZ)J",
    (JNIEnv* env, jobject, jfloat start, jfloat end, jfloat step, jint dtype, jint layout, jintArray jdevice,
        jboolean requires_grad),
    at::arange(start, end, step, options))
DJLT_FACTORY(torchLinspace, "(FFIII[IZ)J",
    (JNIEnv* env, jobject, jfloat start, jfloat end, jint steps, jint dtype, jint layout, jintArray jdevice,
        jboolean requires_grad),
    at::linspace(start, end, steps, options))
DJLT_FACTORY(torchEye, "(IIII[IZ)J",
    (JNIEnv* env, jobject, jint n, jint m, jint dtype, jint layout, jintArray jdevice, jboolean requires_grad),
    at::eye(n, m, options))
DJLT_FACTORY(torchRandint, "(JJ[JII[IZ)J",
    (JNIEnv* env, jobject, jlong low, jlong high, jlongArray shape, jint dtype, jint layout, jintArray jdevice,
        jboolean requires_grad),
    at::randint(low, high, LongVec(env, shape), options))
DJLT_FACTORY(torchRandPerm, "(JII[IZ)J",
    (JNIEnv* env, jobject, jlong n, jint dtype, jint layout, jintArray jdevice, jboolean requires_grad),
    at::randperm(n, options))
DJLT_FACTORY(torchNormal, "(DD[JII[IZ)J",
    (JNIEnv* env, jobject, jdouble mean, jdouble std, jlongArray shape, jint dtype, jint layout, jintArray jdevice,
        jboolean requires_grad),
    at::empty(LongVec(env, shape), options).normal_(mean, std))
DJLT_FACTORY(tensorUniform, "(DD[JII[IZ)J",
    (JNIEnv* env, jobject, jdouble low, jdouble high, jlongArray shape, jint dtype, jint layout, jintArray jdevice,
        jboolean requires_grad),
    at::empty(LongVec(env, shape), options).uniform_(low, high))

jlong torchHannWindow(JNIEnv* env, jobject, jlong length, jboolean periodic, jintArray jdevice) {
  DJLT_BEGIN
  return H(at::hann_window(length, periodic == JNI_TRUE, at::TensorOptions().device(DeviceFromJava(env, jdevice))));
  DJLT_END(0)
}
DJLT_NATIVE("torchHannWindow", "(JZ[I)J", torchHannWindow)

jlong torchSparseCoo(JNIEnv* env, jobject, jlongArray shape, jlong indices, jlong values, jboolean requires_grad) {
  DJLT_BEGIN
  at::Tensor t = at::sparse_coo_tensor(T(indices), T(values), LongVec(env, shape));
  if (requires_grad == JNI_TRUE) t.requires_grad_(true);
  return H(t);
  DJLT_END(0)
}
DJLT_NATIVE("torchSparseCoo", "([JJJZ)J", torchSparseCoo)

// ----------------------------------------------------------------------------------------------------------------
// Conversion and copies

// Device and/or dtype move (NDArray.toDevice, toType). Returns the same storage when nothing changes, as
// Tensor.to does; DJL owns the new handle either way.
jlong torchTo(JNIEnv* env, jobject, jlong h, jint dtype, jintArray jdevice) {
  DJLT_BEGIN
  at::Tensor& t = T(h);
  const c10::Device device = DeviceFromJava(env, jdevice);
  const auto type = ScalarTypeFromDjl(dtype);
  return H(t.to(device, type ? *type : t.scalar_type(), /*non_blocking=*/false, /*copy=*/false));
  DJLT_END(0)
}
DJLT_NATIVE("torchTo", "(JI[I)J", torchTo)

jlong tensorClone(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return H(T(h).clone());
  DJLT_END(0)
}
DJLT_NATIVE("tensorClone", "(J)J", tensorClone)

jlong torchToSparse(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return H(T(h).to_sparse());
  DJLT_END(0)
}
DJLT_NATIVE("torchToSparse", "(J)J", torchToSparse)

jlong torchToDense(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return H(T(h).to_dense());
  DJLT_END(0)
}
DJLT_NATIVE("torchToDense", "(J)J", torchToDense)

// ----------------------------------------------------------------------------------------------------------------
// Gradients

jboolean torchRequiresGrad(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return T(h).requires_grad() ? JNI_TRUE : JNI_FALSE;
  DJLT_END(JNI_FALSE)
}
DJLT_NATIVE("torchRequiresGrad", "(J)Z", torchRequiresGrad)

jstring torchGradFnName(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  const auto& fn = T(h).grad_fn();
  if (!fn) return nullptr;
  return env->NewStringUTF(fn->name().c_str());
  DJLT_END(nullptr)
}
DJLT_NATIVE("torchGradFnName", "(J)Ljava/lang/String;", torchGradFnName)

void torchAttachGrad(JNIEnv* env, jobject, jlong h, jboolean requires_grad) {
  DJLT_BEGIN
  T(h).requires_grad_(requires_grad == JNI_TRUE);
  DJLT_END_VOID
}
DJLT_NATIVE("torchAttachGrad", "(JZ)V", torchAttachGrad)

jlong torchGrad(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  const at::Tensor& g = T(h).grad();
  return g.defined() ? H(g) : 0;
  DJLT_END(0)
}
DJLT_NATIVE("torchGrad", "(J)J", torchGrad)

jlong torchDetachGrad(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return H(T(h).detach());
  DJLT_END(0)
}
DJLT_NATIVE("torchDetachGrad", "(J)J", torchDetachGrad)

void torchBackward(JNIEnv* env, jobject, jlong h, jlong grad, jboolean keep_graph, jboolean create_graph) {
  DJLT_BEGIN
  T(h).backward(T(grad), keep_graph == JNI_TRUE, create_graph == JNI_TRUE);
  DJLT_END_VOID
}
DJLT_NATIVE("torchBackward", "(JJZZ)V", torchBackward)

void zeroGrad(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  at::Tensor g = T(h).mutable_grad();
  if (g.defined()) {
    g = g.detach();
    g.zero_();
  }
  DJLT_END_VOID
}
DJLT_NATIVE("zeroGrad", "(J)V", zeroGrad)

// ----------------------------------------------------------------------------------------------------------------
// Indexing

jlong torchGetItem1(JNIEnv* env, jobject, jlong h, jlong index) {
  DJLT_BEGIN
  return H(T(h).index({at::indexing::TensorIndex(static_cast<int64_t>(index))}));
  DJLT_END(0)
}
DJLT_NATIVE("torchGetItem", "(JJ)J", torchGetItem1)

jlong torchGetItemN(JNIEnv* env, jobject, jlong h, jlongArray jindices) {
  DJLT_BEGIN
  TensorIndexList idx;
  for (int64_t i : LongVec(env, jindices)) idx.emplace_back(i);
  return H(T(h).index(idx));
  DJLT_END(0)
}
DJLT_NATIVE("torchGetItem", "(J[J)J", torchGetItemN)

TensorIndexList Slices(JNIEnv* env, jlongArray jmin, jlongArray jmax, jlongArray jstep) {
  auto mins = LongVec(env, jmin);
  auto maxs = LongVec(env, jmax);
  auto steps = LongVec(env, jstep);
  if (mins.size() != maxs.size() || mins.size() != steps.size()) throw std::invalid_argument("slice arrays differ");
  TensorIndexList idx;
  for (size_t i = 0; i < mins.size(); ++i) idx.emplace_back(at::indexing::Slice(mins[i], maxs[i], steps[i]));
  return idx;
}

jlong torchIndex(JNIEnv* env, jobject, jlong h, jlongArray jmin, jlongArray jmax, jlongArray jstep) {
  DJLT_BEGIN
  return H(T(h).index(Slices(env, jmin, jmax, jstep)));
  DJLT_END(0)
}
DJLT_NATIVE("torchIndex", "(J[J[J[J)J", torchIndex)

void torchIndexPut(JNIEnv* env, jobject, jlong h, jlong value, jlongArray jmin, jlongArray jmax, jlongArray jstep) {
  DJLT_BEGIN
  T(h).index_put_(Slices(env, jmin, jmax, jstep), T(value));
  DJLT_END_VOID
}
DJLT_NATIVE("torchIndexPut", "(JJ[J[J[J)V", torchIndexPut)

// Advanced indexing: Java builds a list of index elements, then gets or puts with it.
jlong torchIndexInit(JNIEnv* env, jobject, jint size) {
  DJLT_BEGIN
  auto* idx = new TensorIndexList();
  idx->reserve(static_cast<size_t>(size > 0 ? size : 0));
  return reinterpret_cast<jlong>(idx);
  DJLT_END(0)
}
DJLT_NATIVE("torchIndexInit", "(I)J", torchIndexInit)

void torchDeleteIndex(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  delete reinterpret_cast<TensorIndexList*>(h);
  DJLT_END_VOID
}
DJLT_NATIVE("torchDeleteIndex", "(J)V", torchDeleteIndex)

void torchIndexAppendNoneEllipsis(JNIEnv* env, jobject, jlong h, jboolean is_ellipsis) {
  DJLT_BEGIN
  if (is_ellipsis == JNI_TRUE) {
    IDX(h).emplace_back(at::indexing::Ellipsis);
  } else {
    IDX(h).emplace_back(at::indexing::None);
  }
  DJLT_END_VOID
}
DJLT_NATIVE("torchIndexAppendNoneEllipsis", "(JZ)V", torchIndexAppendNoneEllipsis)

// null_bits: 2 = no start, 1 = no stop (both may be set).
void torchIndexAppendSlice(JNIEnv* env, jobject, jlong h, jlong start, jlong stop, jlong step, jint null_bits) {
  DJLT_BEGIN
  std::optional<c10::SymInt> s = (null_bits & 2) ? std::nullopt : std::optional<c10::SymInt>(c10::SymInt(start));
  std::optional<c10::SymInt> e = (null_bits & 1) ? std::nullopt : std::optional<c10::SymInt>(c10::SymInt(stop));
  IDX(h).emplace_back(at::indexing::Slice(s, e, c10::SymInt(step)));
  DJLT_END_VOID
}
DJLT_NATIVE("torchIndexAppendSlice", "(JJJJI)V", torchIndexAppendSlice)

void torchIndexAppendFixed(JNIEnv* env, jobject, jlong h, jlong index) {
  DJLT_BEGIN
  IDX(h).emplace_back(static_cast<int64_t>(index));
  DJLT_END_VOID
}
DJLT_NATIVE("torchIndexAppendFixed", "(JJ)V", torchIndexAppendFixed)

void torchIndexAppendArray(JNIEnv* env, jobject, jlong h, jlong array) {
  DJLT_BEGIN
  IDX(h).emplace_back(T(array));
  DJLT_END_VOID
}
DJLT_NATIVE("torchIndexAppendArray", "(JJ)V", torchIndexAppendArray)

jlong torchIndexAdvGet(JNIEnv* env, jobject, jlong h, jlong index) {
  DJLT_BEGIN
  return H(T(h).index(IDX(index)));
  DJLT_END(0)
}
DJLT_NATIVE("torchIndexAdvGet", "(JJ)J", torchIndexAdvGet)

void torchIndexAdvPut(JNIEnv* env, jobject, jlong h, jlong index, jlong data) {
  DJLT_BEGIN
  T(h).index_put_(IDX(index), T(data));
  DJLT_END_VOID
}
DJLT_NATIVE("torchIndexAdvPut", "(JJJ)V", torchIndexAdvPut)

}  // namespace
}  // namespace djlt
