#!/usr/bin/env python3
"""How much does the model draw on neighbouring frames? For chosen frames k of each clip of a group,
the PSNR of frame k restored as part of its clip against frame k restored from a still clip of
that one frame repeated (the model then sees no other frame). The difference is what the clip's
other frames are worth to the model there; near 0 dB means it restores that frame on its own.

  cd model && python3 -m swiftvr.eval.neighbour_check --bundle <float32 export> --evalset eval/cache-tuning \\
      --group x2_degraded [--frames 20,35]

Run it on the tuning set (swiftvr.eval.make_eval_set --split train) when choosing what to try next.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import List, Tuple

import numpy as np

from swiftvr.eval.metrics import psnr_per_frame
from swiftvr.evaluate import Bundle
from swiftvr.paths import EVAL_DIR

STILL_FRAMES = 12   # length of the repeated-frame clip; its middle frame is scored


def in_clip_and_alone(bundle: Bundle, lq: np.ndarray, gt: np.ndarray, frames: List[int]) -> List[Tuple[float, float]]:
    """Per frame k of `frames`: (PSNR of frame k restored in its clip, PSNR of frame k restored from a
    still clip of itself). The clip is restored once for all k."""
    size = gt.shape[1:3]
    clip = bundle.restore(lq, size)
    out = []
    for k in frames:
        alone = bundle.restore(np.repeat(lq[k:k + 1], STILL_FRAMES, 0), size)[STILL_FRAMES // 2]
        out.append((float(psnr_per_frame(clip[k:k + 1], gt[k:k + 1])[0]),
                    float(psnr_per_frame(alone[None], gt[k:k + 1])[0])))
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bundle", required=True)
    p.add_argument("--evalset", default=os.path.join(EVAL_DIR, "cache-tuning"))
    p.add_argument("--group", default="x2_degraded")
    p.add_argument("--frames", default="20,35", help="frames to score, comma-separated")
    args = p.parse_args(argv)
    bundle = Bundle(args.bundle)
    frames = [int(f) for f in args.frames.split(",")]
    with open(os.path.join(args.evalset, "evalset.json")) as f:
        clips = [c for c in json.load(f)["clips"] if c["group"] == args.group]
    if not clips:
        raise SystemExit(f"{args.evalset}: no clips in group {args.group}")
    gains: List[float] = []
    print("| clip | recipe | frame | in its clip dB | frame alone dB | neighbours' worth dB |\n|---|---|---|---|---|---|")
    for clip in clips:
        data = np.load(os.path.join(args.evalset, clip["name"] + ".npz"))
        for k, (in_clip, alone) in zip(frames, in_clip_and_alone(bundle, data["lq"], data["gt"], frames)):
            gains.append(in_clip - alone)
            print(f"| {clip['name']} | {clip.get('recipe', '')} | {k} | {in_clip:.2f} | {alone:.2f} | "
                  f"{in_clip - alone:+.2f} |", flush=True)
    print(f"\nmean worth of the neighbouring frames: {np.mean(gains):+.2f} dB over {len(gains)} frames")
    return 0


if __name__ == "__main__":
    sys.exit(main())
