#!/usr/bin/env python3
"""CPU time of an exported restorer on a real clip, the way the Java job runs it on a laptop: the clip decoded by
ffmpeg, the module (torch.jit.load, no_grad) called on the job's chunk grid (first chunk 28 frames, then 24, the
tail padded with the last frame up to the stream's lag) with the state carried, uint8 output at `--scale` times the
input size. Prints the model seconds (the calls alone, decoding excluded) and frames per second.

From model/:

  python3 -m swiftvr.bench_cpu --torchscript ../models/swiftvr-small/restorer-bf16.pt [--clip ../samples/realshort.mp4]

The README sample (realshort.mp4, 36 frames of 320x240) at x2 is what `bin/swiftvr-local` restores by default;
docs/benchmarks-cpu.md has the figures, each with its machine and date.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import numpy as np
import torch

from swiftvr.bench_gpu import output_lag, state_count
from swiftvr.config import CHUNK_FRAMES, FIRST_CHUNK_FRAMES
from swiftvr.paths import REPO_DIR


def decode(path: str) -> torch.Tensor:
    """The clip's frames as uint8 RGB [T, H, W, 3], decoded by the ffmpeg command."""
    probe = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                           capture_output=True, check=False)
    if probe.returncode != 0:
        raise SystemExit(f"{path}: ffmpeg could not decode it: {probe.stderr.decode(errors='replace').strip()}")
    info = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt",
                           "rgb24", "-"], capture_output=True, check=True).stdout
    size = frame_size(path)
    if len(info) != size[0] * size[1] * 3:
        raise SystemExit(f"{path}: first frame of {len(info)} bytes does not fit {size[1]}x{size[0]}")
    return torch.from_numpy(np.frombuffer(probe.stdout, np.uint8).copy()).view(-1, size[0], size[1], 3)


def frame_size(path: str) -> tuple:
    """(height, width) of the clip's video, from ffmpeg's stream line."""
    err = subprocess.run(["ffmpeg", "-hide_banner", "-i", path], capture_output=True, text=True).stderr
    for line in err.splitlines():
        if "Video:" in line:
            for part in line.split(","):
                dims = part.strip().split(" ")[0]
                if "x" in dims and all(v.isdigit() for v in dims.split("x")):
                    w, h = (int(v) for v in dims.split("x"))
                    return h, w
    raise SystemExit(f"{path}: no video stream found by ffmpeg")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--torchscript", required=True, help="an exported module (BUNDLE/restorer-bf16.pt)")
    p.add_argument("--clip", default=os.path.join(REPO_DIR, "samples", "realshort.mp4"))
    p.add_argument("--scale", type=int, default=2)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default, one per core)")
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    clip = decode(args.clip)
    module = torch.jit.load(args.torchscript, map_location="cpu")
    module.eval()
    n = clip.shape[0]
    total = -(-(n + output_lag(args.torchscript)) // 4) * 4
    sizes = [FIRST_CHUNK_FRAMES]
    while sum(sizes) < total:
        sizes.append(CHUNK_FRAMES)
    stream = torch.cat([clip, clip[-1:].expand(sum(sizes) - n, -1, -1, -1)])
    size = torch.tensor([clip.shape[1] * args.scale, clip.shape[2] * args.scale])
    states = [torch.empty(0) for _ in range(state_count(module))]
    start = 0
    model_s = 0.0
    with torch.no_grad():
        for k, frames in enumerate(sizes):
            t0 = time.perf_counter()
            out = module(stream[start:start + frames], size, torch.tensor([start // 4]), torch.tensor([0]), *states)
            model_s += time.perf_counter() - t0
            states = list(out[1:])
            start += frames
    print(f"{os.path.basename(args.torchscript)} ({os.path.basename(os.path.dirname(os.path.abspath(args.torchscript)))}): "
          f"{n} frames {clip.shape[2]}x{clip.shape[1]} -> {int(size[1])}x{int(size[0])}, {sum(sizes)} modelled in "
          f"{len(sizes)} chunks: model {model_s:.1f} s, {sum(sizes) / model_s:.2f} FPS, {torch.get_num_threads()} threads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
