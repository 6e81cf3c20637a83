"""Optical flow and warping, without weights: shared by the detail path's propagation (detail.py) and the
temporal fusion at its end (fusion.py)."""

from __future__ import annotations

from typing import List

import torch
import torch.nn.functional as F
from torch import Tensor, nn

FLOW_SCALES = (16, 8, 4, 2)   # PyramidFlow's levels, coarsest first: output size / this


def warp(image: Tensor, flow: Tensor, bicubic: bool = False) -> Tensor:
    """image [N, C, H, W] sampled at p + flow(p), bilinear (or bicubic), edges repeated; flow [N, 2, H, W]
    in pixels of `image` (x, then y). Bicubic for pictures warped again and again (fusion.py): measured, a
    bilinear warp there lost 0.2-0.5 dB more on clean clips, the blur of each step adding up. Computed in float32 (the bundle's bfloat16 is too coarse for positions), the
    result in the image's dtype. The aten op directly, as preprocess calls upsample_bilinear2d: one op in
    the scripted graph instead of F.grid_sample's argument checks."""
    n, _, h, w = image.shape
    flow = flow.float()
    ys = torch.arange(h, device=flow.device, dtype=torch.float32).view(1, h, 1).expand(n, h, w)
    xs = torch.arange(w, device=flow.device, dtype=torch.float32).view(1, 1, w).expand(n, h, w)
    gx = (xs + flow[:, 0]) * (2.0 / max(w - 1, 1)) - 1.0
    gy = (ys + flow[:, 1]) * (2.0 / max(h - 1, 1)) - 1.0
    grid = torch.stack([gx, gy], -1)
    # interpolation 0 = bilinear, 2 = bicubic; padding 1 = border; align_corners: pixel centres at -1 and 1
    return torch.grid_sampler(image.float(), grid, 2 if bicubic else 0, 1, True).to(image.dtype)


def invert_flow(flow: Tensor) -> Tensor:
    """The flow back [N, 2, H, W]: for a flow f with b(p) ~ a(p + f(p)), g with a(q) ~ b(q + g(q)). Since
    g(p + f(p)) = -f(p), g(q) = -f(q + g(q)); one fixed-point step from g = -f gives g(q) = -f(q - f(q)), exact
    for a uniform motion and close wherever the flow is smooth over its own length (camera motion). One bilinear
    warp of the flow field instead of a second PyramidFlow (fusion.py, `invert_flow`)."""
    return -warp(flow, -flow)


def resize_flow(flow: Tensor, h: int, w: int) -> Tensor:
    """A flow field [N, 2, h0, w0] at another size, its vectors scaled with it (float32)."""
    factor = float(h) / float(flow.size(2))
    return torch.ops.aten.upsample_bilinear2d(flow.float(), [h, w], False) * factor


class PyramidFlow(nn.Module):
    """Optical flow from frame a to frame b (b(p) ~ a(p + flow(p))) by pyramidal Lucas-Kanade: no weights.
    At each level (FLOW_SCALES, coarsest first; the frames' luma box-averaged to 1/scale) the flow so far is
    refined `iterations` times by the least-squares step that matches a, warped, to b over a window of
    (2 radius + 1)^2 pixels, damped so that flat areas (no gradient) keep the flow they have, and capped at one
    pixel of the level per step. Why not learned: a small CNN trained for it (on the exact flow of the
    training clips' camera paths, or on the photometric error) did not learn a usable flow in about 2,000
    steps: on slow clips its flow was worse than none (docs/quality.md, "Aligned propagation in the detail
    path")."""

    def __init__(self, iterations: int = 1, radius: int = 6, damping: float = 1e-4, finest: int = FLOW_SCALES[-1]):
        super().__init__()
        if finest not in FLOW_SCALES:
            raise ValueError(f"finest flow level 1/{finest}: one of {FLOW_SCALES}")
        # levels down to 1/finest: a coarser finest level costs a quarter per level left out (the cheap default
        # model stops at 1/4, fusion.py)
        self.scales = [s for s in FLOW_SCALES if s >= finest]
        self.iterations = iterations
        self.radius = radius
        self.damping = damping

    def forward(self, a: Tensor, b: Tensor) -> List[Tensor]:
        """a, b: [N, 3, H, W] (H, W multiples of 16). Returns the flow of every level, coarsest first,
        each [N, 2, H / scale, W / scale] in float32 and in pixels of its own level."""
        a = a.float().mean(1, keepdim=True)
        b = b.float().mean(1, keepdim=True)
        flows: List[Tensor] = []
        flow = torch.zeros(0)
        for s in self.scales:
            a_s = F.avg_pool2d(a, s)
            b_s = F.avg_pool2d(b, s)
            if flow.numel() == 0:
                flow = torch.zeros([a_s.size(0), 2, a_s.size(2), a_s.size(3)], device=a.device)
            else:
                flow = resize_flow(flow, a_s.size(2), a_s.size(3))
            for _ in range(self.iterations):
                flow = flow + self.step(warp(a_s, flow), b_s)
            flows.append(flow)
        return flows

    def step(self, warped: Tensor, b: Tensor) -> Tensor:
        """The damped least-squares correction [N, 2, h, w] that moves `warped` onto b (both [N, 1, h, w])."""
        padded = F.pad(warped, [1, 1, 1, 1], mode="replicate")
        ix = 0.5 * (padded[:, :, 1:-1, 2:] - padded[:, :, 1:-1, :-2])
        iy = 0.5 * (padded[:, :, 2:, 1:-1] - padded[:, :, :-2, 1:-1])
        it = b - warped
        sums = self.window_mean(torch.cat([ix * ix, ix * iy, iy * iy, ix * it, iy * it], 1))
        sxx = sums[:, 0:1] + self.damping
        sxy = sums[:, 1:2]
        syy = sums[:, 2:3] + self.damping
        sxt = sums[:, 3:4]
        syt = sums[:, 4:5]
        det = sxx * syy - sxy * sxy
        du = (syy * sxt - sxy * syt) / det
        dv = (sxx * syt - sxy * sxt) / det
        return torch.cat([du, dv], 1).clamp(-1.0, 1.0)

    def window_mean(self, v: Tensor) -> Tensor:
        r = self.radius
        return F.avg_pool2d(F.pad(v, [r, r, r, r], mode="replicate"), 2 * r + 1, stride=1)
