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


# ----- the official stream protocol (docs/bundle-format.md, "Stream protocols") -----

@dataclass
class Call:
    """One module call of a stream under the official protocol."""
    start: int              # stream position of its first frame; its latent offset is start // 4
    sources: List[int]      # the video frame fed at each of its positions
    flags: int              # t_offset[1]: 1 the stream's last chunk (the release's LAST), 2 dit_overlap 1
    emits: List[int]        # for each output frame, the video frame it restores, or -1 (not emitted)


def official_calls(frames: int, dit_overlap: int = 0, first: int = FIRST_CHUNK_FRAMES,
                   chunk: int = CHUNK_FRAMES, lag: int = 3) -> List[Call]:
    """The calls that restore a video of `frames` frames under the official protocol.

    The release restores the first m = 4a+1 frames (a = (frames-1) // 4): a FIRST chunk of 28, MIDDLE chunks of 24,
    and a LAST chunk of the remaining 4b+1 frames plus 3 copies of frame m-1 (a video of m <= 28 frames is one LAST
    chunk). Our rule on top: every frame is kept, so the r = frames - m frames the release drops are restored by one
    more call after the LAST one, of 4 (r = 1) or 8 frames: those r frames, then copies of the last. The stream's
    positions are therefore frames 0 .. m-1, three copies of m-1, frames m .. frames-1, copies of frames-1; output
    position q restores stream position q - 3."""
    if frames <= 0:
        raise ValueError(f"a video needs at least one frame, got {frames}")
    if dit_overlap not in (0, 1):
        raise ValueError(f"dit_overlap is 0 or 1, got {dit_overlap}")
    m = 4 * ((frames - 1) // 4) + 1
    r = frames - m

    def source(p: int) -> int:
        if p < m:
            return p
        if p < m + 3:
            return m - 1
        return min(m + (p - m - 3), frames - 1)

    def emit(q: int) -> int:
        s = q - lag
        if 0 <= s < m:
            return s
        if m + 3 <= s < m + 3 + r:
            return s - 3
        return -1

    spans = []          # (start, length, last)
    if m <= first:
        spans.append((0, m + 3, True))
    else:
        spans.append((0, first, False))
        pos = first
        while m - pos > chunk:
            spans.append((pos, chunk, False))
            pos += chunk
        spans.append((pos, m - pos + 3, True))
    if r > 0:
        spans.append((m + 3, 4 if r == 1 else 8, True))
    overlap = 2 if dit_overlap else 0
    return [Call(s, [source(p) for p in range(s, s + n)], (1 if last else 0) | overlap,
                 [emit(p) for p in range(s, s + n)]) for s, n, last in spans]


def run_official(module: Callable, clip: Tensor, out_size: Sequence[int], dit_overlap: int = 0,
                 first_call: int = 0, float_output: bool = True, state_tensors: int = 20,
                 calls: List[Call] | None = None) -> Dict[int, Tensor]:
    """Calls first_call .. end of official_calls(len(clip)) in order from empty state. Returns {call index: output}."""
    calls = calls if calls is not None else official_calls(clip.size(0), dit_overlap)
    states = [torch.empty(0) for _ in range(state_tensors)]
    outputs: Dict[int, Tensor] = {}
    size = torch.tensor(list(out_size), dtype=torch.long)
    flag = torch.tensor([1 if float_output else 0], dtype=torch.long)
    with torch.no_grad():
        for k in range(first_call, len(calls)):
            c = calls[k]
            frames = clip[torch.tensor(c.sources, dtype=torch.long)]
            result = module(frames, size, torch.tensor([latent_offset(c.start), c.flags], dtype=torch.long), flag,
                            *states)
            outputs[k] = result[0]
            states = list(result[1:])
    return outputs


def assemble(calls: List[Call], outputs: Dict[int, Tensor], frames: int) -> Tensor:
    """The restored video from the calls' outputs: each video frame from the call that emits it (exactly one)."""
    picked: Dict[int, Tensor] = {}
    for k, out in outputs.items():
        for i, v in enumerate(calls[k].emits):
            if v >= 0:
                if v in picked:
                    raise AssertionError(f"video frame {v} emitted twice")
                picked[v] = out[i]
    missing = [v for v in range(frames) if v not in picked]
    if missing:
        raise AssertionError(f"video frames {missing[:5]} not emitted")
    return torch.stack([picked[v] for v in range(frames)])


def restore_official(module: Callable, clip: Tensor, out_size: Sequence[int], dit_overlap: int = 0,
                     float_output: bool = True) -> Tensor:
    """A whole clip [n, H, W, 3] uint8 -> [n, out_h, out_w, 3] under the official protocol, one sequential pass."""
    calls = official_calls(clip.size(0), dit_overlap)
    return assemble(calls, run_official(module, clip, out_size, dit_overlap, float_output=float_output, calls=calls),
                    clip.size(0))


def measure_warmup_official(module: Callable, clip: Tensor, out_size: Sequence[int], dit_overlap: int = 0,
                            threshold: float = 0.0) -> WarmupMeasurement:
    """measure_warmup under the official protocol: restarts with empty state at every call s >= 1, compared call
    by call (emitted frames only) with the sequential pass."""
    calls = official_calls(clip.size(0), dit_overlap)
    sequential = run_official(module, clip, out_size, dit_overlap, calls=calls)
    worst: Dict[int, float] = {}
    for s in range(1, len(calls) - 1):
        restarted = run_official(module, clip, out_size, dit_overlap, first_call=s, calls=calls)
        for k in range(s + 1, len(calls)):
            keep = torch.tensor([i for i, v in enumerate(calls[k].emits) if v >= 0], dtype=torch.long)
            if keep.numel() == 0:
                continue
            diff = (restarted[k][keep].float() - sequential[k][keep].float()).abs().max().item()
            worst[k - s] = max(worst.get(k - s, 0.0), diff)
    exact = [w for w in sorted(worst) if all(worst[v] <= threshold for v in worst if v >= w)]
    if not exact:
        raise RuntimeError(f"no warm-up length reproduces the sequential pass within {threshold} (worst {worst}); "
                           "use a longer clip")
    return WarmupMeasurement(exact[0], worst, len(calls), list(out_size), threshold)
