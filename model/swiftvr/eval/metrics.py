"""Quality measures and reference upscalers for the evaluation, on uint8 clips [T, H, W, 3].

* PSNR on RGB, per frame, averaged over frames (peak 255).
* SSIM on luma (BT.601 Y), Gaussian window 11 / sigma 1.5, K1 = 0.01, K2 = 0.03 (Wang et al. 2004),
  per frame, averaged.
* Error flicker: the mean absolute frame-to-frame change of the error, |(out_t - gt_t) -
  (out_t-1 - gt_t-1)| on the 0..255 scale. A static error (e.g. uniform blur) scores 0; an error
  that changes from frame to frame (shimmer, popping at chunk boundaries) scores high.
* Upscalers: bicubic (PyTorch's, a = -0.75, as most tools), Lanczos-3 (separable, windowed sinc,
  as ImageMagick/ffmpeg `lanczos`), bilinear (what the restorer does first).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

_Y = torch.tensor([0.299, 0.587, 0.114])


def _f(clip: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(clip)).permute(0, 3, 1, 2).float()


def psnr_per_frame(out: np.ndarray, gt: np.ndarray) -> np.ndarray:
    mse = ((_f(out) - _f(gt)) ** 2).mean(dim=(1, 2, 3)).clamp_min(1e-10)
    return (10 * torch.log10(255.0 ** 2 / mse)).numpy()


def ssim_per_frame(out: np.ndarray, gt: np.ndarray) -> np.ndarray:
    x = (_f(out) * _Y.view(1, 3, 1, 1)).sum(1, keepdim=True)
    y = (_f(gt) * _Y.view(1, 3, 1, 1)).sum(1, keepdim=True)
    r = torch.arange(11, dtype=torch.float32) - 5
    g = torch.exp(-r ** 2 / (2 * 1.5 ** 2))
    g = g / g.sum()
    win = (g[:, None] * g[None, :]).view(1, 1, 11, 11)
    blur = lambda t: F.conv2d(t, win)  # noqa: E731  ("valid" window positions, as the reference code)
    mx, my = blur(x), blur(y)
    sxx, syy, sxy = blur(x * x) - mx ** 2, blur(y * y) - my ** 2, blur(x * y) - mx * my
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    s = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx ** 2 + my ** 2 + c1) * (sxx + syy + c2))
    return s.mean(dim=(1, 2, 3)).numpy()


def error_change_per_pair(out: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """[T - 1]: mean |e_t - e_t-1| for each consecutive pair, e = out - gt."""
    e = _f(out) - _f(gt)
    return (e[1:] - e[:-1]).abs().mean(dim=(1, 2, 3)).numpy()


def _lanczos_matrix(n_in: int, n_out: int, a: int = 3) -> torch.Tensor:
    """[n_out, n_in] weights of Lanczos-a resampling (pixel centres aligned, edges replicated)."""
    scale = n_in / n_out
    support = a * max(scale, 1.0)          # widen the kernel when shrinking (antialiasing)
    m = torch.zeros(n_out, n_in, dtype=torch.float64)
    for i in range(n_out):
        centre = (i + 0.5) * scale - 0.5
        lo, hi = int(math.floor(centre - support)), int(math.ceil(centre + support))
        for j in range(lo, hi + 1):
            x = (j - centre) / max(scale, 1.0)
            if abs(x) >= a:
                continue
            w = 1.0 if x == 0 else a * math.sin(math.pi * x) * math.sin(math.pi * x / a) / (math.pi * x) ** 2
            m[i, min(max(j, 0), n_in - 1)] += w
    return (m / m.sum(1, keepdim=True)).float()


def upscale(clip: np.ndarray, size: Sequence[int], method: str) -> np.ndarray:
    """uint8 [T, h, w, 3] -> uint8 [T, H, W, 3] with bicubic, bilinear or lanczos."""
    x = _f(clip) / 255.0
    if method == "lanczos":
        mh = _lanczos_matrix(x.shape[2], size[0])
        mw = _lanczos_matrix(x.shape[3], size[1])
        y = torch.einsum("hi,tcij,wj->tchw", mh, x, mw)
    elif method in ("bicubic", "bilinear"):
        y = F.interpolate(x, size=tuple(size), mode=method, align_corners=False)
    else:
        raise ValueError(f"unknown upscaler {method!r}")
    return (y.clamp(0, 1) * 255).round().to(torch.uint8).permute(0, 2, 3, 1).contiguous().numpy()
