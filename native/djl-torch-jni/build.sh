#!/usr/bin/env bash
# Builds libdjl_torch.so (DJL 0.35.1's PyTorch JNI, our implementation) against the PyTorch installed for
# $PYTHON, and with --install puts it where DJL looks for it. Prints the library's path on the last line.
#
#   native/djl-torch-jni/build.sh [--install]
#
# Environment (all optional):
#   PYTHON           python with torch installed (python3)
#   TORCH_DIR        the torch package folder (asked from $PYTHON)
#   JNI_INCLUDE_DIR  folder with jni.h and linux/jni_md.h ($JAVA_HOME/include, or the JDK of `javac`)
#   BUILD_DIR        build folder (native/djl-torch-jni/build)
#   DJLT_CUDA        AUTO (default), ON or OFF: CUDA extras (needs the CUDA toolkit headers)
#   For --install, DJL's own variables (the same ones the Java process must see):
#   DJL_CACHE_DIR    DJL's cache folder (required)
#   PYTORCH_VERSION  the version DJL is told (default: torch's version without its +local part, e.g. 2.11.0)
#   PYTORCH_FLAVOR   the flavour DJL is told (default: cuXYZ from torch.version.cuda, else cpu)
#   DJL_VERSION      the DJL version whose engine loads it (0.35.1)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
install=0
[[ "${1:-}" == "--install" ]] && install=1

PYTHON=${PYTHON:-python3}
eval "$("$PYTHON" - <<'PY'
import os, torch
print(f"torch_dir={os.path.dirname(torch.__file__)!r}")
print(f"torch_version={torch.__version__.split('+')[0]!r}")
print(f"torch_full_version={torch.__version__!r}")
cuda = torch.version.cuda
print(f"torch_flavor={('cu' + cuda.replace('.', '')) if cuda else 'cpu'!r}")
print(f"cxx11_abi={int(torch._C._GLIBCXX_USE_CXX11_ABI)}")
PY
)"
TORCH_DIR=${TORCH_DIR:-$torch_dir}
if [[ -z "${JNI_INCLUDE_DIR:-}" ]]; then
  if [[ -n "${JAVA_HOME:-}" && -f "$JAVA_HOME/include/jni.h" ]]; then
    JNI_INCLUDE_DIR=$JAVA_HOME/include
  elif command -v javac >/dev/null; then
    JNI_INCLUDE_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")/include
  else
    echo "build.sh: no jni.h: set JNI_INCLUDE_DIR (a JDK's include folder)" >&2
    exit 2
  fi
fi
BUILD_DIR=${BUILD_DIR:-$here/build}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

echo "build.sh: torch $torch_full_version at $TORCH_DIR (C++11 ABI $cxx11_abi), jni.h from $JNI_INCLUDE_DIR"
cmake -S "$here" -B "$BUILD_DIR" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DTORCH_DIR="$TORCH_DIR" -DJNI_INCLUDE_DIR="$JNI_INCLUDE_DIR" -DTORCH_CXX11_ABI="$cxx11_abi" \
  -DDJLT_CUDA="${DJLT_CUDA:-AUTO}"
cmake --build "$BUILD_DIR" --parallel "$(nproc)"
lib=$BUILD_DIR/libdjl_torch.so

if (( install )); then
  : "${DJL_CACHE_DIR:?--install needs DJL_CACHE_DIR}"
  version=${PYTORCH_VERSION:-$torch_version}
  flavor=${PYTORCH_FLAVOR:-$torch_flavor}
  # DJL's LibUtils.findJniLibrary: <cache>/pytorch/<version>-<flavor>-<os>-<arch>/<djl version>-libdjl_torch.so
  dest=$DJL_CACHE_DIR/pytorch/$version-$flavor-linux-$(uname -m)
  mkdir -p "$dest"
  cp "$lib" "$dest/${DJL_VERSION:-0.35.1}-libdjl_torch.so"
  lib=$dest/${DJL_VERSION:-0.35.1}-libdjl_torch.so
  echo "build.sh: installed for DJL: PYTORCH_LIBRARY_PATH=$TORCH_DIR/lib PYTORCH_VERSION=$version" \
       "PYTORCH_FLAVOR=$flavor DJL_CACHE_DIR=$DJL_CACHE_DIR"
fi
echo "$lib"
