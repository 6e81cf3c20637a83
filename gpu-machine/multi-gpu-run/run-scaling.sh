#!/usr/bin/env bash
# The multi-GPU scaling run of issue 9, on the GPU machine after stage.sh (from the repo root there): the real Spark
# job (io.swiftvr.jobs.cli.Main run) on a Spark standalone master and worker started from plain java (no spark-submit,
# no sbin scripts), the worker announcing N GPUs through cluster-conf/gpu-discovery.sh, one executor per GPU
# (spark.executor.resource.gpu.amount=1, the rest from cluster-conf/profiles/standalone.conf), for N = 1, 2 (and 4
# when 4 GPUs are visible) on the same long clip, for each bundle.
#
#   gpu-machine/multi-gpu-run/run-scaling.sh [STEP...]        (default: every step below, in this order)
#
# Steps; each leaves a marker in $STATE and is skipped in later calls once done, or when its inputs are not staged
# yet, or when it would not fit in what is left of $DEADLINE (a second call resumes):
#   setup            machine facts (GPUs, NVLink topology, cores, fonts), our JNI built against the host's libtorch
#                    and installed for DJL (native/djl-torch-jni/build.sh --install; needs only jni.h staged)
#   export-small     pipeline-bench.sh export-small: the repo's models/swiftvr-small        (needs nothing staged)
#   export-official  pipeline-bench.sh export-official: official config, random weights, bf16 on the GPU (~9.4 GiB)
#   clip             ClipTools make-clip: samples/cockatoo.mp4 scaled to $CLIP_SIZE, played forwards and backwards
#                    to $SHARDS shards of $CHUNKS_PER_SHARD chunks (first chunk 28 frames, then 24), H.264
#   run-B-N          the job with bundle B (small, official) on N GPUs; its output folder is new every time
#   run-B-N-rapids-S the same with cluster-conf/profiles/standalone-rapids.conf and the RAPIDS setting S on top of it
#                    (gpu-machine/rapids/settings/S.conf; "off" leaves the plugin out): the driver starts through
#                    SparkSubmit with the staged RAPIDS jar in --jars (gpu-machine/rapids/README.md)
#   compare-B        frame hashes of every N's output against N=1 (ClipTools hashes / compare)
#   results          $OUT/results.md and results.json (analyze.py), $OUT/runs.tar.xz (reports, event logs, executor
#                    bindings, GPU samples, hashes); always runs, at the end of every call
# Environment: ROOT (/tmp; stage.sh's ROOT), DEADLINE (seconds from start, 540), OUT, STATE ($ROOT/spark-scaling/
#   state), DEVICE (gpu; cpu for the local test: no setup/export, DJL's own CPU libtorch from DJL_CACHE_DIR),
#   GPU_COUNTS (1 2, and 4 when 4 GPUs are visible), BUNDLES (small official), BUNDLE_<B>=DIR (a bundle of your own
#   for name B, e.g. BUNDLE_tiny=udf/src/test/resources/bundles/tiny), CLIP_SIZE (640x360), SHARDS (40),
#   CHUNKS_PER_SHARD (8), SIZE (x2), PRESET (veryfast), EXECUTOR_CORES (cores / GPUs of the machine),
#   EXECUTOR_MEMORY_GB (16), SPARK_PORT (7177), and RUN_ESTIMATE_<B> (seconds one GPU needs for run-B-1; default
#   small 150, official 260: the N=1 processes took 98-119 s and 206 s on the 20-chunk clip on an H200, 2026-11-23;
#   later N are estimated from the measured N=1), JOB_JAVA_OPTS (see below).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
root=$(readlink -m "${ROOT:-/tmp}")
run=$root/spark-run
stage=$root/spark-stage
work=$root/spark-scaling
state=${STATE:-$work/state}
out=${OUT:-$work/out}
deadline=${DEADLINE:-540}
device=${DEVICE:-gpu}
clip_size=${CLIP_SIZE:-640x360}
shards=${SHARDS:-40}
chunks_per_shard=${CHUNKS_PER_SHARD:-8}
preset=${PRESET:-veryfast}
size=${SIZE:-x2}
port=${SPARK_PORT:-7177}
mkdir -p "$work" "$state" "$out"
t_start=$(date +%s)
failed=0
STEP_LOG_DIR=$work/logs  # each step's output also in $work/logs/NAME.log
# shellcheck source=../../gpu-machine/java-engine/device-steps.sh
source gpu-machine/java-engine/device-steps.sh

JAVA=$run/jre/bin/java
SPARK_HOME=$run/spark-home
APP=$run/app
clip=$work/clip-$clip_size-$shards-$chunks_per_shard.mp4
# Spark's own module options (pom.xml's spark.module.options: the same list as Spark's JavaModuleOptions).
read -r -a modopts <<<"$(sed -n 's:.*<spark.module.options>\(.*\)</spark.module.options>.*:\1:p' pom.xml)"

if [[ $device == gpu ]]; then
  # shellcheck source=../../native/djl-torch-jni/torch-env.sh
  source native/djl-torch-jni/torch-env.sh
  gpus_visible=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | wc -l)
else
  # DJL's own CPU libtorch and JNI, as the tests and bin/swiftvr-local extracted them into the DJL cache (the payload
  # has no pytorch-native jar to find them by)
  export DJL_CACHE_DIR=${DJL_CACHE_DIR:-$repo/target/cache/djl}
  if [[ -z ${PYTORCH_LIBRARY_PATH:-} ]]; then
    lib=$(ls -d "$DJL_CACHE_DIR"/pytorch/*-cpu-linux-x86_64 2>/dev/null | head -1)
    [[ -n $lib ]] && export PYTORCH_LIBRARY_PATH=$lib PYTORCH_VERSION=$(basename "${lib%-cpu-linux-x86_64}") \
      PYTORCH_FLAVOR=cpu
  fi
  CUDART_DIR=
  gpus_visible=${FAKE_GPUS:-2}
fi
counts=${GPU_COUNTS:-$( ((gpus_visible >= 4)) && echo "1 2 4" || echo "1 2")}
executor_cores=${EXECUTOR_CORES:-$(( $(nproc) / (gpus_visible > 0 ? gpus_visible : 1) ))}
((executor_cores >= 1)) || executor_cores=1
executor_mem=${EXECUTOR_MEMORY_GB:-16}
echo "run-scaling: device $device, $gpus_visible GPU(s) visible, N in {$counts}, $executor_cores cores and" \
  "${executor_mem}g per executor, clip $clip_size x $shards shards x $chunks_per_shard chunks, deadline ${deadline}s"

staged() {  # COMPONENT...: every one unpacked by stage.sh?
  local c
  for c in "$@"; do
    ls "$stage"/unpacked-"$c"* >/dev/null 2>&1 || return 1
  done
}

wait_for() {  # FILE PATTERN SECONDS PID: until PATTERN is in FILE; fails when PID ends first
  local i
  for ((i = 0; i < $3 * 5; i++)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$4" 2>/dev/null || break
    grep -q -e "SparkUncaughtExceptionHandler" -e 'Exception in thread "main"' "$1" 2>/dev/null && break
    sleep 0.2
  done
  echo "no '$2' in $1"; tail -20 "$1"; return 1
}

bundle_dir() {  # NAME -> the bundle folder
  local var=BUNDLE_$1
  if [[ -n ${!var:-} ]]; then readlink -m "${!var}"; else echo "/tmp/bundles/$1"; fi
}

make_clip() {
  mkdir -p "$work/tmp"
  local frames=$(( 28 + (shards * chunks_per_shard - 1) * 24 ))
  "$JAVA" -Xmx4g -Djava.io.tmpdir="$work/tmp" -Dorg.bytedeco.javacpp.cachedir="$work/javacpp" -cp "$APP/*" \
    io.swiftvr.bench.ClipTools make-clip samples/cockatoo.mp4 "$clip" "$clip_size" "$frames" 24 48
}

# One run of the job: standalone master + worker (N GPUs) + the driver; everything under $work/runs/B-nN.
spark_run() {  # BUNDLE_NAME N [opt|again]
  local b=$1 n=$2 variant=${3:-} bundle d pids=() visible="" disc rc label profile=cluster-conf/profiles/standalone.conf
  local setting=""
  local -a modopts
  read -r -a modopts <<<"$modopts_str"
  bundle=$(bundle_dir "$b")
  label=$b${variant:+-$variant}
  if [[ $variant == rapids-* ]]; then
    setting=gpu-machine/rapids/settings/${variant#rapids-}.conf
    profile=cluster-conf/profiles/standalone-rapids.conf
    [[ -f $setting ]] || { echo "no RAPIDS setting $setting"; return 1; }
  fi
  d=$work/runs/$label-n$n
  rm -rf "$d"; mkdir -p "$d/logs" "$d/events" "$d/work" "$work/tmp"
  if [[ $device == cpu ]]; then
    visible=$(seq -s, 0 $((n - 1)))            # fake GPU addresses through the real discovery script
  elif (( n < gpus_visible )); then
    visible=$(seq -s, 0 $((n - 1)))
  fi
  disc=$repo/cluster-conf/gpu-discovery.sh
  echo "bundle $bundle, N=$n, CUDA_VISIBLE_DEVICES=${visible:-unset}, discovery $disc -> $(CUDA_VISIBLE_DEVICES=$visible "$disc")"
  local -a env_common=(SPARK_HOME="$SPARK_HOME" SPARK_SCALA_VERSION=2.13 JAVA_HOME="$run/jre" SPARK_LOCAL_IP=127.0.0.1
    CUDA_DEVICE_ORDER=PCI_BUS_ID)
  [[ -n $visible ]] && env_common+=(CUDA_VISIBLE_DEVICES="$visible")
  if [[ $device == gpu ]]; then
    nvidia-smi --query-gpu=timestamp,index,uuid,utilization.gpu,memory.used --format=csv,noheader -lms 500 \
      >"$d/gpu.csv" 2>/dev/null & pids+=($!)
    (while sleep 1; do echo "t $(date +%s)"; nvidia-smi --query-compute-apps=pid,gpu_uuid,used_memory \
      --format=csv,noheader 2>/dev/null; done) >"$d/gpu-apps.txt" & pids+=($!)
  fi
  env "${env_common[@]}" "$JAVA" "${modopts[@]}" -Xmx1g -cp "$SPARK_HOME/jars/*" \
    org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port $((port + 1)) \
    >"$d/logs/master.log" 2>&1 & pids+=($!)
  echo "${pids[*]}" >"$work/pids"
  wait_for "$d/logs/master.log" "I have been elected leader" 90 $! || { kill "${pids[@]}" 2>/dev/null; return 1; }
  env "${env_common[@]}" "$JAVA" "${modopts[@]}" -Xmx1g -cp "$SPARK_HOME/jars/*" \
    -Dspark.worker.resource.gpu.amount="$n" -Dspark.worker.resource.gpu.discoveryScript="$disc" \
    org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores $((n * executor_cores)) \
    --memory $((n * executor_mem + 2))g --work-dir "$d/work" --webui-port $((port + 2)) "spark://127.0.0.1:$port" \
    >"$d/logs/worker.log" 2>&1 & pids+=($!)
  echo "${pids[*]}" >"$work/pids"
  wait_for "$d/logs/worker.log" "Successfully registered with master" 90 $! || { kill "${pids[@]}" 2>/dev/null; return 1; }
  grep -h "resource" "$d/logs/worker.log" | grep -i gpu | head -3
  # The standalone profile as system properties (a RAPIDS setting's keys replace the profile's; 'unset' drops one),
  # then what this machine changes.
  local -a conf=()
  local -A props=()
  local -a keys=()
  while read -r key value; do
    [[ -z $key || $key == \#* ]] && continue
    [[ -v props[$key] ]] || keys+=("$key")
    props[$key]=$value
  done < <(cat "$profile" ${setting:+"$setting"})
  for key in "${keys[@]}"; do
    [[ ${props[$key]} == unset ]] || conf+=("-D$key=${props[$key]}")
  done
  local xopts="-Dai.djl.offline=true -Dorg.bytedeco.javacpp.cachedir=$work/javacpp -Djava.io.tmpdir=$work/tmp"
  [[ -n $CUDART_DIR ]] && xopts+=" -Djna.library.path=$CUDART_DIR"
  [[ -n ${JOB_JAVA_OPTS:-} && $variant != opt ]] && xopts+=" $JOB_JAVA_OPTS"
  conf+=(-Dspark.master="spark://127.0.0.1:$port" -Dspark.driver.host=127.0.0.1
    -Dspark.executor.cores="$executor_cores" -Dspark.task.cpus="$executor_cores"
    -Dspark.executor.memory="${executor_mem}g" -Dspark.executor.resource.gpu.discoveryScript="$disc"
    -Dspark.executor.extraClassPath="$APP/*" -Dspark.executor.extraJavaOptions="$xopts"
    -Dspark.executorEnv.CUDA_DEVICE_ORDER=PCI_BUS_ID -Dspark.executorEnv.DJL_CACHE_DIR="$DJL_CACHE_DIR"
    -Dspark.executorEnv.OMP_NUM_THREADS="$executor_cores"
    -Dspark.ui.enabled=false -Dspark.eventLog.enabled=true -Dspark.eventLog.dir="file://$d/events"
    -Dspark.eventLog.compress=false -Dspark.eventLog.rolling.enabled=false)   # one plain JSON file for analyze.py
  if [[ -n ${PYTORCH_LIBRARY_PATH:-} ]]; then
    conf+=(-Dspark.executorEnv.PYTORCH_LIBRARY_PATH="$PYTORCH_LIBRARY_PATH"
      -Dspark.executorEnv.PYTORCH_VERSION="$PYTORCH_VERSION" -Dspark.executorEnv.PYTORCH_FLAVOR="$PYTORCH_FLAVOR")
  fi
  local -a job=(run --input "$clip" --output "$d/out" --model "$bundle" --device "$device"
    --chunks-per-shard "$chunks_per_shard" --size "$size" --preset "$preset")
  echo "driver: java ... io.swiftvr.jobs.cli.Main ${job[*]}"
  printf '%s\n' "${conf[@]}" >"$d/driver-conf.txt"
  # With RAPIDS (plugin on or off) the driver starts through SparkSubmit, whose class loader holds --jars: the
  # plugin's ShimLoader adds its shim folders to that loader (on the plain -cp of Java 17 it finds none to add to),
  # and executors fetch the jar before their plugins start.
  local -a main=(io.swiftvr.jobs.cli.Main)
  if [[ -n $setting ]]; then
    main=(org.apache.spark.deploy.SparkSubmit --master "spark://127.0.0.1:$port" --jars "$(rapids_jars)"
      --class io.swiftvr.jobs.cli.Main "$(ls "$APP"/swiftvr-jobs-*.jar | head -1)")
    cp "$setting" "$d/rapids-setting.conf"
  fi
  local t0 t1
  t0=$(date +%s.%N)
  env "${env_common[@]}" "$JAVA" "${modopts[@]}" -Xmx8g ${xopts} -cp "$APP/*:$SPARK_HOME/jars/*" "${conf[@]}" \
    "${main[@]}" "${job[@]}" >"$d/logs/driver.out" 2>"$d/logs/driver.log"
  rc=$?
  t1=$(date +%s.%N)
  echo "{\"bundle\": \"$label\", \"n\": $n, \"rc\": $rc, \"start\": $t0, \"end\": $t1," \
    "\"process_s\": $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}'), \"executor_cores\": $executor_cores," \
    "\"clip\": \"$clip\", \"chunks_per_shard\": $chunks_per_shard, \"device\": \"$device\"}" >"$d/run.json"
  cat "$d/logs/driver.out"
  grep -E "WARN|ERROR|Exception" "$d/logs/driver.log" | grep -v -e NativeCodeLoader -e "Unable to load native" | head -20
  kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null
  rm -f "$work/pids"
  grep -h "Task binding" "$d"/work/app-*/*/stderr >"$d/bindings.txt" 2>/dev/null
  for f in "$d"/work/app-*/*/stderr; do
    echo "== $f"; grep -m1 "Spark Executor Command" "$f" | cut -c1-600
  done >"$d/executor-commands.txt" 2>/dev/null
  echo "executors: $(ls -d "$d"/work/app-*/* 2>/dev/null | wc -l); task bindings:"
  sed 's/.*Task binding: //' "$d/bindings.txt" | head -n 8
  python3 "$here/analyze.py" run "$d" || true
  [[ -n $setting ]] && { python3 "$repo/gpu-machine/rapids/analyze-rapids.py" run "$d" || true; }
  return "$rc"
}

rapids_jars() {  # the staged RAPIDS jar(s), comma-separated, for --jars
  ls "$run"/rapids/*.jar 2>/dev/null | paste -sd,
}

setup() {
  nvidia-smi --query-gpu=index,name,uuid,pci.bus_id,driver_version,memory.total,compute_cap --format=csv,noheader
  nvidia-smi topo -m 2>/dev/null | head -8
  echo "cores $(nproc); $(grep -m1 'model name' /proc/cpuinfo); RAM $(free -g | awk '/Mem:/{print $2}') GiB"
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
  echo "fonts: $(fc-list 2>/dev/null | wc -l) (fc-list); the report's PNG chart needs fonts and libfreetype"
  [[ -x $JAVA ]] && ldd "$run/jre/lib/libfontmanager.so" | grep "not found" | sed 's/^/  JRE: /'
  mkdir -p "$work/logs"
  JNI_INCLUDE_DIR=$run/pipeline/jni-include BUILD_DIR=$root/djlt-build \
    native/djl-torch-jni/build.sh --install >"$work/logs/jni-build.log" 2>&1 \
    || { tail -30 "$work/logs/jni-build.log"; return 1; }
  tail -2 "$work/logs/jni-build.log"
}

compare_outputs() {  # BUNDLE_NAME: frame hashes of every run's output; each compared with N=1
  local b=$1 d f ref
  local -a dirs=()
  for d in "$work/runs/$b-n"* "$work/runs/$b-again-n"*; do
    [[ -n $(ls "$d"/out/*.swiftvr.* 2>/dev/null) ]] && dirs+=("$d")
  done
  for d in "${dirs[@]}"; do
    "$JAVA" -Xmx2g -Dorg.bytedeco.javacpp.cachedir="$work/javacpp" -cp "$APP/*" io.swiftvr.bench.ClipTools hashes \
      "$(ls "$d"/out/*.swiftvr.* | head -1)" "$d/frame-hashes.txt" >/dev/null &
  done
  wait
  ref=$work/runs/$b-n1
  [[ -f $ref/frame-hashes.txt ]] || { echo "no N=1 output of $b to compare with"; return 0; }
  echo "$(basename "$ref"): $(tail -1 "$ref/frame-hashes.txt")"
  for d in "${dirs[@]}"; do
    [[ $d == "$ref" ]] && continue
    if cmp -s "$ref/frame-hashes.txt" "$d/frame-hashes.txt"; then
      echo "$(basename "$d") vs N=1: FRAME-EXACT ($(tail -1 "$d/frame-hashes.txt" | cut -d' ' -f2) frames," \
        "equal pixel hashes and timestamps)" | tee "$d/compare.txt"
    else
      echo "$(basename "$d") vs N=1: frames differ: $(diff "$ref/frame-hashes.txt" "$d/frame-hashes.txt" \
        | grep '^>' | awk '$1 != "all" {print $2}' | tr '\n' ' ' | cut -c1-300)"
      "$JAVA" -Xmx2g -Dorg.bytedeco.javacpp.cachedir="$work/javacpp" -cp "$APP/*" io.swiftvr.bench.ClipTools compare \
        "$(ls "$ref"/out/*.swiftvr.* | head -1)" "$(ls "$d"/out/*.swiftvr.* | head -1)" | tee "$d/compare.txt"
    fi
  done
}

results() {
  python3 "$here/analyze.py" results "$work/runs" "$out" --counts "$counts" --bundles "$bundles"
  tar -C "$work" --exclude='*/out/*.mp4' --exclude='*/out/*.mkv' --exclude='*/out/.swiftvr' \
    --exclude='*/work/*/*/*.jar' -cf - runs logs 2>/dev/null | xz -6 -T0 >"$out/runs.tar.xz"
  ls -la "$out"
}

export -f setup spark_run compare_outputs make_clip wait_for bundle_dir results rapids_jars
# Executors run TorchScript with its graph optimiser off by default: with it on, the profiling executor runs a shape's
# first two calls unfused and fuses later ones (on CUDA by default), so a shard's pixels could depend on how many
# shards its executor ran before, i.e. on N. JOB_JAVA_OPTS= (empty) runs DJL's default; steps named run-B-N-opt run
# with the optimiser on (for its cost), run-B-N-again repeats a run (run-to-run baseline for compare-B).
export JOB_JAVA_OPTS=${JOB_JAVA_OPTS--Dai.djl.pytorch.graph_optimizer=false}
export JAVA SPARK_HOME APP clip clip_size shards chunks_per_shard preset size port work run root here repo device \
  executor_cores executor_mem gpus_visible counts CUDART_DIR DJL_CACHE_DIR out
export modopts_str="${modopts[*]}"

# Leftovers of a call cut short: the master, worker and samplers it started (by PID, checked to still be them).
if [[ -f $work/pids ]]; then
  for pid in $(cat "$work/pids"); do
    if grep -q -a -e org.apache.spark.deploy -e nvidia-smi -e "sleep" "/proc/$pid/cmdline" 2>/dev/null; then
      echo "stopping process $pid of an earlier, interrupted run"; kill "$pid" 2>/dev/null
    fi
  done
  sleep 2; rm -f "$work/pids"
fi

bundles=${BUNDLES:-small official}
export bundles
estimate_run() {  # BUNDLE N -> seconds
  local b=$1 n=$2 var=RUN_ESTIMATE_$1 first
  first=$(cat "$state/done-run-$b-1" 2>/dev/null)
  if [[ -n $first && $n -gt 1 ]]; then echo $(( first / n + first / 4 + 30 )); return; fi
  echo "${!var:-$([[ $b == official ]] && echo 260 || echo 150)}"
}

steps=("$@")
if (( ${#steps[@]} == 0 )); then
  steps=(setup)
  for b in $bundles; do
    steps+=("export-$b")
    [[ ${steps[*]} == *clip* ]] || steps+=(clip)
    for n in $counts; do steps+=("run-$b-$n"); done
    steps+=("compare-$b")
  done
fi
for s in "${steps[@]}"; do
  case $s in
    setup)
      [[ $device == gpu ]] || continue
      if staged pipeline-jni; then step setup 90 setup
      else echo "=== setup: waiting for jni.h (stage.sh)"; fi ;;
    export-small|export-official)
      b=${s#export-}
      [[ $device == gpu && -z $(eval echo "\${BUNDLE_$b:-}") ]] || continue
      step "$s" "$([[ $b == official ]] && echo 150 || echo 40)" env STATE="$state/pb" OUT="$work/pb-out" \
        DEADLINE="$(left)" gpu-machine/java-engine/pipeline-bench.sh "$s" ;;
    export-*) ;;
    clip)
      [[ -f $clip ]] || rm -f "$state/done-clip"      # markers go with the file: another CLIP_SIZE, SHARDS, ...
      if staged pipeline-jre app ffmpeg; then step clip 90 make_clip
      else echo "=== clip: waiting for the JRE, app jars and FFmpeg natives (stage.sh)"; fi ;;
    run-*)
      b=${s#run-}; variant=""
      [[ $b == *-opt ]] && { variant=opt; b=${b%-opt}; }
      [[ $b == *-again ]] && { variant=again; b=${b%-again}; }
      [[ $b == *-rapids-* ]] && { variant=rapids-${b##*-rapids-}; b=${b%-rapids-*}; }
      n=${b##*-}; b=${b%-*}
      if ! staged pipeline-jre app ffmpeg spark-jars; then echo "=== $s: waiting for stage.sh"; continue; fi
      if [[ $variant == rapids-* ]] && ! ls "$run"/rapids/rapids-4-spark_*.jar >/dev/null 2>&1; then
        echo "=== $s: waiting for the RAPIDS jar (stage.sh)"; continue
      fi
      if [[ $device == gpu && ! -f $state/done-setup ]]; then echo "=== $s: waiting for setup"; continue; fi
      if [[ ! -f $clip || ! -f $(bundle_dir "$b")/manifest.json ]]; then
        echo "=== $s: waiting for the clip and bundle $b"; continue
      fi
      step "$s" "$(estimate_run "$b" "$n")" spark_run "$b" "$n" $variant ;;
    compare-*)
      b=${s#compare-}
      runs_done=$(cd "$state" && ls done-run-"$b"-* 2>/dev/null | grep -v -e '-opt$' | tr '\n' ' ')  # incl. -again
      (( $(wc -w <<<"$runs_done") >= 2 )) || continue
      # again whenever another run finished since the last comparison
      [[ $(cat "$state/compared-$b" 2>/dev/null) == "$runs_done" ]] || rm -f "$state/done-$s"
      step "$s" 90 compare_outputs "$b" && echo "$runs_done" >"$state/compared-$b" ;;
    *) echo "unknown step $s"; failed=$((failed + 1)) ;;
  esac
done
echo; echo "=== results"
results
echo "=== done: $failed step(s) failed or skipped; $(( $(date +%s) - t_start ))s"
exit "$failed"
