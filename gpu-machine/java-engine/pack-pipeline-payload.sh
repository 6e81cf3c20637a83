#!/usr/bin/env bash
# Packs what the GPU machine needs to run the whole Java restore path (RestoreBenchmark: FFmpeg decode → DJL +
# our JNI → FFmpeg encode): ~45 MB. With the repository's tracked files (~29 MiB on 2026-12-06) that is more than the
# 64 MiB a call carries, so it goes in two calls back to back (/tmp survives while the machine stays warm); the script
# prints both carry lists and the sizes at the end. Run on the device on 2026-12-06 (issue 28; docs/benchmarks-gpu.md):
#   call 1  carry [".device/pipeline/ffmpeg-8.0.1-1.5.13-linux-x86_64-gpl.tar.xz", ".device/pipeline/jni-include"]
#           gpu-machine/java-engine/ffmpeg-natives-jar.sh .device/pipeline/ffmpeg-*.tar.xz /tmp/svb-natives/ffmpeg-natives.jar
#           (and whatever needs no Java: the JNI build, the bundle export)
#   call 2  carry [".device/pipeline/jre.tar.xz", ".device/pipeline/lib", ".device/pipeline/jni-include",
#                  ".device/pipeline/clips"]
#           gpu-machine/java-engine/pipeline-bench.sh ...   (setup finds the natives jar the first call made)
# Contents: a slim JRE (xz), the runtime
# jars without DJL's pytorch-jni/pytorch-native (the host's libtorch and our JNI replace them) and without the
# FFmpeg natives jar, that jar's shared libraries (xz; its ffmpeg/ffprobe executables left out), jni.h,
# JniSmoke, and a 56 s clip for steady-state runs (joined by an `ffmpeg` command, or where none is installed by the
# ffmpeg executable inside JavaCV's natives jar). pipeline-bench.sh unpacks it to /tmp there and rebuilds the FFmpeg
# natives jar. Run here after `./mvnw -q -B -o -pl bench -am install -DskipTests`.
#
#   gpu-machine/java-engine/pack-pipeline-payload.sh [PAYLOAD_DIR]      (default .device/pipeline; keep it git-ignored)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
payload=${1:-$repo/.device/pipeline}
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}

mkdir -p "$payload/lib" "$payload/jni-include/linux"
rm -f "$payload"/lib/*.jar
cd "$repo"
cp=$(mktemp)
./mvnw -q -B -o -pl bench dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$cp"
natives=$(tr ':' '\n' <"$cp" | grep -E '/ffmpeg-[^/]*-linux-x86_64(-gpl)?\.jar$' | head -1)
tr ':' '\n' <"$cp" | grep -v -e pytorch-native -e pytorch-jni -e error_prone -e junit -e opentest4j -e apiguardian \
    -e -tests.jar | grep -v -x -F "$natives" | while read -r jar; do cp "$jar" "$payload/lib/"; done
rm -f "$cp"
if ! ls "$payload"/lib/slf4j-simple-*.jar >/dev/null 2>&1; then
  api=$(basename "$payload"/lib/slf4j-api-*.jar .jar); version=${api#slf4j-api-}
  cp "$HOME/.m2/repository/org/slf4j/slf4j-simple/$version/slf4j-simple-$version.jar" "$payload/lib/"
fi
rm -f "$payload"/lib/swiftvr-udf-*.jar
cp udf/target/swiftvr-udf-*-SNAPSHOT.jar bench/target/swiftvr-bench-*-SNAPSHOT.jar "$payload/lib/"
rm -f "$payload"/lib/*-tests.jar
cp "$jdk/include/jni.h" "$payload/jni-include/"
cp "$jdk/include/linux/jni_md.h" "$payload/jni-include/linux/"

classes=$(mktemp -d)
javac -cp "$payload/lib/*" -d "$classes" native/djl-torch-jni/test/JniSmoke.java
jar cf "$payload/lib/jni-smoke.jar" -C "$classes" .
rm -rf "$classes"

# A clip long enough for the pipeline's steady state: samples/cockatoo.mp4 four times over (1,120 frames, 56 s;
# 47 chunks, about a default 40-chunk shard plus its warm-up), joined without re-encoding by FFmpeg's concat demuxer.
# Made before the long compressions below, with the `ffmpeg` command or else the executable in JavaCV's natives jar
# (which runs with that jar's libraries beside it).
if [[ ! -f "$payload/clips/cockatoo-x4.mp4" ]]; then
  mkdir -p "$payload/clips"
  ffmpeg_dir=""
  if command -v ffmpeg >/dev/null; then
    ffmpeg_cmd=(ffmpeg)
  else
    ffmpeg_dir=$(mktemp -d)
    unzip -q "$natives" 'org/bytedeco/ffmpeg/linux-x86_64/*' -d "$ffmpeg_dir"
    libs=$ffmpeg_dir/org/bytedeco/ffmpeg/linux-x86_64
    [[ -x $libs/ffmpeg ]] || { echo "no ffmpeg command and no ffmpeg executable in $natives" >&2; exit 1; }
    echo "no ffmpeg command: joining the long clip with JavaCV's $libs/ffmpeg"
    ffmpeg_cmd=(env "LD_LIBRARY_PATH=$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$libs/ffmpeg")
  fi
  list=$(mktemp)
  for _ in 1 2 3 4; do echo "file '$repo/samples/cockatoo.mp4'"; done >"$list"
  "${ffmpeg_cmd[@]}" -v error -y -f concat -safe 0 -i "$list" -c copy "$payload/clips/cockatoo-x4.mp4"
  rm -f "$list"
  [[ -n $ffmpeg_dir ]] && rm -rf "$ffmpeg_dir"
fi

# FFmpeg natives: the jar's libraries, xz-compressed (31 MB as a jar, ~21 MB so); rebuilt into a jar on the device.
name=$(basename "$natives" .jar)
if [[ ! -f "$payload/$name.tar.xz" ]]; then
  rm -f "$payload"/ffmpeg-*.tar.xz
  tmp=$(mktemp -d)
  (cd "$tmp" && unzip -q "$natives" && rm -f org/bytedeco/ffmpeg/*/ffmpeg org/bytedeco/ffmpeg/*/ffprobe \
     && tar -cf - . | xz -9 -T"$(nproc)" >"$payload/$name.tar.xz")
  rm -rf "$tmp"
fi
# The JRE: a jlink image of the local JDK with only the modules this path needs (checked: FFmpeg decode/encode
# through JavaCV, DJL, Gson, JNA, CudaUtils' MemoryUsage), left uncompressed by jlink so that xz gets it down to
# ~12.5 MB (pack-jre.sh's general image: ~29.5 MB). JRE_MODULES overrides the list.
modules=${JRE_MODULES:-java.base,java.logging,java.management,jdk.unsupported,java.xml,java.sql}
if [[ ! -f "$payload/jre.tar.xz" || "$(cat "$payload/jre.modules" 2>/dev/null)" != "$modules" ]]; then
  tmp=$(mktemp -d)
  "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=0 \
    --output "$tmp/jre"
  tar -C "$tmp" -cf - jre | xz -9 -T"$(nproc)" >"$payload/jre.tar.xz"
  echo "$modules" >"$payload/jre.modules"
  rm -rf "$tmp"
fi
du -sh "$payload"; ls -la "$payload" "$payload/lib"
# What a call carries: the repository's tracked and untracked-not-ignored files plus the carried paths, 64 MiB in all.
mib() { awk '{ s += $1 } END { printf "%.1f", s / 1048576 }'; }
tree=$(git ls-files -z --cached --others --exclude-standard | xargs -0 stat -c %s 2>/dev/null | mib)
all=$(du -sb "$payload" | awk '{print $1}' | mib)
ff=$(stat -c %s "$payload"/ffmpeg-*.tar.xz | mib)
echo "working tree ${tree} MiB + payload ${all} MiB = $(awk "BEGIN { print $tree + $all }") MiB (a call carries 64 MiB)"
echo "call 1: ${tree} + $ff MiB: carry [\"${payload#"$repo"/}/$(basename "$payload"/ffmpeg-*.tar.xz)\", \"${payload#"$repo"/}/jni-include\"]"
echo "call 2: ${tree} + $(awk "BEGIN { print $all - $ff }") MiB: carry [\"${payload#"$repo"/}/jre.tar.xz\", \"${payload#"$repo"/}/lib\", \"${payload#"$repo"/}/jni-include\", \"${payload#"$repo"/}/clips\"]"
