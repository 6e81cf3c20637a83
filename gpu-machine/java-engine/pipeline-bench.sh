#!/usr/bin/env bash
# The GPU machine's benchmark of the Java restore path (issue 6), run from the repo root there with the payload of
# pack-pipeline-payload.sh carried:
#   setup   facts; JRE, jars and FFmpeg natives unpacked to /tmp; our JNI built and installed (build.sh --install)
#   export  bundles written by swiftvr.export (model/) on that machine: official (random weights, bfloat16 only, built on
#           the GPU) and the default model (models/swiftvr-small when the repo has it, else `small` random weights)
#   java-*  RestoreBenchmark on gpu: CLIP → sizes → libx264 $PRESET, one JVM per bundle
#   py-*    swiftvr.bench_gpu --torchscript on the same files, clip and sizes (model-only and with host copies)
#   follow-ups, named only: java-official-medium (x264 preset medium at 2560x1440), java-official-expandable (4K with
#           PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True), py-official-copies (swiftvr.bench_gpu --copy-variants),
#           check-copies (EngineCheck of the byte output through the asynchronous host copies), java-official-long
#           and java-official-long-sync (the 56 s clip of the payload, with and without those copies), java-small-long
#           (the default model on it); the long runs also write their rows as throughput tables into $OUT.
#           LONG_SIZES: java-official-long's sizes (default 2560x1440,3840x2160); java-official-long-prod: 1440p
#           without the per-chunk wait for the GPU (-Dswiftvr.bench.waitForDevice=false), as production runs
#           issue 28: check-compiled (the bundle's compiled variants against its TorchScript module: PSNR, model-only
#           ms; export-official compiles them when AOTI lists IN:OUT sizes), java-official-long-torchscript (as
#           java-official-long with -Dswiftvr.compiled=false, the baseline of a bundle that has compiled variants)
#           issue 30: java-official-10bit (the same 640x360 clip as 8-bit H.264 with 8-bit output and as 10-bit H.264
#           with 10-bit output through 16-bit samples, official bundle, 2560x1440, one JVM each; TEN_BIT_FRAMES, 240)
# Steps that finished leave a marker in $STATE (/tmp survives between back-to-back runs while the machine stays
# warm), so a second run resumes; a step that would not fit in what is left of $DEADLINE seconds is skipped.
# Everything is printed (tee it into $OUT); nvidia-smi samples the GPU's used memory every 200 ms into $OUT/mem.csv.
#
#   gpu-machine/java-engine/pipeline-bench.sh [STEP...]      (default: every step, in priority order)
# Environment: PAYLOAD (.device/pipeline), DEADLINE (seconds, 540), CLIP (samples/cockatoo.mp4),
#   SIZES (1920x1080,2560x1440,3840x2160), PRESET (veryfast), OUT, STATE (/tmp/svb), and where setup puts the JRE
#   (JRE, /tmp/jre; a folder named jre) and the FFmpeg natives jar (NATIVES, /tmp/svb-natives/ffmpeg-natives.jar).
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
payload=$(readlink -m "${PAYLOAD:-.device/pipeline}")
deadline=${DEADLINE:-540}
clip=${CLIP:-samples/cockatoo.mp4}
sizes=${SIZES:-1920x1080,2560x1440,3840x2160}
preset=${PRESET:-veryfast}
out=${OUT:-/tmp/svb-out}
state=${STATE:-/tmp/svb}
mkdir -p "$out" "$state"
t_start=$(date +%s)
failed=0
# shellcheck source=device-steps.sh
source "$repo/gpu-machine/java-engine/device-steps.sh"

# shellcheck source=torch-env.sh
source "$repo/native/djl-torch-jni/torch-env.sh"
JRE=${JRE:-/tmp/jre}
JAVA=$JRE/bin/java
NATIVES=${NATIVES:-/tmp/svb-natives/ffmpeg-natives.jar}
CP="$payload/lib/*:$NATIVES"

nvidia-smi --query-gpu=timestamp,memory.used,utilization.gpu --format=csv -lms 200 >>"$out/mem.csv" 2>/dev/null &
smi=$!
trap 'kill $smi 2>/dev/null' EXIT

setup() {
  nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap,clocks.max.sm --format=csv,noheader
  nvidia-smi --query-gpu=memory.used --format=csv,noheader | sed 's/^/GPU memory in use before: /'
  echo "cores $(nproc); $(grep -m1 'model name' /proc/cpuinfo); RAM $(free -g | awk '/Mem:/{print $2}') GiB"
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())'
  drv=$(dirname "$(ldconfig -p | grep -m1 'libcuda.so' | awk '{print $NF}')")
  echo "driver libraries in $drv: $(ls "$drv" | grep -E 'libnvcuvid|libnvidia-encode' | tr '\n' ' ')"
  [[ -x $JAVA ]] || { mkdir -p "$(dirname "$JRE")" && xz -dc "$payload/jre.tar.xz" | tar -xf - -C "$(dirname "$JRE")"; }
  $JAVA -version 2>&1 | head -1
  # the natives jar may already be there: a first call that carried only the FFmpeg archive made it (see the
  # carry limit in pack-pipeline-payload.sh); otherwise this call's payload must hold the archive
  local archive; archive=$(ls "$payload"/ffmpeg-*.tar.xz 2>/dev/null | head -1)
  if [[ -z $archive && -f $NATIVES ]]; then
    echo "FFmpeg natives: $NATIVES from an earlier call"
  else
    gpu-machine/java-engine/ffmpeg-natives-jar.sh "$archive" "$NATIVES" || return 1
  fi
  JNI_INCLUDE_DIR=$payload/jni-include BUILD_DIR=/tmp/djlt-build \
    native/djl-torch-jni/build.sh --install >/tmp/svb-build.log 2>&1 || { tail -30 /tmp/svb-build.log; return 1; }
  tail -2 /tmp/svb-build.log
}

export_official() {  # AOTI="IN:OUT ...": also the compiled middle-chunk packages (issue 28, swiftvr.compiled)
  rm -rf /tmp/bundles/official
  local a aoti=()
  for a in ${AOTI:-}; do aoti+=(--aoti "$a"); done
  [[ -n ${AOTI:-} ]] && aoti+=(--aoti-check)
  PYTHONPATH="$PWD/model" python3 -m swiftvr.export --config official --seed 0 --device cuda --bf16-only --warmup-chunks 4 \
    --description "random weights (seed 0), untrained; GPU-only benchmark bundle" --out /tmp/bundles/official "${aoti[@]}"
}

export_small() {
  if [[ -f models/swiftvr-small/manifest.json ]]; then
    echo "using the repo's models/swiftvr-small"; rm -rf /tmp/bundles/small; mkdir -p /tmp/bundles
    cp -r models/swiftvr-small /tmp/bundles/small
  else
    rm -rf /tmp/bundles/small
    PYTHONPATH="$PWD/model" python3 -m swiftvr.export --config small --seed 0 --bf16 --no-goldens --threads "$(nproc)" --out /tmp/bundles/small
  fi
  python3 -c 'import json;m=json.load(open("/tmp/bundles/small/manifest.json"));print(m["name"],m["description"],list(m["modules"]))'
}

java_bench() {  # BUNDLE [SIZES] [PRESET] [PYTORCH_CUDA_ALLOC_CONF]; env BENCH_CLIP (default $clip), JVM_EXTRA
  local s=${2:-$sizes} p=${3:-$preset} c=${BENCH_CLIP:-$clip}
  [[ -n "${4:-}" ]] && export PYTORCH_CUDA_ALLOC_CONF=$4 && echo "PYTORCH_CUDA_ALLOC_CONF=$4"
  echo "$JAVA -Xmx24g -Dai.djl.offline=true -Djna.library.path=$CUDART_DIR -Dai.djl.pytorch.cudnn_benchmark=true" \
    "${JVM_EXTRA:+$JVM_EXTRA }-cp '$CP' io.swiftvr.bench.RestoreBenchmark $c $1 $s gpu libx264 $p"
  # shellcheck disable=SC2086 # JVM_EXTRA holds whole options
  $JAVA -Xmx24g -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp-cache -Djna.library.path="$CUDART_DIR" \
    -Dai.djl.pytorch.cudnn_benchmark=true ${JVM_EXTRA:-} \
    -cp "$CP" io.swiftvr.bench.RestoreBenchmark "$c" "$1" "$s" gpu libx264 "$p"
}

ten_bit_bench() {  # issue 30: 8-bit path against the 10-bit path on the same frames, same warm machine
  local c8=/tmp/svb-clip-8bit.mp4 c10=/tmp/svb-clip-10bit.mp4 n=${TEN_BIT_FRAMES:-240}
  $JAVA -cp "$CP" io.swiftvr.bench.ClipTools make-clip "$clip" $c8 640x360 "$n" 24 48 8 || return 1
  $JAVA -cp "$CP" io.swiftvr.bench.ClipTools make-clip "$clip" $c10 640x360 "$n" 24 48 10 || return 1
  BENCH_CLIP=$c8 JVM_EXTRA="-Dswiftvr.bench.bitDepth=8 -Dswiftvr.throughput.csv=$out/throughput-8bit.csv" \
    java_bench /tmp/bundles/official 2560x1440 || return 1
  BENCH_CLIP=$c10 JVM_EXTRA="-Dswiftvr.bench.bitDepth=10 -Dswiftvr.throughput.csv=$out/throughput-10bit.csv" \
    java_bench /tmp/bundles/official 2560x1440
}

check_copies() {  # EngineCheck on the GPU with the test bundle: goldens, then byte output through the host copies
  $JAVA -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Djna.library.path="$CUDART_DIR" \
    -cp "$CP" io.swiftvr.bench.EngineCheck udf/src/test/resources/bundles/tiny gpu --repeat 2
}

py_bench() {  # MODULE_FILE [SIZES] [more swiftvr.bench_gpu arguments]
  local s=${2:-$sizes}
  PYTHONPATH="$PWD/model" python3 -m swiftvr.bench_gpu --torchscript "$1" --clip "$clip" --resolutions ${s//,/ } "${@:3}"
}

export -f setup export_official export_small java_bench check_copies py_bench ten_bit_bench
export JAVA JRE NATIVES CP payload clip sizes preset CUDART_DIR out

long_clip=$payload/clips/cockatoo-x4.mp4  # the 56 s clip pack-pipeline-payload.sh makes
steps=("$@")
(( ${#steps[@]} )) || steps=(setup export-official java-official py-official export-small java-small py-small)
for s in "${steps[@]}"; do
  case $s in
    setup) step setup 60 setup ;;
    export-official) step export-official 150 export_official ;;
    java-official) [[ -f $state/done-export-official ]] && step java-official 180 java_bench /tmp/bundles/official ;;
    py-official) [[ -f $state/done-export-official ]] && step py-official 150 py_bench /tmp/bundles/official/restorer-bf16.pt ;;
    # follow-ups: x264 at its default preset; 4K with libtorch's expandable segments; ways of copying to the host
    java-official-medium) [[ -f $state/done-export-official ]] \
      && step java-official-medium 90 java_bench /tmp/bundles/official 2560x1440 medium ;;
    java-official-expandable) [[ -f $state/done-export-official ]] \
      && step java-official-expandable 110 java_bench /tmp/bundles/official 3840x2160 "$preset" expandable_segments:True ;;
    py-official-copies) [[ -f $state/done-export-official ]] \
      && step py-official-copies 100 py_bench /tmp/bundles/official/restorer-bf16.pt 2560x1440 --copy-variants ;;
    # run 5: asynchronous host copies, checked, then a clip long enough for the steady state, with and without them
    check-copies) step check-copies 40 check_copies ;;
    java-official-long) [[ -f $state/done-export-official || -f /tmp/bundles/official/manifest.json ]] \
      && BENCH_CLIP=$long_clip JVM_EXTRA=-Dswiftvr.throughput.csv=$out/throughput-official.csv \
           step java-official-long 230 java_bench /tmp/bundles/official "${LONG_SIZES:-2560x1440,3840x2160}" ;;
    check-compiled) [[ -f $state/done-export-official || -f /tmp/bundles/official/manifest.json ]] \
      && step check-compiled 60 env PYTHONPATH="$PWD/model" python3 -m swiftvr.compiled /tmp/bundles/official ;;
    java-official-long-torchscript) [[ -f /tmp/bundles/official/manifest.json ]] \
      && BENCH_CLIP=$long_clip JVM_EXTRA="-Dswiftvr.compiled=false -Dswiftvr.throughput.csv=$out/throughput-official-torchscript.csv" \
           step java-official-long-torchscript 200 java_bench /tmp/bundles/official "${LONG_SIZES:-2560x1440,3840x2160}" ;;
    java-official-long-prod) [[ -f $state/done-export-official ]] \
      && BENCH_CLIP=$long_clip JVM_EXTRA=-Dswiftvr.bench.waitForDevice=false \
           step java-official-long-prod 100 java_bench /tmp/bundles/official 2560x1440 ;;
    java-small-long) [[ -f $state/done-export-small ]] \
      && BENCH_CLIP=$long_clip JVM_EXTRA=-Dswiftvr.throughput.csv=$out/throughput-small.csv \
           step java-small-long 80 java_bench /tmp/bundles/small 2560x1440 ;;
    java-official-long-sync) [[ -f $state/done-export-official ]] \
      && BENCH_CLIP=$long_clip JVM_EXTRA=-Dswiftvr.cuda.hostCopies=false \
           step java-official-long-sync 100 java_bench /tmp/bundles/official 2560x1440 ;;
    java-official-10bit) [[ -f /tmp/bundles/official/manifest.json ]] \
      && step java-official-10bit 240 ten_bit_bench ;;
    export-small) step export-small 60 export_small ;;
    java-small) [[ -f $state/done-export-small ]] && step java-small 60 java_bench /tmp/bundles/small ;;
    py-small) [[ -f $state/done-export-small ]] && step py-small 40 py_bench /tmp/bundles/small/restorer-bf16.pt ;;
    *) echo "unknown step $s"; failed=$((failed + 1)) ;;
  esac
done
echo; echo "=== done: $failed step(s) failed or skipped; $(( $(date +%s) - t_start ))s"
ls "$state"
exit "$failed"
