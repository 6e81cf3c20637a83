#!/usr/bin/env bash
# One GPU call that trains a candidate, exports it and times it against shipped bundles, so that the figures of a
# new default model come from the machine and the call that made it (issue 29):
#   1. gpu-train.sh NAME "TRAIN ARGS" (checkpoint parts and logs to $OUT, as there);
#   2. the checkpoint exported as a bfloat16 bundle in /tmp/bundle-NAME (export.py; its warm-up is measured to 1e-3
#      only, so that a fusion whose past fades slowly cannot stop the call: the bundle is for timing and evaluation,
#      the one that ships is exported again on the CPU with the threshold of the shipped bundles);
#   3. swiftvr.bench_gpu --torchscript on the new bundle and on each BUNDLE given, at 1920x1080 and 2560x1440
#      (model-only FPS, peak memory), into $OUT/bench.txt.
# Carry a pack with the training photos (--pack in the arguments, or model/data/cache/pack).
#
#   model/training/gpu-train-export-bench.sh NAME "TRAIN ARGS" [BUNDLE...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:?OUT must name the folder whose files come back}
(( $# >= 2 )) || { echo "usage: $0 NAME \"TRAIN ARGS\" [BUNDLE...]" >&2; exit 2; }
name=$1 args=$2; shift 2
export PYTHONUNBUFFERED=1
"$repo/model/training/gpu-train.sh" "$name" "$args"
cd "$repo/model"
python3 -c "import json, sys; json.dump(json.load(open(sys.argv[1]))['config'], open(sys.argv[2], 'w'), indent=1)" \
  "/tmp/train/$name/ckpt.json" "/tmp/$name-config.json"
python3 -m swiftvr.training.checkpoint "/tmp/train/$name" "/tmp/$name.pt"
python3 -m swiftvr.export --config "/tmp/$name-config.json" --checkpoint "/tmp/$name.pt" --bf16 --drop-float32 \
  --no-goldens --warmup-threshold 1e-3 --out "/tmp/bundle-$name" --description "candidate $name" 2>&1 | tail -n 3
for module in "/tmp/bundle-$name/restorer-bf16.pt" "${@/%//restorer-bf16.pt}"; do
  python3 -m swiftvr.bench_gpu --torchscript "$module" --resolutions 1920x1080 2560x1440
done 2>&1 | tee "$out/bench.txt"
