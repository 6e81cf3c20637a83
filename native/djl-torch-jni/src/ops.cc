// NDArray operators whose DJL semantics map one to one onto a libtorch call: element-wise math, comparisons,
// reductions, shape changes, a few activations. Each returns a new tensor handle (the "...i" variants work in
// place).
#include "djlt.h"

namespace djlt {
namespace {

#define DJLT_UNARY_AS(fn, javaName, expr)   \
  jlong fn(JNIEnv* env, jobject, jlong h) { \
    DJLT_BEGIN                              \
    const at::Tensor& t = T(h);             \
    return H(expr);                         \
    DJLT_END(0)                             \
  }                                         \
  DJLT_NATIVE(javaName, "(J)J", fn)
#define DJLT_UNARY(jname, expr) DJLT_UNARY_AS(jname, #jname, expr)

#define DJLT_BINARY(jname, expr)                         \
  jlong jname(JNIEnv* env, jobject, jlong ha, jlong hb) { \
    DJLT_BEGIN                                           \
    const at::Tensor& a = T(ha);                         \
    const at::Tensor& b = T(hb);                         \
    return H(expr);                                      \
    DJLT_END(0)                                          \
  }                                                      \
  DJLT_NATIVE(#jname, "(JJ)J", jname)

#define DJLT_INPLACE2(jname, stmt)                      \
  void jname(JNIEnv* env, jobject, jlong ha, jlong hb) { \
    DJLT_BEGIN                                          \
    at::Tensor& a = T(ha);                              \
    const at::Tensor& b = T(hb);                        \
    stmt;                                               \
    DJLT_END_VOID                                       \
  }                                                     \
  DJLT_NATIVE(#jname, "(JJ)V", jname)

#define DJLT_INPLACE1(jname, stmt)            \
  void jname(JNIEnv* env, jobject, jlong h) { \
    DJLT_BEGIN                                \
    at::Tensor& a = T(h);                     \
    stmt;                                     \
    DJLT_END_VOID                             \
  }                                           \
  DJLT_NATIVE(#jname, "(J)V", jname)

// Arithmetic
DJLT_BINARY(torchAdd, a.add(b))
DJLT_BINARY(torchSub, a.sub(b))
DJLT_BINARY(torchMul, a.mul(b))
DJLT_BINARY(torchTrueDivide, a.div(b))
DJLT_BINARY(torchRemainder, a.remainder(b))
DJLT_BINARY(torchPow, a.pow(b))
DJLT_BINARY(torchMaximum, at::maximum(a, b))
DJLT_BINARY(torchMinimum, at::minimum(a, b))
DJLT_BINARY(torchMatmul, a.matmul(b))
DJLT_BINARY(torchBmm, a.bmm(b))
DJLT_BINARY(torchDot, a.dot(b))
DJLT_BINARY(torchXLogY, at::xlogy(a, b))
DJLT_BINARY(torchAtan2, a.atan2(b))
DJLT_INPLACE2(torchAddi, a.add_(b))
DJLT_INPLACE2(torchSubi, a.sub_(b))
DJLT_INPLACE2(torchMuli, a.mul_(b))
DJLT_INPLACE2(torchTrueDividei, a.div_(b))
DJLT_INPLACE2(torchRemainderi, a.remainder_(b))
DJLT_INPLACE2(torchPowi, a.pow_(b))
DJLT_INPLACE1(torchSigni, a.sign_())
DJLT_INPLACE1(torchNegi, a.neg_())

// Logic and comparison
DJLT_BINARY(torchLogicalAnd, at::logical_and(a, b))
DJLT_BINARY(torchLogicalOr, at::logical_or(a, b))
DJLT_BINARY(torchLogicalXor, at::logical_xor(a, b))
DJLT_UNARY(torchLogicalNot, at::logical_not(t))
DJLT_BINARY(torchEq, a.eq(b))
DJLT_BINARY(torchNeq, a.ne(b))
DJLT_BINARY(torchGt, a.gt(b))
DJLT_BINARY(torchGte, a.ge(b))
DJLT_BINARY(torchLt, a.lt(b))
DJLT_BINARY(torchLte, a.le(b))
DJLT_UNARY(torchIsNaN, at::isnan(t))
DJLT_UNARY(torchIsInf, at::isinf(t))
DJLT_UNARY(torchAll, t.all())
DJLT_UNARY(torchAny, t.any())
DJLT_UNARY(torchNone, at::logical_not(t).all())

jboolean contentEqual(JNIEnv* env, jobject, jlong ha, jlong hb) {
  DJLT_BEGIN
  return T(ha).equal(T(hb)) ? JNI_TRUE : JNI_FALSE;
  DJLT_END(JNI_FALSE)
}
DJLT_NATIVE("contentEqual", "(JJ)Z", contentEqual)

// Element-wise math
DJLT_UNARY(torchAbs, t.abs())
DJLT_UNARY(torchSquare, t.square())
DJLT_UNARY(torchFloor, t.floor())
DJLT_UNARY(torchCeil, t.ceil())
DJLT_UNARY(torchRound, t.round())
DJLT_UNARY(torchTrunc, t.trunc())
DJLT_UNARY(torchExp, t.exp())
DJLT_UNARY(torchLgamma, t.lgamma())
DJLT_UNARY(torchLog, t.log())
DJLT_UNARY(torchLog10, t.log10())
DJLT_UNARY(torchLog2, t.log2())
DJLT_UNARY(torchSin, t.sin())
DJLT_UNARY(torchCos, t.cos())
DJLT_UNARY(torchTan, t.tan())
DJLT_UNARY(torchASin, t.asin())
DJLT_UNARY(torchAcos, t.acos())
DJLT_UNARY(torchAtan, t.atan())
DJLT_UNARY(torchSqrt, t.sqrt())
DJLT_UNARY(torchSinh, t.sinh())
DJLT_UNARY(torchCosh, t.cosh())
DJLT_UNARY(torchTanh, t.tanh())
DJLT_UNARY(torchSigmoid, t.sigmoid())
DJLT_UNARY(torchSign, t.sign())
DJLT_UNARY(torchNeg, t.neg())
DJLT_UNARY(torchErf, t.erf())
DJLT_UNARY(torchErfinv, t.erfinv())
DJLT_UNARY(torchInverse, t.inverse())
DJLT_UNARY(conj, t.conj())
DJLT_UNARY(torchViewAsReal, at::view_as_real(t))
DJLT_UNARY(torchViewAsComplex, at::view_as_complex(t))
DJLT_UNARY(torchNonZeros, t.nonzero())

// Activations
DJLT_UNARY(torchNNRelu, at::relu(t))
DJLT_UNARY(torchNNSoftPlus, at::softplus(t))
DJLT_UNARY(torchNNSoftSign, t / (t.abs() + 1))
DJLT_UNARY(torchNNSelu, at::selu(t))
DJLT_UNARY(torchNNGelu, at::gelu(t))

jlong torchNNLeakyRelu(JNIEnv* env, jobject, jlong h, jdouble slope) {
  DJLT_BEGIN
  return H(at::leaky_relu(T(h), slope));
  DJLT_END(0)
}
DJLT_NATIVE("torchNNLeakyRelu", "(JD)J", torchNNLeakyRelu)

jlong torchNNElu(JNIEnv* env, jobject, jlong h, jdouble alpha) {
  DJLT_BEGIN
  return H(at::elu(T(h), alpha));
  DJLT_END(0)
}
DJLT_NATIVE("torchNNElu", "(JD)J", torchNNElu)

jlong torchNNDropout(JNIEnv* env, jobject, jlong h, jdouble p, jboolean training) {
  DJLT_BEGIN
  return H(at::dropout(T(h), p, training == JNI_TRUE));
  DJLT_END(0)
}
DJLT_NATIVE("torchNNDropout", "(JDZ)J", torchNNDropout)

jlong torchNNLinear(JNIEnv* env, jobject, jlong input, jlong weight, jlong bias) {
  DJLT_BEGIN
  std::optional<at::Tensor> b;
  if (bias != 0) b = T(bias);
  return H(at::linear(T(input), T(weight), b));
  DJLT_END(0)
}
DJLT_NATIVE("torchNNLinear", "(JJJ)J", torchNNLinear)

jlong torchNNEmbedding(JNIEnv* env, jobject, jlong input, jlong weight, jboolean sparse) {
  DJLT_BEGIN
  return H(at::embedding(T(weight), T(input), -1, false, sparse == JNI_TRUE));
  DJLT_END(0)
}
DJLT_NATIVE("torchNNEmbedding", "(JJZ)J", torchNNEmbedding)

jlong torchNNOneHot(JNIEnv* env, jobject, jlong h, jint depth) {
  DJLT_BEGIN
  return H(at::one_hot(T(h), depth));
  DJLT_END(0)
}
DJLT_NATIVE("torchNNOneHot", "(JI)J", torchNNOneHot)

jlong torchSoftmax(JNIEnv* env, jobject, jlong h, jlong dim, jint dtype) {
  DJLT_BEGIN
  return H(T(h).softmax(dim, ScalarTypeFromDjl(dtype)));
  DJLT_END(0)
}
DJLT_NATIVE("torchSoftmax", "(JJI)J", torchSoftmax)

jlong torchLogSoftmax(JNIEnv* env, jobject, jlong h, jlong dim, jint dtype) {
  DJLT_BEGIN
  return H(T(h).log_softmax(dim, ScalarTypeFromDjl(dtype)));
  DJLT_END(0)
}
DJLT_NATIVE("torchLogSoftmax", "(JJI)J", torchLogSoftmax)

// Reductions
DJLT_UNARY_AS(torchMaxAll, "torchMax", t.max())
DJLT_UNARY_AS(torchMinAll, "torchMin", t.min())
DJLT_UNARY_AS(torchMeanAll, "torchMean", t.mean())
DJLT_UNARY_AS(torchSumAll, "torchSum", t.sum())
DJLT_UNARY_AS(torchProdAll, "torchProd", t.prod())
DJLT_UNARY_AS(torchArgMaxAll, "torchArgMax", t.argmax())
DJLT_UNARY_AS(torchArgMinAll, "torchArgMin", t.argmin())

#define DJLT_REDUCE_DIM(jname, javaName, expr)                           \
  jlong jname(JNIEnv* env, jobject, jlong h, jlong dim, jboolean keep) { \
    DJLT_BEGIN                                                           \
    const at::Tensor& t = T(h);                                          \
    const bool k = keep == JNI_TRUE;                                     \
    return H(expr);                                                      \
    DJLT_END(0)                                                          \
  }                                                                      \
  DJLT_NATIVE(javaName, "(JJZ)J", jname)

DJLT_REDUCE_DIM(torchMaxDim, "torchMax", std::get<0>(t.max(dim, k)))
DJLT_REDUCE_DIM(torchMinDim, "torchMin", std::get<0>(t.min(dim, k)))
DJLT_REDUCE_DIM(torchMeanDim, "torchMean", t.mean(dim, k))
DJLT_REDUCE_DIM(torchProdDim, "torchProd", t.prod(dim, k))
DJLT_REDUCE_DIM(torchArgMaxDim, "torchArgMax", t.argmax(dim, k))
DJLT_REDUCE_DIM(torchArgMinDim, "torchArgMin", t.argmin(dim, k))

jlong torchSumDims(JNIEnv* env, jobject, jlong h, jlongArray dims, jboolean keep) {
  DJLT_BEGIN
  return H(T(h).sum(LongVec(env, dims), keep == JNI_TRUE));
  DJLT_END(0)
}
DJLT_NATIVE("torchSum", "(J[JZ)J", torchSumDims)

jlong torchCumSum(JNIEnv* env, jobject, jlong h, jlong dim) {
  DJLT_BEGIN
  return H(T(h).cumsum(dim));
  DJLT_END(0)
}
DJLT_NATIVE("torchCumSum", "(JJ)J", torchCumSum)

jlong torchCumProd(JNIEnv* env, jobject, jlong h, jlong dim, jint dtype) {
  DJLT_BEGIN
  std::optional<at::ScalarType> type;
  if (dtype >= 0 && dtype != kDjlUnknown) type = ScalarTypeFromDjl(dtype);
  return H(T(h).cumprod(dim, type));
  DJLT_END(0)
}
DJLT_NATIVE("torchCumProd", "(JJI)J", torchCumProd)

jlong torchSort(JNIEnv* env, jobject, jlong h, jlong dim, jboolean descending) {
  DJLT_BEGIN
  return H(std::get<0>(T(h).sort(dim, descending == JNI_TRUE)));
  DJLT_END(0)
}
DJLT_NATIVE("torchSort", "(JJZ)J", torchSort)

jlong torchDiff(JNIEnv* env, jobject, jlong h, jint n, jint dim) {
  DJLT_BEGIN
  return H(T(h).diff(n, dim));
  DJLT_END(0)
}
DJLT_NATIVE("torchDiff", "(JII)J", torchDiff)

// Shapes
#define DJLT_WITH_LONGS(jname, expr)                              \
  jlong jname(JNIEnv* env, jobject, jlong h, jlongArray jvalues) { \
    DJLT_BEGIN                                                    \
    const at::Tensor& t = T(h);                                   \
    const std::vector<int64_t> v = LongVec(env, jvalues);         \
    return H(expr);                                               \
    DJLT_END(0)                                                   \
  }                                                               \
  DJLT_NATIVE(#jname, "(J[J)J", jname)

DJLT_WITH_LONGS(torchReshape, t.reshape(v))
DJLT_WITH_LONGS(torchExpand, t.expand(v))
DJLT_WITH_LONGS(torchPermute, t.permute(v))
DJLT_WITH_LONGS(torchFlip, t.flip(v))
DJLT_WITH_LONGS(torchRepeat, t.repeat(v))

jlong torchTranspose(JNIEnv* env, jobject, jlong h, jlong d0, jlong d1) {
  DJLT_BEGIN
  return H(T(h).transpose(d0, d1));
  DJLT_END(0)
}
DJLT_NATIVE("torchTranspose", "(JJJ)J", torchTranspose)

DJLT_UNARY_AS(torchSqueezeAll, "torchSqueeze", t.squeeze())

jlong torchSqueezeDim(JNIEnv* env, jobject, jlong h, jlong dim) {
  DJLT_BEGIN
  return H(T(h).squeeze(dim));
  DJLT_END(0)
}
DJLT_NATIVE("torchSqueeze", "(JJ)J", torchSqueezeDim)

jlong torchUnsqueeze(JNIEnv* env, jobject, jlong h, jlong dim) {
  DJLT_BEGIN
  return H(T(h).unsqueeze(dim));
  DJLT_END(0)
}
DJLT_NATIVE("torchUnsqueeze", "(JJ)J", torchUnsqueeze)

jlong torchFlatten(JNIEnv* env, jobject, jlong h, jlong start, jlong end) {
  DJLT_BEGIN
  return H(T(h).flatten(start, end));
  DJLT_END(0)
}
DJLT_NATIVE("torchFlatten", "(JJJ)J", torchFlatten)

jlong torchRepeatInterleave(JNIEnv* env, jobject, jlong h, jlong repeats, jlong dim) {
  DJLT_BEGIN
  return H(T(h).repeat_interleave(repeats, dim));
  DJLT_END(0)
}
DJLT_NATIVE("torchRepeatInterleave", "(JJJ)J", torchRepeatInterleave)

jlong torchStack(JNIEnv* env, jobject, jlongArray handles, jlong dim) {
  DJLT_BEGIN
  return H(at::stack(TensorsFromHandles(env, handles), dim));
  DJLT_END(0)
}
DJLT_NATIVE("torchStack", "([JJ)J", torchStack)

jlong torchCat(JNIEnv* env, jobject, jlongArray handles, jlong dim) {
  DJLT_BEGIN
  return H(at::cat(TensorsFromHandles(env, handles), dim));
  DJLT_END(0)
}
DJLT_NATIVE("torchCat", "([JJ)J", torchCat)

jlongArray torchSplitSize(JNIEnv* env, jobject, jlong h, jlong size, jlong dim) {
  DJLT_BEGIN
  return TensorHandles(env, T(h).split(size, dim));
  DJLT_END(nullptr)
}
DJLT_NATIVE("torchSplit", "(JJJ)[J", torchSplitSize)

// Split at the given indices (numpy's array_split with indices).
jlongArray torchSplitIndices(JNIEnv* env, jobject, jlong h, jlongArray indices, jlong dim) {
  DJLT_BEGIN
  return TensorHandles(env, T(h).tensor_split(LongVec(env, indices), dim));
  DJLT_END(nullptr)
}
DJLT_NATIVE("torchSplit", "(J[JJ)[J", torchSplitIndices)

jlong torchSlice(JNIEnv* env, jobject, jlong h, jlong dim, jlong start, jlong stop, jlong step) {
  DJLT_BEGIN
  return H(T(h).slice(dim, start, stop, step));
  DJLT_END(0)
}
DJLT_NATIVE("torchSlice", "(JJJJJ)J", torchSlice)

jlong torchPad(JNIEnv* env, jobject, jlong h, jlongArray pad, jdouble value) {
  DJLT_BEGIN
  return H(at::constant_pad_nd(T(h), LongVec(env, pad), value));
  DJLT_END(0)
}
DJLT_NATIVE("torchPad", "(J[JD)J", torchPad)

jlong torchDiagonal(JNIEnv* env, jobject, jlong h, jlong offset, jlong d1, jlong d2) {
  DJLT_BEGIN
  return H(T(h).diagonal(offset, d1, d2));
  DJLT_END(0)
}
DJLT_NATIVE("torchDiagonal", "(JJJJ)J", torchDiagonal)

jlong torchRot90(JNIEnv* env, jobject, jlong h, jlong times, jlongArray dims) {
  DJLT_BEGIN
  return H(T(h).rot90(times, LongVec(env, dims)));
  DJLT_END(0)
}
DJLT_NATIVE("torchRot90", "(JJ[J)J", torchRot90)

// Selection
jlong torchWhere(JNIEnv* env, jobject, jlong cond, jlong a, jlong b) {
  DJLT_BEGIN
  return H(at::where(T(cond), T(a), T(b)));
  DJLT_END(0)
}
DJLT_NATIVE("torchWhere", "(JJJ)J", torchWhere)

jlong torchClamp(JNIEnv* env, jobject, jlong h, jlong min, jlong max) {
  DJLT_BEGIN
  return H(T(h).clamp(T(min), T(max)));
  DJLT_END(0)
}
DJLT_NATIVE("torchClamp", "(JJJ)J", torchClamp)

jlong torchGather(JNIEnv* env, jobject, jlong h, jlong index, jlong dim, jboolean sparse_grad) {
  DJLT_BEGIN
  return H(T(h).gather(dim, T(index), sparse_grad == JNI_TRUE));
  DJLT_END(0)
}
DJLT_NATIVE("torchGather", "(JJJZ)J", torchGather)

DJLT_BINARY(torchTake, a.take(b))
DJLT_BINARY(torchMaskedSelect, a.masked_select(b))

jlong torchPut(JNIEnv* env, jobject, jlong h, jlong index, jlong data) {
  DJLT_BEGIN
  return H(T(h).put(T(index), T(data)));
  DJLT_END(0)
}
DJLT_NATIVE("torchPut", "(JJJ)J", torchPut)

}  // namespace
}  // namespace djlt
