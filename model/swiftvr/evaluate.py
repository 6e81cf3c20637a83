#!/usr/bin/env python3
"""Evaluate a model bundle on the held-out set (swiftvr.eval.make_eval_set) against bicubic, Lanczos and
bilinear upscaling; print a markdown table and save side-by-side crops as PNG.

The bundle's TorchScript module (restorer.pt) is run exactly as the Java pipeline runs it
(docs/bundle-format.md, "Chunk grid"): the input is padded with copies of its last frame to a
stream of L = ceil((N + lag) / 4) * 4 frames, cut into a first chunk of 28 frames and then chunks
of 24 (the last one padded with copies of the last frame), run in order with the streaming state
carried and uint8 output, and stream output frames lag .. N + lag - 1 are the restored video.

Per group it reports PSNR (RGB) and SSIM (luma), and error flicker (mean frame-to-frame change of
the error, 0..255 scale, lower is steadier) for every method; for the model also the flicker on
the frame pairs that straddle a chunk boundary next to the pairs inside chunks.

  PYTHONPATH=model python3 -m swiftvr.evaluate --bundle models/swiftvr-small [--only x2_clean] [--report out.md] \
      [--flips 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from typing import Dict, List

import numpy as np
import torch

from swiftvr.data.imagefiles import write_png
from swiftvr.eval.metrics import error_change_per_pair, psnr_per_frame, ssim_per_frame, upscale
from swiftvr.paths import EVAL_DIR

BASELINES = ("bicubic", "lanczos", "bilinear")


class Bundle:
    def __init__(self, path: str, precision: str = "float32", device: str = "cpu"):
        with open(os.path.join(path, "manifest.json")) as f:
            self.manifest = json.load(f)
        self.stream = self.manifest["stream"]
        modules = self.manifest["modules"]
        if precision not in modules:
            raise SystemExit(f"{path}: the bundle has no {precision} module (it has {', '.join(modules)})")
        self.device = torch.device(device)
        self.module = torch.jit.load(os.path.join(path, modules[precision]["file"]), map_location=self.device)
        self.module.eval()

    def chunk_plan(self, frames: int) -> List[tuple]:
        """(start, size) of each chunk over the padded stream of a video of `frames` frames."""
        lag, tf = self.stream["decoder_lag_frames"], self.stream["temporal_factor"]
        first, size = self.stream["first_chunk_frames"], self.stream["chunk_frames"]
        total = -(-(frames + lag) // tf) * tf
        plan, start = [(0, first)], first
        while start < total:
            plan.append((start, size))
            start += size
        return plan

    def restore(self, lq: np.ndarray, out_size) -> np.ndarray:
        """uint8 [N, h, w, 3] -> uint8 [N, H, W, 3], the way the Java pipeline calls the module."""
        n = lq.shape[0]
        lag = self.stream["decoder_lag_frames"]
        plan = self.chunk_plan(n)
        stream_len = plan[-1][0] + plan[-1][1]
        idx = np.minimum(np.arange(stream_len), n - 1)       # pad with copies of the last frame
        frames = torch.from_numpy(np.ascontiguousarray(lq[idx])).to(self.device)
        states = [torch.empty(0) for _ in range(self.stream["state_tensors"])]
        outs = []
        size = torch.tensor(list(out_size), dtype=torch.long)
        with torch.no_grad():
            for start, length in plan:
                result = self.module(frames[start:start + length], size,
                                     torch.tensor([start // self.stream["temporal_factor"]], dtype=torch.long),
                                     torch.tensor([0], dtype=torch.long), *states)
                outs.append(result[0])
                states = list(result[1:])
        return torch.cat(outs)[lag:lag + n].cpu().numpy()

    def restore_flipped(self, lq: np.ndarray, out_size, flips: int) -> np.ndarray:
        """Self-ensemble: the mean of `flips` runs (1: as is; 2: also mirrored left-right; 4: also
        upside down, and both), each mirrored back, rounded to uint8. Each run is a stream of its
        own, so it costs `flips` times the time."""
        if flips not in (1, 2, 4):
            raise ValueError(f"flips must be 1, 2 or 4, not {flips}")
        if flips == 1:
            return self.restore(lq, out_size)
        total = np.zeros((lq.shape[0], *out_size, 3), np.float32)
        for variant in range(flips):
            axes = [a for a, bit in ((2, 1), (1, 2)) if variant & bit]   # bit 1: left-right, bit 2: up-down
            x = np.flip(lq, axes) if axes else lq
            y = self.restore(np.ascontiguousarray(x), out_size).astype(np.float32)
            total += np.flip(y, axes) if axes else y
        return np.clip(np.round(total / flips), 0, 255).astype(np.uint8)

    def boundary_pairs(self, frames: int) -> List[int]:
        """Indices i of frame pairs (i - 1, i) of the restored video whose frames come from
        different chunks."""
        lag = self.stream["decoder_lag_frames"]
        return [s - lag for s, _ in self.chunk_plan(frames)[1:] if 1 <= s - lag < frames]


def side_by_side(lq: np.ndarray, results: Dict[str, np.ndarray], gt: np.ndarray, frame: int,
                 crop: int = 128, zoom: int = 2) -> np.ndarray:
    """One row: input (nearest), bicubic, lanczos, model, ground truth; a centre crop, zoomed."""
    h, w = gt.shape[1:3]
    ch, cw = min(crop, h), min(crop, w)
    y0, x0 = (h - ch) // 2, (w - cw) // 2
    scale_y, scale_x = h / lq.shape[1], w / lq.shape[2]
    ys = np.minimum((np.arange(h) / scale_y).astype(int), lq.shape[1] - 1)
    xs = np.minimum((np.arange(w) / scale_x).astype(int), lq.shape[2] - 1)
    nearest = lq[frame][ys][:, xs]
    panels = [nearest, results["bicubic"][frame], results["lanczos"][frame], results["model"][frame], gt[frame]]
    gap = np.full((ch * zoom, 4, 3), 255, np.uint8)
    tiles = []
    for p in panels:
        tiles += [p[y0:y0 + ch, x0:x0 + cw].repeat(zoom, 0).repeat(zoom, 1), gap]
    return np.concatenate(tiles[:-1], 1)


def print_table(lines, report_path) -> None:
    """Prints a markdown table's lines and, when a path is given, writes them there too."""
    table = "\n".join(lines)
    print(table)
    if report_path:
        with open(report_path, "w") as f:
            f.write(table + "\n")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bundle", required=True)
    p.add_argument("--evalset", default=os.path.join(EVAL_DIR, "cache"))
    p.add_argument("--only", help="evaluate only clips whose group starts with this")
    p.add_argument("--crops", default=os.path.join(EVAL_DIR, "crops"), help="folder for the PNG crops")
    p.add_argument("--report", help="also write the markdown table here")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--flips", type=int, default=1, choices=[1, 2, 4],
                   help="self-ensemble: mean of this many mirrored runs of the model (Bundle.restore_flipped); "
                        "the pipeline runs 1")
    p.add_argument("--precision", choices=["float32", "bfloat16"], default="float32",
                   help="which of the bundle's modules runs (a shipped bundle holds only bfloat16)")
    p.add_argument("--device", default="cpu", help="where the module runs (cpu, cuda); metrics are on the CPU")
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    bundle = Bundle(args.bundle, args.precision, args.device)
    with open(os.path.join(args.evalset, "evalset.json")) as f:
        clips = json.load(f)["clips"]
    if args.only:
        clips = [c for c in clips if c["group"].startswith(args.only)]
    os.makedirs(args.crops, exist_ok=True)

    # group -> method -> list of per-frame values
    psnr, ssim, flick = (defaultdict(lambda: defaultdict(list)) for _ in range(3))
    boundary, interior = defaultdict(list), defaultdict(list)
    cropped = set()
    t0 = time.time()
    for clip in clips:
        data = np.load(os.path.join(args.evalset, clip["name"] + ".npz"))
        gt, lq = data["gt"], data["lq"]
        size = gt.shape[1:3]
        results = {m: upscale(lq, size, m) for m in BASELINES}
        results["model"] = bundle.restore_flipped(lq, size, args.flips)
        g = clip["group"]
        for m, out in results.items():
            psnr[g][m] += list(psnr_per_frame(out, gt))
            ssim[g][m] += list(ssim_per_frame(out, gt))
            flick[g][m] += list(error_change_per_pair(out, gt))
        change = error_change_per_pair(results["model"], gt)
        pairs = bundle.boundary_pairs(gt.shape[0])
        boundary[g] += [change[i - 1] for i in pairs]
        interior[g] += [c for i, c in enumerate(change, start=1) if i not in pairs]
        if g not in cropped:
            frame = pairs[0] if pairs else gt.shape[0] // 2
            write_png(os.path.join(args.crops, f"{clip['name']}.png"), side_by_side(lq, results, gt, frame))
            cropped.add(g)
        print(f"{clip['name']}: model {np.mean(psnr_per_frame(results['model'], gt)):.2f} dB, "
              f"bicubic {np.mean(psnr_per_frame(results['bicubic'], gt)):.2f} dB "
              f"({time.time() - t0:.0f} s)", flush=True)

    lines = ["| held-out group | clips | method | PSNR dB | SSIM (Y) | error flicker | "
             "flicker at chunk boundaries / inside chunks |",
             "|---|---|---|---|---|---|---|"]
    for g in psnr:
        n = sum(1 for c in clips if c["group"] == g)
        for m in ("bicubic", "lanczos", "bilinear", "model"):
            extra = ""
            if m == "model" and boundary[g]:
                extra = f"{np.mean(boundary[g]):.2f} / {np.mean(interior[g]):.2f}"
            lines.append(f"| {g} | {n} | {m} | {np.mean(psnr[g][m]):.2f} | {np.mean(ssim[g][m]):.4f} | "
                         f"{np.mean(flick[g][m]):.2f} | {extra} |")
    print_table(lines, args.report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
