# Sourced by the GPU machine's scripts (pipeline-bench.sh, gpu-machine/multi-gpu-run/run-scaling.sh): finds the
# host's PyTorch and exports what DJL needs to use it with our JNI library (build.sh --install):
#   TORCH (the torch package folder), TORCH_VERSION_SHORT, TORCH_FLAVOR, CUDART_DIR (libcudart of the CUDA wheels,
#   for JNA: -Djna.library.path), and DJL_CACHE_DIR (/tmp/djl-cache unless set), PYTORCH_LIBRARY_PATH,
#   PYTORCH_VERSION, PYTORCH_FLAVOR, PYTHONUNBUFFERED.
eval "$(python3 - <<'PY'
import glob, os, torch
d = os.path.dirname(torch.__file__)
print(f"TORCH={d!r}")
print(f"TORCH_VERSION_SHORT={torch.__version__.split('+')[0]!r}")
print(f"TORCH_FLAVOR={('cu' + torch.version.cuda.replace('.', '')) if torch.version.cuda else 'cpu'!r}")
hits = sorted(glob.glob(os.path.join(os.path.dirname(d), "nvidia", "**", "libcudart.so*"), recursive=True))
print(f"CUDART_DIR={os.path.dirname(hits[0]) if hits else ''!r}")
PY
)"
export DJL_CACHE_DIR=${DJL_CACHE_DIR:-/tmp/djl-cache} PYTORCH_LIBRARY_PATH=$TORCH/lib \
  PYTORCH_VERSION=$TORCH_VERSION_SHORT PYTORCH_FLAVOR=$TORCH_FLAVOR PYTHONUNBUFFERED=1
