#!/bin/bash
# Parity of our converted network with the official SwiftVR release, on the GPU machine (README.md beside this).
# From the repository root, with .ref/ carried: bash gpu-machine/parity/run_gpu.sh [parity.py options]
set -o pipefail
OUT=${OUT:-/tmp/parity-out}
mkdir -p "$OUT" /tmp/ref
tar xJf .ref/swiftvr-7cb5de2.tar.xz -C /tmp/ref || exit 1
tar xJf .ref/diffusers-v0.36.0-src.tar.xz -C /tmp/ref || exit 1
export PYTHONPATH=$PWD/model PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$OUT/machine.txt"
python3 -c 'import torch, cv2, accelerate, huggingface_hub; print("torch", torch.__version__, "opencv", cv2.__version__,
"accelerate", accelerate.__version__, "huggingface_hub", huggingface_hub.__version__)' | tee -a "$OUT/machine.txt"
python3 gpu-machine/parity/parity.py --ref /tmp/ref --ckpt /tmp/parity-ckpt --out "$OUT" --layers "${LAYERS:-30}" "$@" \
  2>&1 | tee "$OUT/parity.log"
