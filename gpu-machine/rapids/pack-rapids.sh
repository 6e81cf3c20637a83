#!/usr/bin/env bash
# Makes the two RAPIDS components that pack-spark-payload.sh appends to the Spark payload (EXTRA_COMPONENTS):
#   rapids-4-spark_2.13-26.08.1-cuda13-spark413-sm90.jar.xz   the slimmed plugin jar (slim-rapids-jar.py), xz
#   rapids-deps.tar.xz   rapids/: Spark jars that the payload's pruned set lacks and the plugin needs:
#                        scala-parser-combinators (the executor plugin's init parses with it: NoClassDefFoundError
#                        without it, seen on the CPU rehearsal) and, as a precaution for GPU-only code paths the CPU
#                        rehearsal cannot reach, Arrow (HostColumnarToGpu refers to it) with flatbuffers
# stage.sh unpacks both into /tmp/spark-run/rapids/, and run-scaling.sh passes every jar there in --jars.
#
#   gpu-machine/rapids/pack-rapids.sh [OUT_DIR]          (default .device/rapids; keep it git-ignored)
# Needs: ./mvnw -pl jobs -Prapids validate (the full jar in jobs/target/rapids/), jobs/target/spark-home/jars (any
# test run of jobs). Each step is skipped when its output exists (the xz of the 704 MB jar took 1,116 s on 2 busy
# cores, 193 s of CPU). Environment: SHIM (spark413), SM (90), XZ_PRESET (4; on 30 MB of libcudf's code, --x86 with
# preset 2 / 4 / 6 gave 11.2 / 10.3 / 10.0 MB in 12 / 25 / 37 s of CPU: 6 would add ~10 min for ~4 MB less).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
out=${1:-.device/rapids}
shim=${SHIM:-spark413}
sm=${SM:-90}
full=jobs/target/rapids/rapids-4-spark_2.13-26.08.1-cuda13.jar
slim=$out/rapids-4-spark_2.13-26.08.1-cuda13-$shim-sm$sm.jar
mkdir -p "$out/components"
[[ -f $full ]] || { echo "missing $full: ./mvnw -pl jobs -Prapids validate" >&2; exit 2; }
if [[ ! -f $slim ]]; then
  python3 gpu-machine/rapids/slim-rapids-jar.py "$full" "$slim" --shim "$shim" --sm "$sm" | tee "$out/slim-sizes.md"
fi
if [[ ! -f $out/components/$(basename "$slim").xz ]]; then
  s0=$(date +%s)
  xz -T2 --x86 --lzma2=preset="${XZ_PRESET:-4}" -c "$slim" >"$out/components/tmp.xz"
  mv "$out/components/tmp.xz" "$out/components/$(basename "$slim").xz"
  echo "xz: $(( $(date +%s) - s0 )) s"
fi
tmp=$(mktemp -d)
mkdir "$tmp/rapids"
for j in scala-parser-combinators_2.13-*.jar arrow-format-*.jar arrow-memory-core-*.jar arrow-vector-*.jar \
  flatbuffers-java-*.jar; do
  cp jobs/target/spark-home/jars/$j "$tmp/rapids/"
done
tar -C "$tmp" --sort=name --owner=0 --group=0 --mtime=@0 -cf - rapids | xz -6 -T2 >"$out/components/rapids-deps.tar.xz"
rm -rf "$tmp"
for f in "$full" "$slim" "$out"/components/*; do
  printf '%-75s %8.1f MB\n' "${f#"$repo"/}" "$(awk -v s="$(stat -c %s "$f")" 'BEGIN {print s / 1e6}')"
done
echo "EXTRA_COMPONENTS=\"$(ls "$out"/components/rapids-*.jar.xz) $out/components/rapids-deps.tar.xz\""
