#!/usr/bin/env python3
"""The soft check (docs/quality.md, "Sixth version"): does a model leave soft content soft?

The x2_clean clips of an evaluation set (swiftvr.eval.make_eval_set), first 25 frames each, with their ground
truth blurred first (isotropic Gaussian, sigma in ground-truth pixels, radius round(3 sigma),
replicate padding), then downscaled x2 with bicubic as the group's input is; the model against
bicubic upscaling, PSNR (RGB) averaged over all frames. Sigma 0 is the group itself (25 frames).

  cd model && python3 -m swiftvr.eval.soft_check --bundle <float32 bundle> [--sigmas 0,1.2,2.0] [--evalset DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch

from swiftvr.data.degrade import blur, gaussian_kernel, resize
from swiftvr.eval.metrics import psnr_per_frame, upscale
from swiftvr.evaluate import Bundle
from swiftvr.paths import EVAL_DIR

FRAMES = 25


def soft_ground_truth(gt_u8: np.ndarray, sigma: float) -> torch.Tensor:
    """uint8 [N, H, W, 3] -> float [N, 3, H, W] in 0..1, blurred by sigma (unchanged at 0)."""
    gt = torch.from_numpy(gt_u8).permute(0, 3, 1, 2).float() / 255
    if sigma <= 0:
        return gt
    radius = int(3 * sigma + 0.5)
    return blur(gt, gaussian_kernel(sigma, sigma, 0.0, 2 * radius + 1), mode="replicate")


def check(bundle: Bundle, evalset: str, sigma: float) -> tuple[float, float]:
    """Mean PSNR of the model and of bicubic over the x2_clean clips with ground truth blurred by sigma."""
    with open(os.path.join(evalset, "evalset.json")) as f:
        clips = [c for c in json.load(f)["clips"] if c["group"] == "x2_clean"]
    model, bicubic = [], []
    for c in clips:
        gt = soft_ground_truth(np.load(os.path.join(evalset, c["name"] + ".npz"))["gt"][:FRAMES], sigma)
        h, w = gt.shape[-2:]
        lq = (resize(gt, (h // 2, w // 2), "bicubic").clamp(0, 1) * 255).round().to(torch.uint8)
        lq = lq.permute(0, 2, 3, 1).numpy()
        gt_u8 = (gt * 255).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()
        model += list(psnr_per_frame(bundle.restore(lq, (h, w)), gt_u8))
        bicubic += list(psnr_per_frame(upscale(lq, (h, w), "bicubic"), gt_u8))
    return float(np.mean(model)), float(np.mean(bicubic))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bundle", required=True, help="a bundle with a float32 module (export.py without --drop-float32)")
    p.add_argument("--evalset", default=os.path.join(EVAL_DIR, "cache"))
    p.add_argument("--sigmas", default="0,1.2,2.0")
    args = p.parse_args(argv)
    bundle = Bundle(args.bundle)
    for sigma in (float(s) for s in args.sigmas.split(",")):
        model, bicubic = check(bundle, args.evalset, sigma)
        print(f"ground truth blurred by sigma {sigma}: model {model:.2f} dB, bicubic {bicubic:.2f} dB, "
              f"gain {model - bicubic:+.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
