"""Training and validation clips made on the fly from the photo pack.

A ClipSampler keeps the decoded photos on the device; each call renders ground-truth clips along
random camera paths (camera.py) and degrades them (degrade.py), all in torch. A FootageSampler does
the same with windows of real video (real motion, real optics and sensor), cut from the pack's
footage. A seeded torch.Generator (on the CPU, so results do not depend on the device) drives every
random choice, so a fixed seed gives a fixed validation set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, List, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from swiftvr.data.camera import crop_for_path, handheld_path, random_path, render
from swiftvr.data.degrade import ClipRecipe, DegradeConfig, degrade_batch, soften_targets
from swiftvr.data.imagefiles import read_image, read_video


@dataclass
class ClipBatch:
    gt: Tensor                   # [B, T, 3, H, W] float in [0, 1]
    lq: Tensor                   # [B, T, h, w, 3] uint8 (what the restorer module takes)
    scale: int
    recipes: List[ClipRecipe]
    photo_ids: List[int]         # index of the photo (or video) in its sampler


class ClipSampler:
    def __init__(self, photo_paths: Sequence[str], device: torch.device, min_side: int = 0):
        self.paths = list(photo_paths)
        if not self.paths:
            raise ValueError("no photos given")
        self.device = device
        # uint8 on the device: 55 photos of ~1600x1000 take ~260 MB
        self.photos: List[Tensor] = []
        for p in self.paths:
            img = torch.from_numpy(np.ascontiguousarray(read_image(p))).permute(2, 0, 1)
            if min(img.shape[1:]) < min_side:
                raise ValueError(f"{p} is smaller than {min_side} px")
            self.photos.append(img.to(device))

    def sample(self, batch: int, frames: int, out_h: int, out_w: int, scale: int, gen: torch.Generator,
               degrade_cfg: DegradeConfig = DegradeConfig(), max_zoom: float = 2.0,
               p_handheld: float = 0.0) -> ClipBatch:
        """batch clips of frames x out_h x out_w ground truth; LQ is 1/scale of that. A share
        p_handheld of the clips follows a fast hand-held path (camera.handheld_path) instead of a
        slow pan; at 0 nothing is drawn for it, so earlier runs' clips stay the same."""
        def cut(i: int) -> Tensor:
            photo = self.photos[i]
            _, ph, pw = photo.shape
            if p_handheld > 0 and torch.rand((), generator=gen).item() < p_handheld:
                path = handheld_path(frames, out_h, out_w, ph, pw, gen)
            else:
                path = random_path(frames, out_h, out_w, ph, pw, gen, max_zoom=max_zoom)
            crop, path = crop_for_path(photo, path, out_h, out_w)
            return render(crop.float() / 255.0, path, out_h, out_w)
        return sample_batch(batch, len(self.photos), cut, out_h, out_w, scale, gen, degrade_cfg)


class FootageSampler:
    """Clips cut from real videos: a random window of consecutive frames, a random crop, played
    forwards or backwards, mirrored at random. Each video is area-downscaled by `shrink` first
    (2 by default), which averages away most of its own compression noise and leaves cleaner ground
    truth, as the evaluation set does with its real clips."""

    def __init__(self, video_paths: Sequence[str], device: torch.device, shrink: int = 2):
        self.paths = list(video_paths)
        if not self.paths:
            raise ValueError("no videos given")
        self.device = device
        self.videos: List[Tensor] = []   # uint8 [T, 3, H, W] on the device
        for p in self.paths:
            frames = torch.from_numpy(read_video(p)).permute(0, 3, 1, 2)
            # in slices: a whole 795-frame 768x576 clip in float would take 4 GB
            self.videos.append(torch.cat([
                F.avg_pool2d(part.to(device).float(), shrink).round().to(torch.uint8) if shrink > 1 else part.to(device)
                for part in frames.split(64)]).contiguous())

    def sample(self, batch: int, frames: int, out_h: int, out_w: int, scale: int, gen: torch.Generator,
               degrade_cfg: DegradeConfig = DegradeConfig()) -> ClipBatch:
        def cut(i: int) -> Tensor:
            video = self.videos[i]
            t, _, h, w = video.shape
            if t < frames or h < out_h or w < out_w:
                raise ValueError(f"{self.paths[i]} ({t} frames of {w}x{h} after downscaling) is smaller than "
                                 f"a clip of {frames} x {out_w}x{out_h}")
            t0 = int(torch.randint(t - frames + 1, (), generator=gen))
            y0 = int(torch.randint(h - out_h + 1, (), generator=gen))
            x0 = int(torch.randint(w - out_w + 1, (), generator=gen))
            clip = video[t0:t0 + frames, :, y0:y0 + out_h, x0:x0 + out_w].float() / 255.0
            return clip.flip(0) if torch.rand((), generator=gen).item() < 0.5 else clip
        return sample_batch(batch, len(self.videos), cut, out_h, out_w, scale, gen, degrade_cfg)


def sample_batch(batch: int, sources: int, cut: Callable[[int], Tensor], out_h: int, out_w: int, scale: int,
                 gen: torch.Generator, degrade_cfg: DegradeConfig) -> ClipBatch:
    """What both samplers share: per clip a random source, its ground truth from `cut` (which makes its own
    draws), mirrored at random; then the batch degraded."""
    if out_h % scale or out_w % scale:
        raise ValueError(f"{out_h}x{out_w} is not a multiple of the scale {scale}")
    clips, ids = [], []
    for _ in range(batch):
        i = int(torch.randint(sources, (), generator=gen))
        clip = cut(i)
        if torch.rand((), generator=gen).item() < 0.5:
            clip = clip.flip(-1)
        clips.append(clip)
        ids.append(i)
    return degraded(torch.stack(clips), scale, gen, degrade_cfg, ids)


def degraded(gt: Tensor, scale: int, gen: torch.Generator, degrade_cfg: DegradeConfig, ids: List[int]) -> ClipBatch:
    gt = soften_targets(gt, gen, degrade_cfg)
    lq, recipes = degrade_batch(gt, scale, gen, degrade_cfg)
    lq_u8 = (lq * 255.0).round().clamp(0, 255).to(torch.uint8).permute(0, 1, 3, 4, 2).contiguous()
    return ClipBatch(gt, lq_u8, scale, recipes, ids)
