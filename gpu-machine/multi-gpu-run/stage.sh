#!/usr/bin/env bash
# Stages the payload of pack-spark-payload.sh on the GPU machine, one part per device call (from the repo root there,
# with PAYLOAD_DIR/MANIFEST and one or more PAYLOAD_DIR/partNN carried). Parts are checked against the MANIFEST and
# appended in order to $ROOT/spark-stage/payload.bin (a part that arrives early waits there for its turn); every
# component whose bytes are complete is checked (sha256) and unpacked at once into $ROOT/spark-run:
#   jre/                 the JRE (Spark's module set)
#   spark-home/jars/     Spark's jars (SPARK_HOME for the master, worker and executors)
#   app/                 our jars (bench's for ClipTools), their dependencies, and ffmpeg-natives.jar (rebuilt from the xz tar)
#   pipeline/            jre.tar.xz, ffmpeg-*.tar.xz, jni-include/: a payload for pipeline-bench.sh's setup
#   rapids/              the RAPIDS Accelerator jar and the Spark jars it needs beyond the pruned set, when the pack
#                        had them (EXTRA_COMPONENTS; gpu-machine/rapids/README.md)
# Idempotent (markers in $ROOT/spark-stage); a MANIFEST of another payload starts over. Prints what is still missing;
# exits 0 unless a part or component fails its checksum (1) or nothing was carried (2).
#
#   gpu-machine/multi-gpu-run/stage.sh [PAYLOAD_DIR]          (default .device/spark)
# Environment: ROOT (/tmp; the local test stages into a temporary folder instead)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
payload=$(readlink -m "${1:-$repo/.device/spark}")
root=$(readlink -m "${ROOT:-/tmp}")
stage=$root/spark-stage
run=$root/spark-run
manifest=$payload/MANIFEST
[[ -f $manifest ]] || { echo "stage.sh: no $manifest: carry it with the part" >&2; exit 2; }
mkdir -p "$stage"
if [[ -f $stage/MANIFEST ]] && ! cmp -s "$manifest" "$stage/MANIFEST"; then
  echo "stage.sh: another payload was staged before; starting over"
  rm -rf "$stage" "$run"
  mkdir -p "$stage"
fi
cp "$manifest" "$stage/MANIFEST"
mapfile -t part_names < <(awk '$1 == "part" {print $2}' "$manifest")
bad=0

# 1. Carried parts: checked, kept until their turn.
for p in "$payload"/part[0-9][0-9]; do
  [[ -e $p ]] || continue
  name=$(basename "$p")
  [[ -f $stage/$name.appended || -f $stage/$name ]] && { echo "$name: staged in an earlier call"; continue; }
  read -r size sum < <(awk -v n="$name" '$1 == "part" && $2 == n {print $3, $4}' "$manifest") || true
  if [[ -z ${sum:-} ]]; then echo "$name: not in the MANIFEST"; bad=1; continue; fi
  if [[ $(stat -L -c %s "$p") != "$size" || $(sha256sum "$p" | cut -d' ' -f1) != "$sum" ]]; then
    echo "$name: CHECKSUM MISMATCH (carried file damaged or from another pack)"; bad=1; continue
  fi
  cp "$p" "$stage/$name.tmp" && mv "$stage/$name.tmp" "$stage/$name"
  echo "$name: received ($(( size / 1048576 )) MiB)"
done

# 2. Append in order.
for name in "${part_names[@]}"; do
  [[ -f $stage/$name.appended ]] && continue
  [[ -f $stage/$name ]] || break
  cat "$stage/$name" >>"$stage/payload.bin"
  rm "$stage/$name"
  touch "$stage/$name.appended"
done
have=$(stat -c %s "$stage/payload.bin" 2>/dev/null || echo 0)

# 3. Unpack every complete component.
unpack() {  # COMPONENT FILE
  case $1 in
    pipeline-jni.tar) mkdir -p "$run/pipeline" && tar -xf "$2" -C "$run/pipeline" ;;
    pipeline-jre.tar.xz)
      mkdir -p "$run/pipeline" && cp "$2" "$run/pipeline/jre.tar.xz"
      rm -rf "$run/jre" && xz -dc "$2" | tar -xf - -C "$run" ;;
    ffmpeg-*.tar.xz)
      mkdir -p "$run/pipeline" "$run/app" && cp "$2" "$run/pipeline/$1"
      rm -f "$run/app/ffmpeg-natives.jar"
      "$repo/gpu-machine/java-engine/ffmpeg-natives-jar.sh" "$run/pipeline/$1" "$run/app/ffmpeg-natives.jar" ;;
    app.tar.xz | spark-jars.tar.xz | rapids-deps.tar.xz) mkdir -p "$run" && xz -dc "$2" | tar -xf - -C "$run" ;;
    rapids-*.jar.xz) mkdir -p "$run/rapids" && xz -dc -T0 "$2" >"$run/rapids/${1%.xz}" ;;
    *) echo "unknown component $1"; return 1 ;;
  esac
}
missing=()
while read -r _ name offset length sum; do
  marker=$stage/unpacked-$name
  if [[ -f $marker ]]; then continue; fi
  if (( offset + length > have )); then missing+=("$name"); continue; fi
  tmp=$stage/component.tmp
  dd if="$stage/payload.bin" of="$tmp" bs=4M iflag=skip_bytes,count_bytes skip="$offset" count="$length" status=none
  if [[ $(sha256sum "$tmp" | cut -d' ' -f1) != "$sum" ]]; then
    echo "$name: CHECKSUM MISMATCH"; bad=1; rm -f "$tmp"; continue
  fi
  s0=$(date +%s)
  if unpack "$name" "$tmp"; then
    touch "$marker"; echo "$name: unpacked ($(( length / 1048576 )) MiB, $(( $(date +%s) - s0 ))s)"
  else
    echo "$name: UNPACK FAILED"; bad=1
  fi
  rm -f "$tmp"
done < <(awk '$1 == "component"' "$manifest")

waiting=()
for name in "${part_names[@]}"; do
  [[ -f $stage/$name.appended || -f $stage/$name ]] || waiting+=("$name")
done
if (( ${#missing[@]} == 0 )); then
  rm -f "$stage/payload.bin"
  echo "stage.sh: READY: everything unpacked in $run ($(du -sm "$run" | cut -f1) MB)"
else
  echo "stage.sh: still missing part(s) ${waiting[*]:-?} (for ${missing[*]}); unpacked: $(cd "$stage" && ls unpacked-* 2>/dev/null | sed 's/^unpacked-//' | tr '\n' ' ')"
fi
exit "$bad"
