#!/usr/bin/env bash
# Does a RAPIDS jar start on Spark 4.1.3 as far as a machine without a GPU allows? Runs the job's driver (local[1],
# the restore job on a 160x96 cut of samples/cockatoo.mp4, 52 frames, with the tiny test bundle) through SparkSubmit with the jar in --jars and
# spark.plugins=com.nvidia.spark.SQLPlugin, twice: (1) executeOnGPU, the default, which must stop in the plugin's
# GPU initialisation for lack of a GPU, and (2) spark.rapids.sql.mode=explainOnly, which plans every query as if for
# the GPU and runs it on the CPU, so the job must finish and the driver log must name the operators that would have
# run on the GPU. Prints the ShimLoader's line, the first error, and the GPU-plan lines of each.
#
#   gpu-machine/rapids/check-plugin-cpu.sh JAR TREE [OUT_DIR]
# TREE: pack-spark-payload.sh's tree (TREE_ONLY=1 KEEP_BUILD=1: TREE/jre, TREE/spark-home/jars, TREE/app)
set -uo pipefail
jar=$(readlink -f "${1:?RAPIDS jar}")
extra=${EXTRA_JARS:-}   # comma-separated jars the payload's pruned Spark set lacks and the plugin needs
tree=$(readlink -f "${2:?payload tree}")
out=$(readlink -m "${3:-/tmp/rapids-check/$(basename "$jar" .jar)}")
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
read -r -a modopts <<<"$(sed -n 's:.*<spark.module.options>\(.*\)</spark.module.options>.*:\1:p' pom.xml)"
export DJL_CACHE_DIR=${DJL_CACHE_DIR:-$repo/target/cache/djl}
lib=$(ls -d "$DJL_CACHE_DIR"/pytorch/*-cpu-linux-x86_64 2>/dev/null | head -1)
[[ -n $lib ]] && export PYTORCH_LIBRARY_PATH=$lib PYTORCH_VERSION=$(basename "${lib%-cpu-linux-x86_64}") PYTORCH_FLAVOR=cpu
jobs_jar=$(ls "$tree"/app/swiftvr-jobs-*.jar | head -1)
rm -rf "$out"; mkdir -p "$out"
clip=$out/clip-160x96.mp4
"$tree/jre/bin/java" -Xmx1g -Dorg.bytedeco.javacpp.cachedir="$out/javacpp" -cp "$tree/app/*" \
  io.swiftvr.bench.ClipTools make-clip samples/cockatoo.mp4 "$clip" 160x96 52 24 48 >/dev/null || exit 1
for mode in executeOnGPU explainOnly; do
  d=$out/$mode
  mkdir -p "$d/tmp"
  t0=$(date +%s.%N)
  "$tree/jre/bin/java" "${modopts[@]}" -Xmx3g -Djava.io.tmpdir="$d/tmp" -Dai.djl.offline=true \
    -Dorg.bytedeco.javacpp.cachedir="$d/javacpp" -cp "$tree/app/*:$tree/spark-home/jars/*" \
    org.apache.spark.deploy.SparkSubmit --master 'local[1]' --jars "$jar${extra:+,$extra}" \
    --conf spark.plugins=com.nvidia.spark.SQLPlugin --conf spark.rapids.sql.mode="$mode" \
    --conf spark.rapids.sql.explain=ALL --conf spark.ui.enabled=false \
    --conf spark.eventLog.enabled=true --conf spark.eventLog.dir="file://$d" --conf spark.eventLog.compress=false \
    --class io.swiftvr.jobs.cli.Main "$jobs_jar" \
    run --input "$clip" --output "$d/out" --model udf/src/test/resources/bundles/tiny --device cpu \
    >"$d/driver.out" 2>"$d/driver.log"
  rc=$?
  echo "== $(basename "$jar") $mode: rc $rc in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s"
  grep -m2 -h -e "Loading shim for Spark version" -e "Found shims" "$d/driver.log"
  # the plugin's own error and its cause (Spark's local-mode heartbeat noise left out)
  grep -h -A1 "ERROR RapidsExecutorPlugin" "$d/driver.log" | grep -v "^\s*at " | head -2 | cut -c1-400
  tail -n 3 "$d/driver.out"
  grep -h -E "^ *[*!@#]Exec <|^ *[*!@#]Partitioning|^ *[*!@#]Expression" "$d/driver.log" | sort | uniq -c | sort -rn | head -12
done
