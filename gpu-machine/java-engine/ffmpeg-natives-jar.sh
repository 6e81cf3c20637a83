#!/usr/bin/env bash
# Rebuilds the FFmpeg natives jar on the GPU machine from the xz tar that pack-pipeline-payload.sh carries (the
# jar's libraries without its ffmpeg/ffprobe executables); the machine has python3 but no zip or jar command.
# Does nothing when JAR exists.
#   gpu-machine/java-engine/ffmpeg-natives-jar.sh FFMPEG_TAR_XZ JAR
set -euo pipefail
src=$(readlink -f "$1"); jar=$2
[[ -f $jar ]] && exit 0
mkdir -p "$(dirname "$jar")"
tmp=$(mktemp -d "$(dirname "$jar")/.natives.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
xz -dc "$src" | tar -xf - -C "$tmp"
(cd "$tmp" && python3 -m zipfile -c natives.jar META-INF org)
mv "$tmp/natives.jar" "$jar"
