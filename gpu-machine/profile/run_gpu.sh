#!/bin/bash
# The profile of issue 28 on the GPU machine (README.md beside this), from the repository root:
#   bash gpu-machine/profile/run_gpu.sh [speed_profile.py options]        # OUT=$OUT; DEADLINE=540 (s, inside the call)
set -o pipefail
OUT=${OUT:-/tmp/profile-out}
mkdir -p "$OUT"
export PYTHONPATH=$PWD/model PYTHONUNBUFFERED=1
{
  date -u
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,clocks.sm,temperature.gpu,power.limit --format=csv
  python3 -c 'import torch; print("torch", torch.__version__, "CUDA", torch.version.cuda, "cuDNN", torch.backends.cudnn.version())'
  echo "cores $(nproc)"
} 2>&1 | tee "$OUT/machine.txt"
timeout "${TIMEOUT:-585}" python3 gpu-machine/profile/speed_profile.py --out "$OUT" --deadline "${DEADLINE:-540}" "$@" 2>&1 \
  | grep -v '^USDT:' | tee "$OUT/profile.log"
rc=$?
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,memory.used --format=csv | tee -a "$OUT/machine.txt"
exit $rc
