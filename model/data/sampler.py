"""Training and validation clips made on the fly from the photo pack.

A ClipSampler keeps the decoded photos on the device; each call renders ground-truth clips along
random camera paths (camera.py) and degrades them (degrade.py), all in torch. A seeded
torch.Generator (on the CPU, so results do not depend on the device) drives every random choice,
so a fixed seed gives a fixed validation set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Sequence

import numpy as np
import torch
from torch import Tensor

from camera import crop_for_path, random_path, render
from degrade import ClipRecipe, DegradeConfig, degrade_batch
from imagefiles import read_image


@dataclass
class ClipBatch:
    gt: Tensor                   # [B, T, 3, H, W] float in [0, 1]
    lq: Tensor                   # [B, T, h, w, 3] uint8 (what the restorer module takes)
    scale: int
    recipes: List[ClipRecipe]
    photo_ids: List[int]


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
               degrade_cfg: DegradeConfig = DegradeConfig(), max_zoom: float = 2.0) -> ClipBatch:
        """batch clips of frames x out_h x out_w ground truth; LQ is 1/scale of that."""
        if out_h % scale or out_w % scale:
            raise ValueError(f"{out_h}x{out_w} is not a multiple of the scale {scale}")
        clips, ids = [], []
        for _ in range(batch):
            i = int(torch.randint(len(self.photos), (), generator=gen))
            photo = self.photos[i]
            _, ph, pw = photo.shape
            path = random_path(frames, out_h, out_w, ph, pw, gen, max_zoom=max_zoom)
            crop, path = crop_for_path(photo, path, out_h, out_w)
            clip = render(crop.float() / 255.0, path, out_h, out_w)
            if torch.rand((), generator=gen).item() < 0.5:
                clip = clip.flip(-1)
            clips.append(clip)
            ids.append(i)
        gt = torch.stack(clips)
        lq, recipes = degrade_batch(gt, scale, gen, degrade_cfg)
        lq_u8 = (lq * 255.0).round().clamp(0, 255).to(torch.uint8).permute(0, 1, 3, 4, 2).contiguous()
        return ClipBatch(gt, lq_u8, scale, recipes, ids)
