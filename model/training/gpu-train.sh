#!/usr/bin/env bash
# One training call on the GPU machine: any number of swiftvr.train runs side by side, each with its own
# arguments; run i (counting from 0) goes to GPU i mod the number of visible GPUs, so with more runs
# than GPUs several processes share one GPU. Sharing runs experiments side by side; it did not add
# throughput: two joint runs on one H200 made 3,757 steps in 520 s together (about 225 ms a step
# each), the rate of one such run alone (2,901 steps in 400 s). Then each run's checkpoint and logs
# are copied to $OUT (the device returns at most 8 files of 16 MiB: per run
# the float16 checkpoint parts, 2 for config `small`, plus one tar of ckpt.json, loss.csv, val.csv and
# the console log; so at most 2-3 runs per call).
# Carry model/data/cache/pack (and the checkpoint folders named by --resume).
#
#   model/training/gpu-train.sh NAME "TRAIN ARGS..." [NAME "TRAIN ARGS..."]...
#   e.g. model/training/gpu-train.sh a "--init-from models/swiftvr-small --schedule detail:320,joint:180 --reuse 4"
# Each NAME trains into /tmp/train/NAME (kept while the machine stays warm, so a next call can
# --resume /tmp/train/NAME, also into the same folder: swiftvr.train then appends to its CSVs) and lands
# in $OUT/NAME-*.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
out=${OUT:?OUT must name the folder whose files come back}
(( $# >= 2 && $# % 2 == 0 )) || { echo "usage: $0 NAME \"ARGS\" [NAME \"ARGS\"]..." >&2; exit 2; }
gpus=$(nvidia-smi --query-gpu=index --format=csv,noheader | wc -l)
(( gpus >= 1 )) || { echo "no GPU visible" >&2; exit 2; }
nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader
mkdir -p /tmp/train
pids=() names=() run=0
while (( $# )); do
  name=$1 args=$2; shift 2
  gpu=$((run % gpus)); run=$((run + 1))
  echo "== $name on GPU $gpu: $args"
  # the package runs from the tree (PYTHONPATH), uninstalled: the GPU machine has no package index
  # shellcheck disable=SC2086  # the arguments are a word list on purpose
  CUDA_VISIBLE_DEVICES=$gpu PYTHONPATH="$repo/model" python3 -m swiftvr.train --out "/tmp/train/$name" $args \
    >"/tmp/train/$name.log" 2>&1 &
  pids+=($!) names+=("$name")
done
status=0
for i in "${!pids[@]}"; do
  if wait "${pids[$i]}"; then echo "== ${names[$i]}: ok"; else echo "== ${names[$i]}: FAILED"; status=1; fi
done
for name in "${names[@]}"; do
  tail -n 4 "/tmp/train/$name.log"
  cp "/tmp/train/$name.log" "/tmp/train/$name/console.log"
  for part in /tmp/train/"$name"/ckpt-*.pt; do [[ -f $part ]] && cp "$part" "$out/$name-$(basename "$part")"; done
  tar -C /tmp/train/"$name" -cf "$out/$name-meta.tar" --exclude='ckpt-*.pt' .
done
exit $status
