"""Checkpoints small enough to travel: between GPU calls a checkpoint comes back through $OUT
(files of at most 16 MiB) and goes out again inside the 64 MiB working tree, next to the photo
pack. So weights are stored as float16 (half the bytes; every value is kept to ~3 significant
digits, which the next training steps absorb) and split over several files; optimiser moments
are not kept (each resumed run warms its learning rate up again). `--float32` keeps full
precision for the final checkpoint, the one that is exported.

Files: <dir>/ckpt-<k>.pt (parts of the state dict) and <dir>/ckpt.json (progress, config)."""

from __future__ import annotations

import glob
import json
import os
import sys
from typing import Dict

import torch

PART_BYTES = 15 * 2 ** 20


def save(directory: str, state_dict: Dict[str, torch.Tensor], info: dict, float32: bool = False) -> None:
    os.makedirs(directory, exist_ok=True)
    for old in glob.glob(os.path.join(directory, "ckpt-*.pt")):
        os.remove(old)
    dtype = torch.float32 if float32 else torch.float16
    parts, current, size = [], {}, 0
    for name, tensor in state_dict.items():
        t = tensor.detach().to("cpu")
        t = t.to(dtype) if t.is_floating_point() else t
        nbytes = t.numel() * t.element_size()
        if current and size + nbytes > PART_BYTES:
            parts.append(current)
            current, size = {}, 0
        current[name] = t.clone()
        size += nbytes
    parts.append(current)
    for k, part in enumerate(parts):
        torch.save(part, os.path.join(directory, f"ckpt-{k}.pt"))
    with open(os.path.join(directory, "ckpt.json"), "w") as f:
        json.dump(dict(info, parts=len(parts), dtype=str(dtype)), f, indent=1)


def load(directory: str) -> tuple[Dict[str, torch.Tensor], dict]:
    """State dict in float32 and the info saved with it."""
    with open(os.path.join(directory, "ckpt.json")) as f:
        info = json.load(f)
    state: Dict[str, torch.Tensor] = {}
    for k in range(info["parts"]):
        part = torch.load(os.path.join(directory, f"ckpt-{k}.pt"), map_location="cpu")
        state.update({n: (t.float() if t.is_floating_point() else t) for n, t in part.items()})
    return state, info


if __name__ == "__main__":
    # merge a checkpoint into one float32 state dict file, the form python3 -m swiftvr.export --checkpoint reads
    if len(sys.argv) != 3:
        sys.exit("usage: python3 -m swiftvr.training.checkpoint CHECKPOINT_DIR OUT.pt")
    weights, meta = load(sys.argv[1])
    if meta.get("experiment", "none") != "none":
        sys.exit(f"{sys.argv[1]} is the {meta['experiment']!r} experiment, which the exporter cannot build")
    torch.save(weights, sys.argv[2])
    print(f"{len(weights)} tensors, progress {meta.get('progress')} -> {sys.argv[2]}")
