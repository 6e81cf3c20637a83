#!/usr/bin/env bash
# Packs everything the GPU machine needs to run the real Spark job (io.swiftvr.jobs.cli.Main run on a standalone master
# and worker started from plain java; the machine has no Java, no Spark, no network) and cuts it into parts of at
# most PART_MIB MiB, so that one part plus the repo (~25 MB) fits the 64 MiB a device call may carry.
#
#   gpu-machine/multi-gpu-run/pack-spark-payload.sh [OUT_DIR]       (default .device/spark; keep it git-ignored)
#
# Run it here after `./mvnw -q -B -o -pl jobs,bench -am package -DskipTests` (thin jars, jobs/target/classpath-*.txt)
# and a test-compile of jobs (jobs/target/spark-home/jars, Spark with its dependencies: any earlier test run made it).
# What it makes (OUT_DIR/build/ holds the pieces, OUT_DIR/payload.bin their concatenation):
#   pipeline/   pack-pipeline-payload.sh's JRE, FFmpeg natives and jni.h (stage.sh lays them out as that script's
#               payload, so pipeline-bench.sh can use them too), the JRE jlinked with Spark's modules below
#   spark-jars  Spark 4.1's jars without what a standalone run of our job does not load ($PRUNE below), stored
#               (uncompressed) and without other platforms' native libraries, one xz stream
#   app         our thin jars (shard-planner, udf, jobs; bench for ClipTools), their runtime dependencies that Spark
#               lacks; no DJL pytorch-jni/pytorch-native (the host's libtorch and our JNI), no S3 client (hadoop-aws,
#               AWS SDK: add them back for s3a://), the FFmpeg natives travel in pipeline/
# then OUT_DIR/part00, part01, ... (byte slices of payload.bin, in the order above, so the first call already brings
# the JRE and jni.h) and OUT_DIR/MANIFEST (component, offset, length, sha256; parts and their sha256). stage.sh
# appends the parts on the device and unpacks each component as soon as its bytes are complete.
# Environment: PART_MIB (36), SPARK_JRE_MODULES, KEEP_BUILD=1 keeps the unpacked tree in OUT_DIR/build/tree,
#   TREE_ONLY=1 stops after making that tree (with jre/ and app/ffmpeg-natives.jar) for trying a jar set,
#   EXTRA_COMPONENTS="FILE..." appends more components after Spark's jars (the RAPIDS jar: gpu-machine/rapids/),
#   PARTS_ONLY=1 re-cuts MANIFEST and parts from the components an earlier pack left in OUT_DIR/build/components.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/.device/spark}
part_mib=${PART_MIB:-36}
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
# Spark 4.1 on Java 17, checked by a standalone run of the job (local test in README.md): java.sql (Spark SQL),
# java.xml (Hadoop's Configuration), java.desktop (java.beans in every Spark JVM, the report's PNG chart), java.naming,
# java.security.jgss + jdk.security.auth (Hadoop's UserGroupInformation), java.management + jdk.management
# (metrics, executor memory), jdk.unsupported (sun.misc.Unsafe), jdk.incubator.vector (named by Spark's
# --add-modules option; a JVM without it refuses to start).
SPARK_JRE_MODULES=${SPARK_JRE_MODULES:-java.base,java.logging,java.management,jdk.management,jdk.unsupported,java.sql,java.xml,java.desktop,java.naming,java.security.jgss,jdk.security.auth,jdk.incubator.vector}

# Spark's jars (and their dependencies among our runtime jars) that a standalone run of the job does not load,
# found by running it (README.md, "Local test") with exactly what is left. Needed although they look optional:
# ivy (Spark's config), icu4j (StringType's collations), datasketches and jts-core (Parquet writing), scala-xml and
# metrics-json (master and worker UIs), paranamer, json4s-scalap, kryo/chill, scala-reflect, antlr4, stream,
# commons-collections4. Kept for error and logging paths: commons-text, log4j-1.2-api, RoaringBitmap.
PRUNE=(
  'rocksdbjni-*' 'leveldbjni-all-*'                       # history server / shuffle service stores (72 MB)
  'netty-codec-native-quic-*' 'netty-codec-classes-quic-*' 'netty-codec-http3-*'   # QUIC/HTTP3 (12 MB, 5 OSes)
  'netty-tcnative-*' 'netty-handler-ssl-ocsp-*'          # OpenSSL for spark.ssl (off)
  'netty-transport-native-kqueue-*' 'netty-transport-classes-kqueue-*' 'netty-resolver-dns-*'
  'netty-transport-native-epoll-*-linux-aarch_64.jar' 'netty-transport-native-epoll-*-linux-riscv64.jar'
  'netty-transport-native-io_uring-*' 'netty-transport-classes-io_uring-*'
  'netty-codec-mqtt-*' 'netty-codec-redis-*' 'netty-codec-stomp-*' 'netty-codec-smtp-*' 'netty-codec-memcache-*'
  'netty-codec-haproxy-*' 'netty-codec-xml-*' 'netty-codec-dns-*' 'netty-codec-socks-*' 'netty-handler-proxy-*'
  'netty-codec-protobuf-*' 'netty-codec-marshalling-*' 'protobuf-java-*'
  'netty-transport-sctp-*' 'netty-transport-udt-*' 'netty-transport-rxtx-*'
  'orc-*' 'hive-storage-api-*' 'threeten-extra-*' 'aircompressor-*'   # ORC (we write Parquet, snappy)
  'arrow-*' 'flatbuffers-java-*' 'py4j-*' 'pickle-*'     # Arrow, PySpark
  'curator-*' 'zookeeper-*' 'audience-annotations-*'     # master recovery through ZooKeeper
  'avro-*' 'xz-*' 'compress-lzf-*' 'commons-crypto-*' 'tink-*'   # Avro; lzf codec; I/O and RPC encryption (off)
  'xmlschema-core-*' 'univocity-parsers-*'               # XML and CSV data sources
  'jersey-*' 'hk2-*' 'javassist-*' 'osgi-resource-locator-*' 'aopalliance-repackaged-*' 'jakarta.ws.rs-api-*'
  'jakarta.validation-api-*' 'jakarta.inject-api-*' 'javax.servlet-api-*' 'jjwt-*'   # the driver UI's REST API
  'commons-math3-*' 'oro-*' 'scala-parser-combinators_*' 'scala-parallel-collections_*'
  'metrics-graphite-*' 'metrics-jmx-*' 'log4j-layout-template-json-*'
  'jsr305-*' 'javax.annotation-api-*' 'j2objc-annotations-*' 'jspecify-*'   # annotations only
)
pruned() {  # JAR_NAME: true when a PRUNE pattern matches
  local p
  for p in "${PRUNE[@]}"; do
    # shellcheck disable=SC2053 # a glob on purpose
    [[ $1 == $p ]] && return 0
  done
  return 1
}
# Runtime jars of our modules that stay behind: DJL's own JNI and libtorch (the host's replace them), the S3 client.
APP_DROP='^(pytorch-jni-|pytorch-native-|(hadoop-aws|analyticsaccelerator-s3|wildfly-openssl|httpclient|httpcore|commons-logging|reactive-streams|s3|s3-transfer-manager|sts|annotations|apache-client|arns|auth|aws-core|aws-query-protocol|aws-xml-protocol|checksums|checksums-spi|crt-core|endpoints-spi|eventstream|http-auth|http-auth-aws|http-auth-aws-eventstream|http-auth-spi|http-client-spi|identity-spi|json-utils|metrics-spi|netty-nio-client|profiles|protocol-core|regions|retries|retries-spi|sdk-core|third-party-jackson-core|utils)-[0-9])'
# Runtime jars that are ours (app/); every other runtime jar is one of Spark's dependencies and joins jars/.
APP_OWN='^(swiftvr-|api-0|pytorch-engine-|jna-|gson-|error_prone_annotations-|javacv-|javacpp-|ffmpeg-)'

cd "$repo"
for f in jobs/target/classpath-runtime.txt jobs/target/spark-home/jars; do
  [[ -e $f ]] || { echo "missing $f: build first (see the header)" >&2; exit 2; }
done
jobs_jar=$(ls jobs/target/swiftvr-jobs-*-SNAPSHOT.jar | grep -v -e -spark.jar -e -tests.jar | head -1)
build=$out/build
rm -rf "$out"/part[0-9]* "$out/MANIFEST" "$out/payload.bin"
if [[ -z ${PARTS_ONLY:-} ]]; then
rm -rf "$build/tree" "$build/components"
mkdir -p "$build/tree/spark-home/jars" "$build/tree/app" "$build/components"

# 1. JRE, FFmpeg natives, jni.h: pack-pipeline-payload.sh with the Spark module set (its JRE is rebuilt only when
#    the module list changes; its lib/ is not used here).
JRE_MODULES=$SPARK_JRE_MODULES gpu-machine/java-engine/pack-pipeline-payload.sh "$build/pipeline" >/dev/null
tar -C "$build/pipeline" -cf "$build/components/pipeline-jni.tar" jni-include
cp "$build/pipeline/jre.tar.xz" "$build/components/pipeline-jre.tar.xz"
cp "$build/pipeline"/ffmpeg-*.tar.xz "$build/components/"
ffmpeg_component=$(cd "$build/components" && ls ffmpeg-*.tar.xz)

# 2. Spark's jars (pruned) and ours.
spark_jars=()
for jar in jobs/target/spark-home/jars/*.jar; do
  pruned "$(basename "$jar")" || spark_jars+=("$jar")
done
mapfile -t runtime < <(tr ':' '\n' <jobs/target/classpath-runtime.txt | grep '\.jar$')
bench_jar=$(ls bench/target/swiftvr-bench-*-SNAPSHOT.jar | grep -v -e -tests.jar | head -1) # ClipTools
app_jars=("$jobs_jar" "$bench_jar")
for jar in "${runtime[@]}"; do
  name=$(basename "$jar")
  [[ $name =~ $APP_DROP ]] && continue
  [[ $name == ffmpeg-*-linux-x86_64* ]] && continue          # the natives: pipeline/ffmpeg-*.tar.xz
  [[ -e jobs/target/spark-home/jars/$name ]] && continue     # Spark has it already
  if [[ $name =~ $APP_OWN ]]; then app_jars+=("$jar"); elif ! pruned "$name"; then spark_jars+=("$jar"); fi
done
python3 "$here/repack-jars.py" "$build/tree/spark-home/jars" "${spark_jars[@]}" >"$build/repack-spark.txt"
python3 "$here/repack-jars.py" "$build/tree/app" "${app_jars[@]}" >"$build/repack-app.txt"
echo "spark-home/jars: ${#spark_jars[@]} jars, $(du -sm "$build/tree/spark-home/jars" | cut -f1) MB stored;" \
  "app: $(ls "$build/tree/app" | wc -l) jars, $(du -sm "$build/tree/app" | cut -f1) MB stored"

if [[ -n ${TREE_ONLY:-} ]]; then   # for trying a jar set: the tree is ready to run (see README.md), nothing packed
  xz -dc "$build/components/pipeline-jre.tar.xz" | tar -xf - -C "$build/tree"
  gpu-machine/java-engine/ffmpeg-natives-jar.sh "$build/components/$ffmpeg_component" "$build/tree/app/ffmpeg-natives.jar"
  echo "tree: $build/tree"; exit 0
fi
xz_tree() {  # COMPONENT DIR...: one xz stream over the folders below $build/tree
  local name=$1; shift
  tar -C "$build/tree" --sort=name --owner=0 --group=0 --mtime=@0 -cf - "$@" | xz -9 -T2 >"$build/components/$name"
}
xz_tree app.tar.xz app
xz_tree spark-jars.tar.xz spark-home
fi

# 3. payload.bin = the components in this order; MANIFEST; parts.
ffmpeg_component=$(cd "$build/components" && ls ffmpeg-*.tar.xz)
for f in ${EXTRA_COMPONENTS:-}; do cp "$f" "$build/components/"; done
order=(pipeline-jni.tar pipeline-jre.tar.xz app.tar.xz "$ffmpeg_component" spark-jars.tar.xz)
for f in ${EXTRA_COMPONENTS:-}; do order+=("$(basename "$f")"); done
offset=0
: >"$out/payload.bin"
{
  echo "# component offset length sha256   (stage.sh: gpu-machine/multi-gpu-run/stage.sh)"
  for c in "${order[@]}"; do
    f=$build/components/$c
    len=$(stat -c %s "$f")
    echo "component $c $offset $len $(sha256sum "$f" | cut -d' ' -f1)"
    cat "$f" >>"$out/payload.bin"
    offset=$((offset + len))
  done
} >"$out/MANIFEST.tmp"
total=$offset
limit=$((part_mib * 1024 * 1024))
parts=$(( (total + limit - 1) / limit ))
size=$(( (total + parts - 1) / parts ))          # equal parts, each at most PART_MIB MiB
split -b "$size" -d -a 2 "$out/payload.bin" "$out/part"
{
  cat "$out/MANIFEST.tmp"
  echo "total $total $(sha256sum "$out/payload.bin" | cut -d' ' -f1)"
  for p in "$out"/part[0-9][0-9]; do
    echo "part $(basename "$p") $(stat -c %s "$p") $(sha256sum "$p" | cut -d' ' -f1)"
  done
} >"$out/MANIFEST"
rm -f "$out/MANIFEST.tmp" "$out/payload.bin"
[[ -n ${KEEP_BUILD:-} ]] || rm -rf "$build/tree"

echo "components:"
awk '$1 == "component" {printf "  %-40s %6.1f MB  (offset %d)\n", $2, $4 / 1e6, $3}' "$out/MANIFEST"
echo "total $(awk -v t="$total" 'BEGIN {printf "%.1f MB (%.1f MiB)", t / 1e6, t / 1048576}') in $parts part(s):"
for p in "$out"/part[0-9][0-9]; do
  echo "  ${p#"$repo"/}  $(awk -v s="$(stat -c %s "$p")" 'BEGIN {printf "%.1f MiB", s / 1048576}')"
done
echo "carry per call: [\"${out#"$repo"/}/MANIFEST\", \"${out#"$repo"/}/partNN\"]"
