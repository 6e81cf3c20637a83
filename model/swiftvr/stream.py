"""Running a restorer module over a stream of chunks, as the Java side does, and measuring how
many chunks of warm-up a shard needs to reproduce the sequential result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, List, Sequence

import torch
from torch import Tensor

from .config import CHUNK_FRAMES, FIRST_CHUNK_FRAMES, STATE_TENSORS, TEMPORAL_FACTOR


def chunk_starts(num_chunks: int, first: int = FIRST_CHUNK_FRAMES, chunk: int = CHUNK_FRAMES) -> List[int]:
    """First input frame of every chunk on the stream's chunk grid."""
    return [0] + [first + (k - 1) * chunk for k in range(1, num_chunks)]


def chunk_sizes(num_chunks: int, first: int = FIRST_CHUNK_FRAMES, chunk: int = CHUNK_FRAMES) -> List[int]:
    return [first] + [chunk] * (num_chunks - 1)


def latent_offset(start_frame: int) -> int:
    return start_frame // TEMPORAL_FACTOR


def run_chunk(module: Callable, frames: Tensor, out_size: Sequence[int], start_frame: int,
              states: List[Tensor], float_output: bool = True):
    """One call with the contract's positional signature; returns (frames_out, new_states)."""
    result = module(frames, torch.tensor(list(out_size), dtype=torch.long),
                    torch.tensor([latent_offset(start_frame)], dtype=torch.long),
                    torch.tensor([1 if float_output else 0], dtype=torch.long), *states)
    return result[0], list(result[1:])


def run_stream(module: Callable, clip: Tensor, out_size: Sequence[int], num_chunks: int,
               first_chunk: int = 0, float_output: bool = True) -> Dict[int, Tensor]:
    """Chunks first_chunk .. num_chunks-1 of `clip` in order, starting from empty state at
    first_chunk. Returns {chunk index: output}."""
    starts = chunk_starts(num_chunks)
    sizes = chunk_sizes(num_chunks)
    states = [torch.empty(0) for _ in range(STATE_TENSORS)]
    outputs: Dict[int, Tensor] = {}
    with torch.no_grad():
        for k in range(first_chunk, num_chunks):
            frames = clip[starts[k]:starts[k] + sizes[k]]
            outputs[k], states = run_chunk(module, frames, out_size, starts[k], states, float_output)
    return outputs


@dataclass
class WarmupMeasurement:
    warmup_chunks: int
    # worst max-abs difference to the sequential output over all chunks k that a restart
    # w chunks earlier could reach (k - w >= 1), per w
    max_abs_diff_by_warmup: Dict[int, float]
    num_chunks: int
    out_size: List[int]
    threshold: float

    def to_dict(self) -> dict:
        return {
            "warmup_chunks": self.warmup_chunks,
            "max_abs_diff_by_warmup": {str(w): d for w, d in sorted(self.max_abs_diff_by_warmup.items())},
            "clip_chunks": self.num_chunks,
            "out_size": self.out_size,
            "threshold": self.threshold,
            "method": ("sequential pass over the clip vs. restarts with empty state at chunk k - w "
                       "(warm-up outputs discarded) for every chunk k >= w + 1; warmup_chunks is the "
                       "smallest w whose max abs difference is <= threshold"),
        }


def measure_warmup(module: Callable, clip: Tensor, out_size: Sequence[int], num_chunks: int,
                   threshold: float = 1e-6) -> WarmupMeasurement:
    """Experiment, not theory: restart the stream at every chunk s >= 1 with empty state, run to the
    end, and compare each chunk k > s with the sequential pass. A chunk k restored after w = k - s
    warm-up chunks is exact when its difference is <= threshold; warmup_chunks is the smallest w
    that is exact for every k. Chunk 0 is never a restart point: it is the stream's true start."""
    sequential = run_stream(module, clip, out_size, num_chunks)
    worst: Dict[int, float] = {}
    for s in range(1, num_chunks - 1):
        restarted = run_stream(module, clip, out_size, num_chunks, first_chunk=s)
        for k in range(s + 1, num_chunks):
            w = k - s
            diff = (restarted[k] - sequential[k]).abs().max().item()
            worst[w] = max(worst.get(w, 0.0), diff)
    exact = [w for w in sorted(worst) if all(worst[v] <= threshold for v in worst if v >= w)]
    if not exact:
        raise RuntimeError(f"no warm-up length up to {num_chunks - 2} chunks reproduces the sequential "
                           f"pass within {threshold} (worst differences {worst}); use a longer clip, or, for a "
                           "model whose detail path propagates features, a threshold (export.py --warmup-threshold)")
    return WarmupMeasurement(exact[0], worst, num_chunks, list(out_size), threshold)
