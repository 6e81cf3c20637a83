#!/usr/bin/env python3
"""The motion check (docs/quality.md, "Fast motion"): how does a model's gain over bicubic on clean
input change as the camera moves faster?

For each photo of a split (held-out photos, or the tuning set's eight training photos) one clip of
25 frames along a hand-held path (camera.handheld_path) is rendered at every speed of --speeds (the
path's peak speed per axis, output pixels per frame); the random draws are the same at every speed,
so the clips differ only in how fast the camera swings. The input is the clip's bicubic x2
downscale (as the x2_clean group's); the model against bicubic upscaling, PSNR (RGB) over all frames,
and the worst clip's gain.

  cd model && python3 -m swiftvr.eval.motion_check --bundle <float32 bundle> [--speeds 0.5,3,6,12,20] [--split train]
"""

from __future__ import annotations

import argparse
import functools
import os
import sys

import numpy as np
import torch

from swiftvr.data.camera import handheld_path
from swiftvr.data.degrade import resize
from swiftvr.eval.make_eval_set import GT_SIZE, SEED, SPLITS, camera_clip, to_u8
from swiftvr.eval.metrics import psnr_per_frame, upscale
from swiftvr.evaluate import Bundle

FRAMES = 25


def clean_pair(photo_path: str, speed: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(ground truth, bicubic x2 input) as uint8 [N, H, W, 3] for one photo at one speed."""
    gt = camera_clip(photo_path, FRAMES, functools.partial(handheld_path, max_speed=speed),
                     torch.Generator().manual_seed(seed))
    return to_u8(gt), to_u8(resize(gt, (GT_SIZE[0] // 2, GT_SIZE[1] // 2), "bicubic"))


def check(bundle: Bundle, photos: list, speed: float) -> tuple[float, float, float]:
    """Mean PSNR of the model and of bicubic over the photos' clips at this speed, and the worst clip's gain."""
    model, bicubic, worst = [], [], float("inf")
    for k, photo in enumerate(photos):
        gt, lq = clean_pair(photo, speed, SEED + 100 + k)
        m = psnr_per_frame(bundle.restore(lq, GT_SIZE), gt)
        b = psnr_per_frame(upscale(lq, GT_SIZE, "bicubic"), gt)
        model += list(m)
        bicubic += list(b)
        worst = min(worst, float(np.mean(m) - np.mean(b)))
    return float(np.mean(model)), float(np.mean(bicubic)), worst


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bundle", required=True, help="a bundle with a float32 module (export.py without --drop-float32)")
    p.add_argument("--speeds", default="0.5,3,6,12,20")
    p.add_argument("--split", choices=list(SPLITS), default="heldout",
                   help="heldout: the held-out photos; train: the tuning set's training photos")
    args = p.parse_args(argv)
    bundle = Bundle(args.bundle)
    photos = SPLITS[args.split][0]()
    for speed in (float(s) for s in args.speeds.split(",")):
        model, bicubic, worst = check(bundle, photos, speed)
        print(f"peak speed {speed:g} px/frame: model {model:.2f} dB, bicubic {bicubic:.2f} dB, "
              f"gain {model - bicubic:+.2f} (worst clip {worst:+.2f})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
