"""Realistic degradation of ground-truth clips into low-quality input clips, batched in torch.

The recipe follows the second-order idea of Real-ESRGAN / RealBasicVSR, drawn per clip:
  1. capture: optical blur (isotropic or anisotropic Gaussian), sensor noise (Gaussian, colour or
     grey, new every frame);
  2. first resize by a random part of the total scale, with a random kernel;
  3. the capture steps 1 run in random order relative to that resize, with random strength;
  4. final resize to exactly 1/scale of the ground truth, with a random kernel
     (bicubic, bilinear, area, Lanczos-like sharp bicubic, or Gaussian blur + subsampling);
  5. compression: JPEG (per frame) and/or the H.264-like video codec (codec.py), in random order,
     at random quality; the video codec always sees the whole clip.
A fraction of clips is "clean": only a bicubic downscale, so the model also learns not to damage
good input. Kernels and strengths are fixed per clip, noise changes per frame, as in real footage.

Everything is driven by a torch.Generator so that a seed reproduces a degradation exactly (the
evaluation set relies on that). Output: float tensors quantised to 8 bits, [B, T, 3, h, w].
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, List

import torch
import torch.nn.functional as F
from torch import Tensor

from swiftvr.data.codec import jpeg, video

KERNELS = ("bicubic", "bilinear", "area", "sharp", "gauss")


@dataclass
class DegradeConfig:
    p_clean: float = 0.2          # bicubic downscale only
    p_blur: float = 0.7
    blur_sigma: tuple = (0.2, 2.0)    # in ground-truth pixels, scaled by scale / 2
    p_noise: float = 0.6
    noise_sigma: tuple = (1.0, 20.0)  # on the 0..255 scale
    p_gray_noise: float = 0.3
    p_jpeg: float = 0.35
    jpeg_quality: tuple = (35, 95)
    p_video: float = 0.6
    video_qp: tuple = (22, 40)
    p_two_step_resize: float = 0.5
    # Soft targets: the ground truth itself blurred before anything else (isotropic Gaussian, sigma
    # in ground-truth pixels), so that the model also meets sharp-enough but soft content (out of
    # focus, motion-blurred, earlier generations of scaling) and learns to leave it soft: trained on
    # sharp photos only, it over-restored soft clean input (measured in docs/quality.md).
    p_soft_target: float = 0.0
    soft_target_sigma: tuple = (0.5, 2.0)
    # Wider degradations (issue 29; 0 in the defaults, so the clips of earlier runs and the held-out set stay as they
    # were): a camera's own noise, signal-dependent (shot noise grows with the light, read noise does not) and
    # spatially correlated by demosaicing, in the capture steps; and a blur after the final resize (a soft upscaler or
    # deinterlacer in an earlier generation of the footage), which the capture blur before it cannot stand for.
    p_camera_noise: float = 0.0
    camera_shot: tuple = (1e-4, 4e-3)     # variance per unit of linear light
    camera_read: tuple = (1e-6, 1e-4)     # variance at black
    p_blur_after: float = 0.0
    blur_after_sigma: tuple = (0.3, 1.0)  # in pixels of the low-quality frame


@dataclass
class ClipRecipe:
    """What was done to one clip (logged with the eval set so results can be read per degradation)."""
    steps: List[str] = field(default_factory=list)
    params: Dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        return " > ".join(self.steps)


def _u(gen: torch.Generator, lo: float = 0.0, hi: float = 1.0) -> float:
    return lo + (hi - lo) * torch.rand((), generator=gen).item()


def gaussian_kernel(sigma_x: float, sigma_y: float, theta: float, size: int = 21) -> Tensor:
    r = torch.arange(size, dtype=torch.float32) - size // 2
    y, x = torch.meshgrid(r, r, indexing="ij")
    c, s = math.cos(theta), math.sin(theta)
    xr, yr = c * x + s * y, -s * x + c * y
    k = torch.exp(-0.5 * ((xr / sigma_x) ** 2 + (yr / sigma_y) ** 2))
    return k / k.sum()


def blur(frames: Tensor, kernel: Tensor, mode: str = "reflect") -> Tensor:
    """frames [N, 3, H, W], kernel [k, k]: depthwise convolution with reflect (or `mode`) padding."""
    k = kernel.to(frames.device, frames.dtype)
    pad = k.shape[-1] // 2
    # reflect needs the pad to be smaller than the image (tiny test crops are not)
    x = F.pad(frames, [pad] * 4, mode=mode if mode != "reflect" or pad < min(frames.shape[-2:]) else "replicate")
    return F.conv2d(x, k.expand(3, 1, -1, -1), groups=3)


def soften_targets(clips: Tensor, gen: torch.Generator, cfg: DegradeConfig) -> Tensor:
    """clips [B, T, 3, H, W]: each clip blurred whole with probability cfg.p_soft_target (no random
    draws when it is 0, so runs without soft targets see the clips of earlier versions)."""
    if cfg.p_soft_target <= 0:
        return clips
    out = []
    for clip in clips:
        if _u(gen) < cfg.p_soft_target:
            s = _u(gen, *cfg.soft_target_sigma)
            clip = blur(clip, gaussian_kernel(s, s, 0.0, 2 * int(math.ceil(3 * s)) + 1)).clamp(0.0, 1.0)
        out.append(clip)
    return torch.stack(out)


def camera_noise(frames: Tensor, shot: float, read: float, gen: torch.Generator) -> Tensor:
    """Sensor noise on frames [N, 3, H, W] in [0, 1] (sRGB): in linear light, variance shot * signal + read (a
    Poisson-Gaussian model of a raw sensor), new every frame, then spread over neighbouring pixels as a demosaic
    spreads it ([1, 2, 1]^2 / 16, scaled to keep its variance) and mixed toward the luma (chroma noise is what a
    camera's processing smooths first). Returns sRGB, not clamped."""
    lin = frames.clamp(0.0, 1.0) ** 2.2
    white = torch.randn(frames.shape, generator=gen, device=frames.device)
    taps = torch.tensor([1.0, 2.0, 1.0], device=frames.device)
    kernel = (taps[:, None] * taps[None, :]) / 16.0
    spread = blur(white, kernel * (1.0 / kernel.pow(2).sum().sqrt()), mode="replicate")
    spread = 0.5 * spread + 0.5 * spread.mean(1, keepdim=True)
    noisy = lin + spread * (shot * lin + read).sqrt()
    return noisy.clamp(0.0, 1.0) ** (1.0 / 2.2)


def resize(frames: Tensor, size: tuple, kernel: str) -> Tensor:
    """Resize [N, 3, H, W] to size (h, w) with one of KERNELS (antialiased when shrinking)."""
    if kernel == "area":
        return F.interpolate(frames, size=size, mode="area")
    if kernel == "bilinear":
        return F.interpolate(frames, size=size, mode="bilinear", align_corners=False, antialias=True)
    if kernel == "gauss":   # blur matched to the shrink factor, then point sampling (cheap cameras)
        factor = frames.shape[-2] / size[0]
        if factor > 1:
            s = 0.5 * factor
            frames = blur(frames, gaussian_kernel(s, s, 0.0, 2 * int(math.ceil(2.5 * s)) + 1))
        return F.interpolate(frames, size=size, mode="nearest-exact")
    if kernel == "sharp":   # bicubic, then a mild unsharp mask: the over-sharpened look of many scalers
        x = F.interpolate(frames, size=size, mode="bicubic", align_corners=False, antialias=True)
        return x + 0.5 * (x - blur(x, gaussian_kernel(1.0, 1.0, 0.0, 7)))
    return F.interpolate(frames, size=size, mode="bicubic", align_corners=False, antialias=True)


def bicubic_down(clip: Tensor, scale: int) -> Tensor:
    """The clean reference degradation: [B, T, 3, H, W] -> antialiased bicubic 1/scale, 8 bits."""
    b, t, c, h, w = clip.shape
    x = resize(clip.reshape(b * t, c, h, w), (h // scale, w // scale), "bicubic")
    return quantise(x).reshape(b, t, c, h // scale, w // scale)


def quantise(x: Tensor) -> Tensor:
    return (x.clamp(0.0, 1.0) * 255.0).round() / 255.0


def pad16(x: Tensor) -> tuple[Tensor, int, int]:
    """Frames [..., 3, H, W] padded (replicate) to whole 16x16 codec blocks; returns (padded, H, W)."""
    h, w = x.shape[-2:]
    ph, pw = (-h) % 16, (-w) % 16
    if ph or pw:
        lead = x.shape[:-3]
        x = F.pad(x.reshape(-1, *x.shape[-3:]), [0, pw, 0, ph], mode="replicate").reshape(*lead, 3, h + ph, w + pw)
    return x, h, w


def _capture_and_resize(clip: Tensor, scale: int, gen: torch.Generator, cfg: DegradeConfig
                        ) -> tuple[Tensor, ClipRecipe, list]:
    """Everything before compression for one clip [T, 3, H, W]; returns the 8-bit LQ clip, its
    recipe so far and the planned compression steps (drawn now, so the generator's sequence does
    not depend on how clips are batched later)."""
    t, c, h, w = clip.shape
    out_size = (h // scale, w // scale)
    rec = ClipRecipe()
    if _u(gen) < cfg.p_clean:
        rec.steps.append("bicubic")
        return quantise(resize(clip, out_size, "bicubic")), rec, []

    x = clip
    # capture steps and a first resize, in random order
    ops = []
    if _u(gen) < cfg.p_blur:
        ops.append("blur")
    if _u(gen) < cfg.p_noise:
        ops.append("noise")
    two_step = _u(gen) < cfg.p_two_step_resize
    if two_step:
        ops.append("resize1")
    if cfg.p_camera_noise > 0 and _u(gen) < cfg.p_camera_noise:   # no draw at 0: earlier clips unchanged
        ops.append("camera")
    order = torch.randperm(len(ops), generator=gen).tolist()
    for i in order:
        op = ops[i]
        if op == "blur":
            s_lo, s_hi = cfg.blur_sigma
            k = scale / 2.0 * (x.shape[-1] / w)       # blur measured in pixels of the current size
            sx = _u(gen, s_lo, s_hi) * max(k, 0.5)
            sy = sx if _u(gen) < 0.5 else _u(gen, s_lo, s_hi) * max(k, 0.5)
            theta = _u(gen, 0, math.pi)
            x = blur(x, gaussian_kernel(sx, sy, theta))
            rec.steps.append(f"blur({sx:.2f},{sy:.2f})")
        elif op == "noise":
            sigma = _u(gen, *cfg.noise_sigma) / 255.0
            gray = _u(gen) < cfg.p_gray_noise
            shape = (x.shape[0], 1 if gray else 3, x.shape[2], x.shape[3])
            # drawn on the clip's device (CPU randn of a whole clip costs more than a training
            # step); a generator seeded from `gen` keeps it reproducible on a given device
            dev_gen = torch.Generator(x.device).manual_seed(int(torch.randint(2 ** 62, (), generator=gen)))
            noise = torch.randn(shape, generator=dev_gen, device=x.device) * sigma
            x = x + noise
            rec.steps.append(f"noise({sigma * 255:.1f}{',gray' if gray else ''})")
        elif op == "camera":
            shot, read = _u(gen, *cfg.camera_shot), _u(gen, *cfg.camera_read)
            seed = int(torch.randint(2 ** 62, (), generator=gen))
            x = camera_noise(x, shot, read, torch.Generator(x.device).manual_seed(seed))
            rec.steps.append(f"camera({shot:.1e},{read:.1e})")
        else:
            factor = _u(gen, 1.0, float(scale))
            size = (max(out_size[0], int(round(h / factor))), max(out_size[1], int(round(w / factor))))
            kernel = KERNELS[int(_u(gen) * len(KERNELS)) % len(KERNELS)]
            x = resize(x, size, kernel)
            rec.steps.append(f"resize({factor:.2f},{kernel})")
    kernel = KERNELS[int(_u(gen) * len(KERNELS)) % len(KERNELS)]
    x = resize(x.clamp(0.0, 1.0), out_size, kernel)
    rec.steps.append(f"down(x{scale},{kernel})")
    if cfg.p_blur_after > 0 and _u(gen) < cfg.p_blur_after:
        sigma = _u(gen, *cfg.blur_after_sigma)
        x = blur(x, gaussian_kernel(sigma, sigma, 0.0, 2 * int(math.ceil(3 * sigma)) + 1))
        rec.steps.append(f"blur_after({sigma:.2f})")
    x = quantise(x)

    comp = []
    if _u(gen) < cfg.p_jpeg:
        comp.append(("jpeg", round(_u(gen, *cfg.jpeg_quality))))
    if _u(gen) < cfg.p_video:
        comp.append(("video", _u(gen, *cfg.video_qp), [_u(gen, -2, 2) for _ in range(t)]))
    if len(comp) == 2 and _u(gen) < 0.3:
        comp.reverse()     # mostly JPEG-then-video (re-encoded stills), sometimes the other way
    return x, rec, comp


def _compress(lqs: List[Tensor], recipes: List[ClipRecipe], plans: List[list]) -> List[Tensor]:
    """Runs the planned JPEG / video steps, batching all clips that do the same step at the same
    position (the video codec is a sequential loop over frames, far too slow clip by clip)."""
    lqs = list(lqs)
    for pos in range(2):
        for kind in ("jpeg", "video"):
            groups: Dict[tuple, List[int]] = {}
            for i, plan in enumerate(plans):
                if len(plan) > pos and plan[pos][0] == kind:
                    groups.setdefault(tuple(lqs[i].shape), []).append(i)
            for idx in groups.values():
                _compress_group(lqs, recipes, plans, idx, pos, kind)
    return [quantise(x) for x in lqs]


def _compress_group(lqs, recipes, plans, idx: List[int], pos: int, kind: str) -> None:
    x, h, w = pad16(torch.stack([lqs[i] for i in idx]))          # [n, T, 3, H, W]
    n, t = x.shape[:2]
    if kind == "jpeg":
        q = torch.tensor([float(plans[i][pos][1]) for i in idx], device=x.device)
        y = jpeg(x.reshape(n * t, *x.shape[2:]), q.repeat_interleave(t)).reshape(x.shape)
        for i in idx:
            recipes[i].steps.append(f"jpeg(q{plans[i][pos][1]})")
    else:
        qp = torch.tensor([plans[i][pos][1] for i in idx], device=x.device)
        jitter = [torch.tensor([plans[i][pos][2][f] for i in idx], device=x.device) for f in range(t)]
        y = video(x, qp, qp_jitter=jitter)
        for i in idx:
            recipes[i].steps.append(f"h264proxy(qp{plans[i][pos][1]:.0f})")
    for k, i in enumerate(idx):
        lqs[i] = y[k, ..., :h, :w]


def degrade_batch(clips: Tensor, scale: int, gen: torch.Generator, cfg: DegradeConfig = DegradeConfig()
                  ) -> tuple[Tensor, List[ClipRecipe]]:
    """Ground truth [B, T, 3, H, W] in [0, 1] (H, W multiples of scale) -> LQ [B, T, 3, H/s, W/s]
    quantised to 8 bits, one independent recipe per clip."""
    lqs, recipes, plans = [], [], []
    for clip in clips:
        lq, rec, plan = _capture_and_resize(clip, scale, gen, cfg)
        lqs.append(lq)
        recipes.append(rec)
        plans.append(plan)
    return torch.stack(_compress(lqs, recipes, plans)), recipes
