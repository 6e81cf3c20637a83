"""3-axis rotary position embedding (Wan layout) with absolute token coordinates.

The head dim is split into a temporal part (head_dim - 2 * h_dim), a height part and a width part
(h_dim = 2 * (head_dim // 6) each); consecutive channel pairs (2i, 2i+1) are rotated together.
The temporal coordinate is offset by the chunk's latent offset in the video, so scores between
two tokens depend only on their true distance, in every chunk and every window.
"""

from __future__ import annotations

from typing import List

import torch
from torch import Tensor


def axis_dims(head_dim: int) -> List[int]:
    hw = 2 * (head_dim // 6)
    return [head_dim - 2 * hw, hw, hw]


def _inverse_frequencies(dim: int, theta: float, device: torch.device) -> Tensor:
    exponent = torch.arange(0, dim, 2, dtype=torch.float64, device=device)[: dim // 2] / dim
    return 1.0 / torch.pow(torch.full_like(exponent, theta), exponent)


def rope_angles(t: Tensor, height: int, width: int, head_dim: int, theta: float) -> Tensor:
    """Rotation angles [len(t)*height*width, head_dim // 2] in float64 for the temporal positions t (float64), token
    order (t, h, w). Positions as a tensor so that a compiled chunk function (swiftvr.compiled) can take the chunk's
    offset as an input instead of a constant."""
    dims = axis_dims(head_dim)
    frames = t.size(0)
    device = t.device
    h = torch.arange(height, dtype=torch.float64, device=device)
    w = torch.arange(width, dtype=torch.float64, device=device)
    at = t[:, None] * _inverse_frequencies(dims[0], theta, device)[None, :]
    ah = h[:, None] * _inverse_frequencies(dims[1], theta, device)[None, :]
    aw = w[:, None] * _inverse_frequencies(dims[2], theta, device)[None, :]
    return torch.cat([
        at[:, None, None, :].expand(frames, height, width, at.size(1)),
        ah[None, :, None, :].expand(frames, height, width, ah.size(1)),
        aw[None, None, :, :].expand(frames, height, width, aw.size(1)),
    ], dim=-1).reshape(frames * height * width, head_dim // 2)


def rope_tables(frames: int, height: int, width: int, t_offset: int, head_dim: int, theta: float,
                device: torch.device) -> Tensor:
    """Unit rotations exp(i * angle) of shape [frames*height*width, head_dim // 2] (complex64),
    token order (t, h, w)."""
    # angles in float64: t_offset grows with the video, and float32 would lose the phase at large offsets
    t = torch.arange(frames, dtype=torch.float64, device=device) + float(t_offset)
    angles = rope_angles(t, height, width, head_dim, theta)
    return torch.complex(torch.cos(angles).float(), torch.sin(angles).float())


def apply_rope(x: Tensor, rotations: Tensor) -> Tensor:
    """x: [B, L, heads, head_dim]; rotations: [L, head_dim // 2] complex64. The pair (2i, 2i+1) is
    the complex number x_2i + i x_2i+1; one complex multiply rotates it (float32 arithmetic, three
    passes over x instead of the ten of a real-valued formulation)."""
    b, seq, heads, head_dim = x.shape
    if x.dtype == torch.float64:         # float64 runs (tests) stay float64
        pairs = torch.view_as_complex(x.reshape(b, seq, heads, head_dim // 2, 2))
        rotations = rotations.to(torch.complex128)
    else:
        pairs = torch.view_as_complex(x.float().reshape(b, seq, heads, head_dim // 2, 2))
    out = torch.view_as_real(pairs * rotations.view(1, seq, 1, head_dim // 2))
    return out.reshape(b, seq, heads, head_dim).to(x.dtype)


def rope_cos_sin(frames: int, height: int, width: int, t_offset: int, head_dim: int, theta: float,
                 device: torch.device) -> Tensor:
    """The same rotations as real tables [frames*height*width, head_dim // 2, 2] (cos, sin) in float32: the
    official release's form (angles in float64, cos/sin rounded to float32; a bfloat16 module rounds them
    again to bfloat16, as the release's `.to(dtype)` does to its RoPE buffers)."""
    return rope_cos_sin_at(torch.arange(frames, dtype=torch.float64, device=device) + float(t_offset), height, width,
                           head_dim, theta)


def rope_cos_sin_at(t: Tensor, height: int, width: int, head_dim: int, theta: float) -> Tensor:
    """rope_cos_sin for the temporal positions t (float64), without complex numbers (the same values: cos and sin of
    the float64 angles rounded to float32), which torch.export and Inductor handle."""
    angles = rope_angles(t, height, width, head_dim, theta)
    return torch.stack([torch.cos(angles).float(), torch.sin(angles).float()], dim=-1)


def apply_rope_official(x: Tensor, cos_sin: Tensor) -> Tensor:
    """x: [B, L, heads, head_dim]; cos_sin: [L, head_dim // 2, 2] in x's dtype. The release's sequence of
    element-wise ops (each rounded to x's dtype): even' = (even * cos) - odd * sin, odd' = (odd * cos) + (even * sin)."""
    b, seq, heads, head_dim = x.shape
    pairs = x.reshape(b, seq, heads, head_dim // 2, 2)
    even = pairs[..., 0]
    odd = pairs[..., 1]
    cos = cos_sin[:, :, 0].view(1, seq, 1, head_dim // 2)
    sin = cos_sin[:, :, 1].view(1, seq, 1, head_dim // 2)
    tmp = even * sin
    new_even = torch.addcmul(even * cos, odd, sin, value=-1.0)
    new_odd = odd * cos + tmp
    return torch.stack([new_even, new_odd], dim=-1).reshape(b, seq, heads, head_dim)
