#!/usr/bin/env bash
# Packs what the GPU machine needs besides the repo for device-check.sh: a Java runtime, the jars EngineCheck and
# JniSmoke use (no FFmpeg, no DJL pytorch-jni/pytorch-native: the host's libtorch and our JNI replace them), the
# JNI headers to compile against, and JniSmoke compiled. Run here after `./mvnw -q -B -o -pl bench -am install
# -DskipTests`; name the folder in the device call's `carry` (it must stay git-ignored, e.g. under .device/).
#
#   gpu-machine/java-engine/pack-payload.sh [PAYLOAD_DIR]      (default .device/payload)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
payload=${1:-$repo/.device/payload}
pack_jre=${PACK_JRE:-$repo/../shared/device/pack-jre.sh}
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}

mkdir -p "$payload/lib" "$payload/jni-include/linux"
rm -f "$payload"/lib/*.jar
cd "$repo"
cp=$(mktemp)
./mvnw -q -B -o -pl bench dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$cp"
tr ':' '\n' <"$cp" | grep -v -e pytorch-native -e pytorch-jni -e javacv -e javacpp -e /ffmpeg/ -e error_prone -e junit -e opentest4j -e apiguardian \
  | while read -r jar; do cp "$jar" "$payload/lib/"; done
rm -f "$cp"
# A logger binding for the standalone programs (the udf module has slf4j-simple for its tests only).
if ! ls "$payload"/lib/slf4j-simple-*.jar >/dev/null 2>&1; then
  api=$(basename "$payload"/lib/slf4j-api-*.jar .jar); version=${api#slf4j-api-}
  cp "$HOME/.m2/repository/org/slf4j/slf4j-simple/$version/slf4j-simple-$version.jar" "$payload/lib/"
fi
cp udf/target/swiftvr-udf-*-SNAPSHOT.jar bench/target/swiftvr-bench-*-SNAPSHOT.jar "$payload/lib/"
rm -f "$payload"/lib/*-tests.jar
cp "$jdk/include/jni.h" "$payload/jni-include/"
cp "$jdk/include/linux/jni_md.h" "$payload/jni-include/linux/"

classes=$(mktemp -d)
javac -q -cp "$payload/lib/*" -d "$classes" native/djl-torch-jni/test/JniSmoke.java 2>/dev/null \
  || javac -cp "$payload/lib/*" -d "$classes" native/djl-torch-jni/test/JniSmoke.java
jar cf "$payload/lib/jni-smoke.jar" -C "$classes" .
rm -rf "$classes"

[[ -f "$payload/jre.tgz" ]] || bash "$pack_jre" "$payload/jre.tgz"
du -sh "$payload"; ls "$payload/lib"
