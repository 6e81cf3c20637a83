#!/usr/bin/env bash
# Parses every source of the JNI library with the CUDA extras on (DJLT_WITH_CUDA), on a machine without a GPU or the
# CUDA toolkit: libtorch's headers from the local Python's torch (a CPU wheel ships the c10/cuda headers too), the
# CUDA runtime API from stub/ (declarations only), jni.h from the JDK. It catches C++ mistakes before a device call
# builds the library for real (build.sh); it does not link, and the stub's declarations are not CUDA's.
#
#   native/djl-torch-jni/syntax-check/run.sh          (needs g++, python3 with torch, a JDK)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../src" && pwd)
torch=$(python3 -c "import os, torch; print(os.path.dirname(torch.__file__))")
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
status=0
for f in "$src"/*.cc; do
  # -w: libtorch's headers warn under C++17; errors are what this is for
  if g++ -std=c++17 -fsyntax-only -w -DDJLT_WITH_CUDA -I"$here/stub" -I"$torch/include" \
      -I"$torch/include/torch/csrc/api/include" -I"$jdk/include" -I"$jdk/include/linux" -I"$src" "$f"; then
    echo "ok      ${f#"$src"/}"
  else
    echo "FAILED  ${f#"$src"/}"; status=1
  fi
done
exit $status
