#!/usr/bin/env bash
# The GPU machine's check of our JNI library, run from the repo root there (see
# native/djl-torch-jni/README.md, "Testing"):
#   1. facts: GPU, driver, torch, CUDA;  2. unpack the carried JRE;  3. build.sh --install against the host's
#   torch;  4. JniSmoke (NDArray ops, IValues) on cpu and gpu;  5. PyTorch's own golden replay (cpu, cuda);
#   6. EngineCheck (Java, DJL + our JNI) on cpu and gpu, gpu also without TF32.
# Every step runs even if an earlier one failed; the exit status counts the failed steps.
#
#   gpu-machine/java-engine/device-check.sh [BUNDLE_DIR]    (default udf/src/test/resources/bundles/tiny)
# Environment: PAYLOAD (.device/payload, made by pack-payload.sh), OUT (where the built library and logs are copied).
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
bundle=${1:-udf/src/test/resources/bundles/tiny}
payload=${PAYLOAD:-.device/payload}
out=${OUT:-/tmp/djlt-out}
mkdir -p "$out"
failed=0
step() { echo; echo "=== $(date -u +%H:%M:%S) $*"; }
run() { "$@" || { echo "--- FAILED ($?): $*"; failed=$((failed + 1)); }; }

step "machine"
nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader
echo "cores $(nproc); $(gcc --version | head -1); $(cmake --version | head -1); $(nvcc --version | tail -1)"
eval "$(python3 - <<'PY'
import glob, os, torch
d = os.path.dirname(torch.__file__)
print(f"TORCH={d!r}")
print(f"TORCH_VERSION_SHORT={torch.__version__.split('+')[0]!r}")
print(f"TORCH_FLAVOR={('cu' + torch.version.cuda.replace('.', '')) if torch.version.cuda else 'cpu'!r}")
site = os.path.dirname(d)
hits = sorted(glob.glob(os.path.join(site, "nvidia", "**", "libcudart.so*"), recursive=True))
hits += sorted(glob.glob("/usr/local/cuda*/lib64/libcudart.so*"))
print(f"CUDART_DIR={os.path.dirname(hits[0]) if hits else ''!r}")
PY
)"
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version(), "available", torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")'
echo "libcudart for DJL's CudaUtils (JNA): ${CUDART_DIR:-none}"

step "JRE"
[[ -x /tmp/jre/bin/java ]] || tar -xzf "$payload/jre.tgz" -C /tmp
JAVA=/tmp/jre/bin/java
$JAVA -version 2>&1 | head -1

step "build and install the JNI library"
export DJL_CACHE_DIR=/tmp/djl-cache PYTORCH_LIBRARY_PATH=$TORCH/lib PYTORCH_VERSION=$TORCH_VERSION_SHORT \
  PYTORCH_FLAVOR=$TORCH_FLAVOR
start=$(date +%s)
JNI_INCLUDE_DIR=$PWD/$payload/jni-include BUILD_DIR=/tmp/djlt-build \
  run bash -c 'native/djl-torch-jni/build.sh --install >"$0" 2>&1' "$out/build.log"
tail -15 "$out/build.log"
echo "build took $(( $(date +%s) - start )) s"
lib=$DJL_CACHE_DIR/pytorch/$PYTORCH_VERSION-$PYTORCH_FLAVOR-linux-$(uname -m)/0.35.1-libdjl_torch.so
ls -la "$lib" && cp "$lib" "$out/libdjl_torch.so" && ldd "$lib" | grep -E "torch|c10|cuda" | sed 's/^/  /'

jvm=(-Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$payload/lib/*")
[[ -n "$CUDART_DIR" ]] && jvm+=(-Djna.library.path="$CUDART_DIR")

step "JniSmoke (DJL NDArray API on cpu and gpu through our JNI)"
DJL_TORCH_JNI_VERBOSE=1 run $JAVA "${jvm[@]}" JniSmoke all

step "PyTorch golden replay (reference numbers for this machine)"
run python3 native/djl-torch-jni/test/golden_check.py "$bundle" cpu
run python3 native/djl-torch-jni/test/golden_check.py "$bundle" cuda
run python3 native/djl-torch-jni/test/golden_check.py "$bundle" cuda --tf32 0

step "EngineCheck cpu"
run $JAVA "${jvm[@]}" io.swiftvr.bench.EngineCheck "$bundle" cpu
step "EngineCheck gpu, float32 module (libtorch defaults: TF32 convolutions)"
run $JAVA "${jvm[@]}" io.swiftvr.bench.EngineCheck "$bundle" gpu --precision float32 --repeat 3
step "EngineCheck gpu, float32 module, DJL_TORCH_ALLOW_TF32=0"
DJL_TORCH_ALLOW_TF32=0 run $JAVA "${jvm[@]}" io.swiftvr.bench.EngineCheck "$bundle" gpu --precision float32
if python3 -c "import json,sys; sys.exit(0 if 'bfloat16' in json.load(open('$bundle/manifest.json'))['modules'] else 1)"; then
  step "bfloat16 module on gpu: PyTorch, then EngineCheck (what RestorerModel.load picks on a GPU)"
  run python3 native/djl-torch-jni/test/golden_check.py "$bundle" cuda --precision bfloat16
  run $JAVA "${jvm[@]}" io.swiftvr.bench.EngineCheck "$bundle" gpu --precision auto
fi

step "done: $failed failed step(s)"
exit "$failed"
