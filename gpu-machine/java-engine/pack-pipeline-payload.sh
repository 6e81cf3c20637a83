#!/usr/bin/env bash
# Packs what the GPU machine needs to run the whole Java restore path (RestoreBenchmark: FFmpeg decode → DJL +
# our JNI → FFmpeg encode) (~44 MB). Since the fifth default model (19.0 MB bundle, 2026-11-23) the repo's tracked
# files are 23.2 MB, and the two together are 64.1 MiB, just over the 64 MiB a call carries. So it goes in two calls
# back to back (/tmp survives while the machine stays warm); this two-call form has not yet run on the device:
#   carry [".device/pipeline/ffmpeg-8.0.1-1.5.13-linux-x86_64-gpl.tar.xz"]
#     gpu-machine/java-engine/ffmpeg-natives-jar.sh .device/pipeline/ffmpeg-*.tar.xz /tmp/svb-natives/ffmpeg-natives.jar
#   carry [".device/pipeline/jre.tar.xz", ".device/pipeline/lib", ".device/pipeline/jni-include", ".device/pipeline/clips"]
#     gpu-machine/java-engine/pipeline-bench.sh ...   (setup finds the natives jar the first call made)
# Contents: a slim JRE (xz), the runtime
# jars without DJL's pytorch-jni/pytorch-native (the host's libtorch and our JNI replace them) and without the
# FFmpeg natives jar, that jar's shared libraries (xz; its ffmpeg/ffprobe executables left out), jni.h,
# JniSmoke, and a 56 s clip for steady-state runs. pipeline-bench.sh unpacks it to /tmp there and rebuilds the FFmpeg natives jar.
# Run here after `./mvnw -q -B -o -pl bench -am install -DskipTests`.
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
# A clip long enough for the pipeline's steady state: samples/cockatoo.mp4 four times over (1,120 frames, 56 s;
# 47 chunks, about a default 40-chunk shard plus its warm-up), joined without re-encoding by FFmpeg's concat demuxer.
if [[ ! -f "$payload/clips/cockatoo-x4.mp4" ]]; then
  command -v ffmpeg >/dev/null || { echo "ffmpeg (the command) is needed once to make the long clip" >&2; exit 1; }
  mkdir -p "$payload/clips"
  list=$(mktemp)
  for _ in 1 2 3 4; do echo "file '$repo/samples/cockatoo.mp4'"; done >"$list"
  ffmpeg -v error -y -f concat -safe 0 -i "$list" -c copy "$payload/clips/cockatoo-x4.mp4"
  rm -f "$list"
fi
du -sh "$payload"; ls -la "$payload" "$payload/lib"
