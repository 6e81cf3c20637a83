"""Average the weights of several checkpoints of one network (a "weight soup").

Checkpoints taken along one training trajectory (say the end of a run and the end of a short
anneal continued from it) sit in one basin of the loss, and their mean is a model of its own that
often lands between or above both; the ninth shipped model is such a mean (model/training/README.md).
Only floating-point tensors are averaged; any other tensor must be equal in all inputs.

  cd model && python3 -m swiftvr.training.average_weights OUT.pt A.pt B.pt [C.pt ...]

Inputs and output are single float32 state dicts, the form `python3 -m swiftvr.training.checkpoint DIR OUT.pt`
writes and `python3 -m swiftvr.export --checkpoint` reads.
"""

from __future__ import annotations

import sys
from typing import Dict, List

import torch


def average(states: List[Dict[str, torch.Tensor]]) -> Dict[str, torch.Tensor]:
    if len(states) < 2:
        raise ValueError("averaging needs at least two state dicts")
    keys = states[0].keys()
    for i, s in enumerate(states[1:], start=2):
        if s.keys() != keys:
            raise ValueError(f"state dict {i} has other tensors than the first: "
                             f"{sorted(set(s.keys()) ^ set(keys))[:5]}")
    out = {}
    for name in keys:
        tensors = [s[name] for s in states]
        if any(t.shape != tensors[0].shape for t in tensors):
            raise ValueError(f"{name}: shapes differ {[tuple(t.shape) for t in tensors]}")
        if tensors[0].is_floating_point():
            out[name] = torch.stack([t.float() for t in tensors]).mean(0)
        elif all(torch.equal(t, tensors[0]) for t in tensors):
            out[name] = tensors[0]
        else:
            raise ValueError(f"{name}: a non-float tensor differs between the inputs")
    return out


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit("usage: python3 -m swiftvr.training.average_weights OUT.pt A.pt B.pt [C.pt ...]")
    merged = average([torch.load(p, map_location="cpu") for p in sys.argv[2:]])
    torch.save(merged, sys.argv[1])
    print(f"{len(merged)} tensors, mean of {len(sys.argv) - 2} checkpoints -> {sys.argv[1]}")
