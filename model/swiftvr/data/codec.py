"""Lossy codecs written in torch, so that degradations run batched on the GPU during training.

* `jpeg`: baseline JPEG as libjpeg does it, minus the (lossless) entropy coding: BT.601 YCbCr,
  4:2:0 chroma, 8x8 DCT, the standard IJG quantisation tables scaled by quality. Only rounding
  details of the decoder differ from a real JPEG round trip.
* `video`: an H.264-like proxy, because the GPU machine has no H.264 encoder (OpenCV's FFmpeg
  there has no libx264, and there is no ffmpeg command). Per frame: 4:2:0 YCbCr; the first frame
  of each GOP is intra coded, later frames are predicted from the previous *decoded* frame by
  16x16 block motion compensation (full search over integer offsets); the 8x8 DCT residual is
  quantised with H.264's step size for the QP (doubling every 6) and a dead zone (the encoder's
  rounding offset, 1/3 intra and 1/6 inter as in the JM reference encoder); a simplified in-loop
  deblocking filter smooths block edges. This reproduces what a person sees in compressed video:
  smeared fine texture, blocking, ringing, and errors that persist and drift along the motion.
  Real H.264 (libx264) degradations are used for the held-out evaluation set (model/eval).

All functions take and return RGB float tensors in [0, 1]; frames are [..., 3, H, W] with H and W
multiples of 16 (callers pad).
"""

from __future__ import annotations

import math
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

# IJG (libjpeg) standard tables, Annex K of the JPEG standard
_LUMA_Q = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
           14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
           49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99]
_CHROMA_Q = [17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
             47, 66, 99, 99, 99, 99, 99, 99] + [99] * 32


def _dct_matrix(device, dtype=torch.float32) -> Tensor:
    n = torch.arange(8, dtype=torch.float64)
    m = torch.cos((2 * n[None, :] + 1) * n[:, None] * math.pi / 16) * math.sqrt(2 / 8)
    m[0] /= math.sqrt(2)
    return m.to(device=device, dtype=dtype)


def rgb_to_ycbcr(x: Tensor) -> Tensor:
    """[..., 3, H, W] in [0, 1] -> YCbCr on the 0..255 scale (JFIF full range)."""
    r, g, b = (x * 255.0).unbind(-3)
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = 128.0 - 0.168736 * r - 0.331264 * g + 0.5 * b
    cr = 128.0 + 0.5 * r - 0.418688 * g - 0.081312 * b
    return torch.stack([y, cb, cr], -3)


def ycbcr_to_rgb(x: Tensor) -> Tensor:
    y, cb, cr = x.unbind(-3)
    r = y + 1.402 * (cr - 128.0)
    g = y - 0.344136 * (cb - 128.0) - 0.714136 * (cr - 128.0)
    b = y + 1.772 * (cb - 128.0)
    return (torch.stack([r, g, b], -3) / 255.0).clamp(0.0, 1.0)


def _blocks(x: Tensor) -> Tensor:
    """[N, H, W] -> [N, H/8, W/8, 8, 8]"""
    n, h, w = x.shape
    return x.view(n, h // 8, 8, w // 8, 8).permute(0, 1, 3, 2, 4)


def _unblocks(b: Tensor) -> Tensor:
    n, bh, bw, _, _ = b.shape
    return b.permute(0, 1, 3, 2, 4).reshape(n, bh * 8, bw * 8)


def dct_quantise(plane: Tensor, step: Tensor, dead_zone: Tensor | float = 0.5) -> Tensor:
    """8x8 DCT, quantisation and reconstruction of a [N, H, W] plane (values centred on 0).
    step: [N, 8, 8] or broadcastable step sizes. dead_zone: the rounding offset (0.5 = round to
    nearest, smaller values zero more coefficients, as encoders do)."""
    d = _dct_matrix(plane.device)
    coef = d @ _blocks(plane) @ d.T
    step = step.view(step.shape[0], 1, 1, 8, 8) if step.dim() == 3 else step
    if not torch.is_tensor(dead_zone):
        dead_zone = torch.tensor(dead_zone, device=plane.device)
    dz = dead_zone.view(-1, 1, 1, 1, 1) if dead_zone.dim() == 1 else dead_zone
    level = torch.sign(coef) * torch.floor(coef.abs() / step + dz)
    return _unblocks(d.T @ (level * step) @ d)


def _subsample(c: Tensor) -> Tensor:
    return F.avg_pool2d(c.unsqueeze(1), 2).squeeze(1)


def _upsample(c: Tensor) -> Tensor:
    return F.interpolate(c.unsqueeze(1), scale_factor=2.0, mode="bilinear", align_corners=False).squeeze(1)


def jpeg_tables(quality: Tensor) -> tuple[Tensor, Tensor]:
    """IJG quality scaling: quality [N] in 1..100 -> luma and chroma tables [N, 8, 8]."""
    q = quality.float().clamp(1, 100)
    scale = torch.where(q < 50, 5000.0 / q, 200.0 - 2.0 * q)[:, None, None]
    base_l = torch.tensor(_LUMA_Q, dtype=torch.float32, device=q.device).view(1, 8, 8)
    base_c = torch.tensor(_CHROMA_Q, dtype=torch.float32, device=q.device).view(1, 8, 8)
    tl = torch.floor((base_l * scale + 50) / 100).clamp(1, 255)
    tc = torch.floor((base_c * scale + 50) / 100).clamp(1, 255)
    return tl, tc


def jpeg(x: Tensor, quality: Tensor) -> Tensor:
    """JPEG round trip of every image in x [N, 3, H, W] (H, W multiples of 16); quality [N]."""
    ycc = rgb_to_ycbcr(x)
    tl, tc = jpeg_tables(quality)
    y = dct_quantise(ycc[:, 0] - 128.0, tl) + 128.0
    cb = _upsample(dct_quantise(_subsample(ycc[:, 1]) - 128.0, tc)) + 128.0
    cr = _upsample(dct_quantise(_subsample(ycc[:, 2]) - 128.0, tc)) + 128.0
    # the decoder writes 8-bit pixels
    return (ycbcr_to_rgb(torch.stack([y, cb, cr], 1)) * 255.0).round() / 255.0


def h264_step(qp: Tensor) -> Tensor:
    """H.264 quantiser step size: 0.625 at QP 0, doubling every 6 QP."""
    return 0.625 * torch.pow(2.0, qp.float() / 6.0)


def _motion_compensate(cur: Tensor, ref: Tensor, search: int) -> Tensor:
    """Block motion compensation with 16x16 luma blocks (full integer search within +-search px).
    cur, ref: [N, 3, H, W] YCbCr planes at full resolution (chroma upsampled); returns the
    prediction of cur built from ref. All candidate offsets are evaluated in one batch."""
    n, c, h, w = cur.shape
    padded = F.pad(ref, [search] * 4, mode="replicate")
    offsets = [(dy, dx) for dy in range(-search, search + 1) for dx in range(-search, search + 1)]
    cands = torch.stack([padded[:, :, search + dy:search + dy + h, search + dx:search + dx + w]
                         for dy, dx in offsets])                                  # [K, N, 3, H, W]
    sad = F.avg_pool2d((cands[:, :, 0] - cur[None, :, 0]).abs(), 16)            # [K, N, H/16, W/16]
    length = torch.tensor([abs(dy) + abs(dx) for dy, dx in offsets], device=cur.device, dtype=sad.dtype)
    best = (sad + 0.02 * length.view(-1, 1, 1, 1)).argmin(0)                    # prefer short vectors
    best = best.repeat_interleave(16, 1).repeat_interleave(16, 2)                 # [N, H, W]
    index = best[None, :, None].expand(1, n, c, h, w)
    return cands.gather(0, index)[0]


def _deblock(ycc: Tensor, qp: Tensor) -> Tensor:
    """Simplified H.264 normal-strength loop filter on the 8x8 block edges of [N, 3, H, W]:
    an edge is smoothed when the step across it is small next to the quantiser step (a coding
    artifact, not image structure)."""
    step = h264_step(qp).view(-1, 1, 1, 1)
    alpha, beta, tc = 0.8 * step + 2.0, 0.25 * step + 1.0, 0.25 * step + 1.0
    out = ycc
    for dim in (3, 2):                      # vertical edges (along W), then horizontal ones
        size = out.shape[dim]
        idx = torch.arange(8, size, 8, device=ycc.device)
        p1, p0 = out.index_select(dim, idx - 2), out.index_select(dim, idx - 1)
        q0, q1 = out.index_select(dim, idx), out.index_select(dim, idx + 1)
        on = ((p0 - q0).abs() < alpha) & ((p1 - p0).abs() < beta) & ((q1 - q0).abs() < beta)
        delta = (((q0 - p0) * 4 + (p1 - q1)) / 8).clamp(-tc, tc) * on
        out = out.index_add(dim, idx - 1, delta).index_add(dim, idx, -delta)
    return out


def video(clip: Tensor, qp: Tensor, gop: int = 12, search: int = 4, qp_jitter: Sequence[Tensor] | None = None
          ) -> Tensor:
    """H.264-like round trip of clips [N, T, 3, H, W] (H, W multiples of 16); qp [N] (~20..45).
    qp_jitter: optional per-frame QP offsets (list of T tensors [N]) for rate-control variation."""
    n, frames, _, h, w = clip.shape
    out = []
    ref = None
    for t in range(frames):
        cur = rgb_to_ycbcr(clip[:, t])
        intra = ref is None or t % gop == 0
        q = qp.float() + (qp_jitter[t] if qp_jitter is not None else 0.0) - (3.0 if intra else 0.0)
        step = h264_step(q).view(n, 1, 1)
        # flat quantiser step with a mild rise for the highest frequencies, as x264's adaptive
        # quantisation and psy tuning spend fewer bits there
        freq = torch.arange(8, device=clip.device, dtype=torch.float32)
        weight = 1.0 + 0.06 * (freq[:, None] + freq[None, :])
        # the DC term is coded far more finely than the flat step: H.264 predicts it from the
        # neighbouring blocks (intra) or the reference (inter), which our block DCT lacks
        weight[0, 0] = 0.25 if intra else 0.5
        step_map = step[:, :, :] * weight[None]
        dead_zone = torch.full((n,), 1.0 / 3.0 if intra else 1.0 / 6.0, device=clip.device)
        pred = torch.full_like(cur, 128.0) if intra else _motion_compensate(cur, ref, search)
        res = cur - pred
        y = dct_quantise(res[:, 0], step_map, dead_zone)
        # chroma gets a slightly coarser quantiser, as H.264's chroma QP table does at high QP
        cb = _upsample(dct_quantise(_subsample(res[:, 1]), step_map * 1.25, dead_zone))
        cr = _upsample(dct_quantise(_subsample(res[:, 2]), step_map * 1.25, dead_zone))
        recon = _deblock(pred + torch.stack([y, cb, cr], 1), q).clamp(0.0, 255.0).round()
        ref = recon
        out.append(ycbcr_to_rgb(recon))
    return torch.stack(out, 1)
