// TorchScript values (c10::IValue): DJL builds module inputs from them and unpacks outputs (tensors, tuples,
// lists, string-keyed dicts) into NDLists.
#include "djlt.h"

namespace djlt {
namespace {

template <typename Fn>
jlong Wrap(JNIEnv* env, Fn&& fn) {
  DJLT_BEGIN
  return HI(fn());
  DJLT_END(0)
}

jlong iValueFromTensor(JNIEnv* env, jobject, jlong h) { return Wrap(env, [&] { return c10::IValue(T(h)); }); }
DJLT_NATIVE("iValueFromTensor", "(J)J", iValueFromTensor)

jlong iValueFromBool(JNIEnv* env, jobject, jboolean v) { return Wrap(env, [&] { return c10::IValue(v == JNI_TRUE); }); }
DJLT_NATIVE("iValueFromBool", "(Z)J", iValueFromBool)

jlong iValueFromLong(JNIEnv* env, jobject, jlong v) { return Wrap(env, [&] { return c10::IValue(static_cast<int64_t>(v)); }); }
DJLT_NATIVE("iValueFromLong", "(J)J", iValueFromLong)

jlong iValueFromDouble(JNIEnv* env, jobject, jdouble v) { return Wrap(env, [&] { return c10::IValue(static_cast<double>(v)); }); }
DJLT_NATIVE("iValueFromDouble", "(D)J", iValueFromDouble)

jlong iValueFromString(JNIEnv* env, jobject, jstring v) {
  return Wrap(env, [&] { return c10::IValue(StringFromJava(env, v)); });
}
DJLT_NATIVE("iValueFromString", "(Ljava/lang/String;)J", iValueFromString)

jlong iValueFromBoolList(JNIEnv* env, jobject, jbooleanArray arr) {
  return Wrap(env, [&] {
    c10::List<bool> list;
    jsize n = env->GetArrayLength(arr);
    std::vector<jboolean> v(static_cast<size_t>(n));
    if (n > 0) env->GetBooleanArrayRegion(arr, 0, n, v.data());
    CheckJava(env);
    for (jboolean b : v) list.push_back(b == JNI_TRUE);
    return c10::IValue(list);
  });
}
DJLT_NATIVE("iValueFromBoolList", "([Z)J", iValueFromBoolList)

jlong iValueFromLongList(JNIEnv* env, jobject, jlongArray arr) {
  return Wrap(env, [&] { return c10::IValue(c10::List<int64_t>(LongVec(env, arr))); });
}
DJLT_NATIVE("iValueFromLongList", "([J)J", iValueFromLongList)

jlong iValueFromDoubleList(JNIEnv* env, jobject, jdoubleArray arr) {
  return Wrap(env, [&] {
    jsize n = env->GetArrayLength(arr);
    std::vector<double> v(static_cast<size_t>(n));
    if (n > 0) env->GetDoubleArrayRegion(arr, 0, n, v.data());
    CheckJava(env);
    return c10::IValue(c10::List<double>(v));
  });
}
DJLT_NATIVE("iValueFromDoubleList", "([D)J", iValueFromDoubleList)

jlong iValueFromTensorList(JNIEnv* env, jobject, jlongArray handles) {
  return Wrap(env, [&] {
    c10::List<at::Tensor> list;
    for (const auto& t : TensorsFromHandles(env, handles)) list.push_back(t);
    return c10::IValue(list);
  });
}
DJLT_NATIVE("iValueFromTensorList", "([J)J", iValueFromTensorList)

// A generic list of IValues; its element type is the unified type of the elements (Any when they differ).
jlong iValueFromList(JNIEnv* env, jobject, jlongArray handles) {
  return Wrap(env, [&] {
    std::vector<c10::IValue> values;
    for (int64_t h : LongVec(env, handles)) values.push_back(IV(h));
    c10::TypePtr elem = values.empty() ? c10::AnyType::get() : values[0].type();
    for (size_t i = 1; i < values.size(); ++i) {
      auto unified = c10::unifyTypes(elem, values[i].type());
      elem = unified ? *unified : c10::AnyType::get();
    }
    c10::impl::GenericList list(elem);
    for (auto& v : values) list.push_back(std::move(v));
    return c10::IValue(list);
  });
}
DJLT_NATIVE("iValueFromList", "([J)J", iValueFromList)

jlong iValueFromTuple(JNIEnv* env, jobject, jlongArray handles) {
  return Wrap(env, [&] {
    std::vector<c10::IValue> values;
    for (int64_t h : LongVec(env, handles)) values.push_back(IV(h));
    return c10::IValue(c10::ivalue::Tuple::create(std::move(values)));
  });
}
DJLT_NATIVE("iValueFromTuple", "([J)J", iValueFromTuple)

jlong iValueFromStringMap(JNIEnv* env, jobject, jobjectArray jkeys, jlongArray handles) {
  return Wrap(env, [&] {
    auto keys = StringsFromJava(env, jkeys);
    auto tensors = TensorsFromHandles(env, handles);
    if (keys.size() != tensors.size()) throw std::invalid_argument("map keys and values differ in length");
    c10::Dict<std::string, at::Tensor> dict;
    for (size_t i = 0; i < keys.size(); ++i) dict.insert(keys[i], tensors[i]);
    return c10::IValue(dict);
  });
}
DJLT_NATIVE("iValueFromStringMap", "([Ljava/lang/String;[J)J", iValueFromStringMap)

jlong iValueFromStringIValueMap(JNIEnv* env, jobject, jobjectArray jkeys, jlongArray handles) {
  return Wrap(env, [&] {
    auto keys = StringsFromJava(env, jkeys);
    auto hs = LongVec(env, handles);
    if (keys.size() != hs.size()) throw std::invalid_argument("map keys and values differ in length");
    c10::TypePtr value_type = c10::AnyType::get();
    if (!hs.empty()) {
      value_type = IV(hs[0]).type();
      for (size_t i = 1; i < hs.size(); ++i) {
        auto unified = c10::unifyTypes(value_type, IV(hs[i]).type());
        value_type = unified ? *unified : c10::AnyType::get();
      }
    }
    c10::impl::GenericDict dict(c10::StringType::get(), value_type);
    for (size_t i = 0; i < keys.size(); ++i) dict.insert(keys[i], IV(hs[i]));
    return c10::IValue(dict);
  });
}
DJLT_NATIVE("iValueFromStringIValueMap", "([Ljava/lang/String;[J)J", iValueFromStringIValueMap)

jlong iValueToTensor(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return H(IV(h).toTensor());
  DJLT_END(0)
}
DJLT_NATIVE("iValueToTensor", "(J)J", iValueToTensor)

jboolean iValueToBool(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return IV(h).toBool() ? JNI_TRUE : JNI_FALSE;
  DJLT_END(JNI_FALSE)
}
DJLT_NATIVE("iValueToBool", "(J)Z", iValueToBool)

jlong iValueToLong(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return static_cast<jlong>(IV(h).toInt());
  DJLT_END(0)
}
DJLT_NATIVE("iValueToLong", "(J)J", iValueToLong)

jdouble iValueToDouble(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return IV(h).toDouble();
  DJLT_END(0.0)
}
DJLT_NATIVE("iValueToDouble", "(J)D", iValueToDouble)

jstring iValueToString(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return env->NewStringUTF(IV(h).toStringRef().c_str());
  DJLT_END(nullptr)
}
DJLT_NATIVE("iValueToString", "(J)Ljava/lang/String;", iValueToString)

jbooleanArray iValueToBoolList(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  auto list = IV(h).toBoolList();
  std::vector<jboolean> v;
  for (bool b : list) v.push_back(b ? JNI_TRUE : JNI_FALSE);
  jbooleanArray out = env->NewBooleanArray(static_cast<jsize>(v.size()));
  CheckJava(env);
  if (!v.empty()) env->SetBooleanArrayRegion(out, 0, static_cast<jsize>(v.size()), v.data());
  return out;
  DJLT_END(nullptr)
}
DJLT_NATIVE("iValueToBoolList", "(J)[Z", iValueToBoolList)

jlongArray iValueToLongList(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return ToJLongArray(env, IV(h).toIntVector());
  DJLT_END(nullptr)
}
DJLT_NATIVE("iValueToLongList", "(J)[J", iValueToLongList)

jdoubleArray iValueToDoubleList(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  auto v = IV(h).toDoubleVector();
  jdoubleArray out = env->NewDoubleArray(static_cast<jsize>(v.size()));
  CheckJava(env);
  if (!v.empty()) env->SetDoubleArrayRegion(out, 0, static_cast<jsize>(v.size()), v.data());
  return out;
  DJLT_END(nullptr)
}
DJLT_NATIVE("iValueToDoubleList", "(J)[D", iValueToDoubleList)

jlongArray iValueToTensorList(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return TensorHandles(env, IV(h).toTensorVector());
  DJLT_END(nullptr)
}
DJLT_NATIVE("iValueToTensorList", "(J)[J", iValueToTensorList)

jlongArray iValueToIValueList(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  std::vector<int64_t> out;
  for (const c10::IValue& v : IV(h).toListRef()) out.push_back(HI(v));
  return ToJLongArray(env, out);
  DJLT_END(nullptr)
}
DJLT_NATIVE("iValueToIValueList", "(J)[J", iValueToIValueList)

jlongArray iValueToIValueTuple(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  std::vector<int64_t> out;
  for (const c10::IValue& v : IV(h).toTupleRef().elements()) out.push_back(HI(v));
  return ToJLongArray(env, out);
  DJLT_END(nullptr)
}
DJLT_NATIVE("iValueToIValueTuple", "(J)[J", iValueToIValueTuple)

// A dict as alternating key and value handles (IValue.toIValueMap reads keys as strings).
jlongArray iValueToMap(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  std::vector<int64_t> out;
  for (const auto& entry : IV(h).toGenericDict()) {
    out.push_back(HI(entry.key()));
    out.push_back(HI(entry.value()));
  }
  return ToJLongArray(env, out);
  DJLT_END(nullptr)
}
DJLT_NATIVE("iValueToMap", "(J)[J", iValueToMap)

jstring iValueGetType(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  return env->NewStringUTF(IV(h).type()->str().c_str());
  DJLT_END(nullptr)
}
DJLT_NATIVE("iValueGetType", "(J)Ljava/lang/String;", iValueGetType)

#define DJLT_IVALUE_IS(jname, expr)                         \
  jboolean jname(JNIEnv* env, jobject, jlong h) {           \
    DJLT_BEGIN                                              \
    const c10::IValue& v = IV(h);                           \
    return (expr) ? JNI_TRUE : JNI_FALSE;                   \
    DJLT_END(JNI_FALSE)                                     \
  }                                                         \
  DJLT_NATIVE(#jname, "(J)Z", jname)

DJLT_IVALUE_IS(iValueIsTensor, v.isTensor())
DJLT_IVALUE_IS(iValueIsBool, v.isBool())
DJLT_IVALUE_IS(iValueIsLong, v.isInt())
DJLT_IVALUE_IS(iValueIsDouble, v.isDouble())
DJLT_IVALUE_IS(iValueIsString, v.isString())
DJLT_IVALUE_IS(iValueIsBoolList, v.isBoolList())
DJLT_IVALUE_IS(iValueIsLongList, v.isIntList())
DJLT_IVALUE_IS(iValueIsDoubleList, v.isDoubleList())
DJLT_IVALUE_IS(iValueIsTensorList, v.isTensorList())
DJLT_IVALUE_IS(iValueIsList, v.isList())
DJLT_IVALUE_IS(iValueIsTuple, v.isTuple())
DJLT_IVALUE_IS(iValueIsMap, v.isGenericDict())

void torchDeleteIValue(JNIEnv* env, jobject, jlong h) {
  DJLT_BEGIN
  delete reinterpret_cast<c10::IValue*>(h);
  DJLT_END_VOID
}
DJLT_NATIVE("torchDeleteIValue", "(J)V", torchDeleteIValue)

}  // namespace
}  // namespace djlt
