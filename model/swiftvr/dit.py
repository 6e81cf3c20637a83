"""The DiT: Wan2.2-style transformer with MFSWA self-attention, one step at t = 1.

Layout and arithmetic follow diffusers' WanTransformer3DModel (so a converted SwiftVR checkpoint
computes what it was trained to compute); the differences are ours:
  * self-attention is MFSWA (windows.py): RoPE on the full sequence, one index_select gather into
    [B*Nw, Lw, heads, head_dim], one dense scaled_dot_product_attention with no mask, and an
    owner-index scatter back (overlap outputs are dropped, never averaged);
  * Q/K/V (self) and K/V (cross) projections are stored fused, so each is one matmul;
  * the temporal RoPE coordinate is offset by the chunk's latent offset in the video.
Norms and modulation run in float32 as in the reference; everything else in the weights' dtype.

`official` numerics (set_official_numerics; bundles with the official stream protocol): the release's order
and precision of every element-wise step, so that a bfloat16 module rounds where the release's bfloat16
pipeline rounds: modulation vectors, (1 + scale), the modulated norms and the gated residuals in the
weights' dtype (LayerNorms themselves in float32), RMSNorm as torch's rms_norm in the weights' dtype, RoPE
from cos/sin tables in the weights' dtype with the release's sequence of products, the final modulation's
table + temb in the weights' dtype, the patch embedding as a Conv3d, and the release's formula for the
timestep frequencies. In float32 the two numerics agree to rounding.
"""

from __future__ import annotations

import math
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .config import PATCH_SIZE, DiTConfig
from .rope import apply_rope, apply_rope_official, rope_cos_sin, rope_tables
from .windows import window_partition


class RMSNorm(nn.Module):
    """RMS norm over the whole projection (all heads together), computed in float32."""

    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))
        self.official = False

    def forward(self, x: Tensor) -> Tensor:
        if self.official:
            return F.rms_norm(x, [x.size(-1)], self.weight, self.eps)
        return F.rms_norm(x.float(), [x.size(-1)], self.weight.float(), self.eps).to(x.dtype)


def modulated_layer_norm(x: Tensor, scale: Tensor, shift: Tensor, eps: float) -> Tensor:
    """LayerNorm(x) * (1 + scale) + shift in float32, cast back to x's dtype. scale/shift: [B, 1, D].
    With one sample the modulation is the norm's own affine transform: one fused kernel."""
    if x.size(0) == 1:
        y = F.layer_norm(x.float(), [x.size(-1)], 1.0 + scale[0, 0], shift[0, 0], eps)
    else:
        y = F.layer_norm(x.float(), [x.size(-1)], None, None, eps) * (1.0 + scale) + shift
    return y.to(x.dtype)


def gated_residual(x: Tensor, h: Tensor, gate: Tensor) -> Tensor:
    """x + h * gate, accumulated in float32 (gate: [B, 1, D] float32)."""
    return torch.addcmul(x.float(), h, gate).to(x.dtype)


def mfswa_attention(q: Tensor, k: Tensor, v: Tensor, gather: Tensor, owner: Tensor,
                    num_windows: int, window_len: int) -> Tensor:
    """q, k, v: [B, L, heads, head_dim] (RoPE already applied) -> [B, L, heads * head_dim]."""
    b, seq, heads, head_dim = q.shape
    if num_windows == 1 and window_len == seq:
        # a single window covering the grid: the gather is the identity, skip both copies
        o = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2))
        return o.transpose(1, 2).reshape(b, seq, heads * head_dim)
    shape = [b * num_windows, window_len, heads, head_dim]
    qw = q.index_select(1, gather).view(shape).transpose(1, 2)
    kw = k.index_select(1, gather).view(shape).transpose(1, 2)
    vw = v.index_select(1, gather).view(shape).transpose(1, 2)
    o = F.scaled_dot_product_attention(qw, kw, vw)                   # [B*Nw, heads, Lw, head_dim]
    o = o.transpose(1, 2).reshape(b, num_windows * window_len, heads * head_dim)
    return o.index_select(1, owner)


class SelfAttention(nn.Module):
    def __init__(self, dim: int, heads: int, eps: float):
        super().__init__()
        self.heads = heads
        self.to_qkv = nn.Linear(dim, 3 * dim)
        self.norm_q = RMSNorm(dim, eps)
        self.norm_k = RMSNorm(dim, eps)
        self.to_out = nn.Linear(dim, dim)
        self.official = False

    def forward(self, x: Tensor, rotations: Tensor, gather: Tensor, owner: Tensor,
                num_windows: int, window_len: int) -> Tensor:
        b, seq, dim = x.shape
        q, k, v = self.to_qkv(x).chunk(3, dim=-1)
        head_shape = [b, seq, self.heads, dim // self.heads]
        if self.official:       # rotations: [L, head_dim // 2, 2] cos/sin tables in x's dtype
            q = apply_rope_official(self.norm_q(q).view(head_shape), rotations)
            k = apply_rope_official(self.norm_k(k).view(head_shape), rotations)
        else:
            q = apply_rope(self.norm_q(q).view(head_shape), rotations)
            k = apply_rope(self.norm_k(k).view(head_shape), rotations)
        o = mfswa_attention(q, k, v.reshape(head_shape), gather, owner, num_windows, window_len)
        return self.to_out(o)


class CrossAttention(nn.Module):
    """Global (un-windowed) attention from every token to the projected prompt embedding."""

    def __init__(self, dim: int, heads: int, eps: float):
        super().__init__()
        self.heads = heads
        self.to_q = nn.Linear(dim, dim)
        self.to_kv = nn.Linear(dim, 2 * dim)
        self.norm_q = RMSNorm(dim, eps)
        self.norm_k = RMSNorm(dim, eps)
        self.to_out = nn.Linear(dim, dim)

    def forward(self, x: Tensor, context: Tensor) -> Tensor:
        b, seq, dim = x.shape
        head_dim = dim // self.heads
        k, v = self.to_kv(context).chunk(2, dim=-1)
        ctx_len = context.size(1)
        q = self.norm_q(self.to_q(x)).view(b, seq, self.heads, head_dim).transpose(1, 2)
        k = self.norm_k(k).reshape(context.size(0), ctx_len, self.heads, head_dim).transpose(1, 2)
        v = v.reshape(context.size(0), ctx_len, self.heads, head_dim).transpose(1, 2)
        if k.size(0) != b:
            k = k.expand(b, -1, -1, -1)
            v = v.expand(b, -1, -1, -1)
        o = F.scaled_dot_product_attention(q, k, v)
        return self.to_out(o.transpose(1, 2).reshape(b, seq, dim))


class FeedForward(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.proj_in = nn.Linear(dim, hidden)
        self.proj_out = nn.Linear(hidden, dim)

    def forward(self, x: Tensor) -> Tensor:
        return self.proj_out(F.gelu(self.proj_in(x), approximate="tanh"))


class DiTBlock(nn.Module):
    def __init__(self, cfg: DiTConfig, shifted: bool):
        super().__init__()
        dim = cfg.dim
        self.eps = cfg.eps
        self.shifted = shifted
        self.attn1 = SelfAttention(dim, cfg.num_heads, cfg.eps)
        self.norm2 = nn.LayerNorm(dim, eps=cfg.eps)       # the cross-attention pre-norm (affine)
        self.attn2 = CrossAttention(dim, cfg.num_heads, cfg.eps)
        self.ffn = FeedForward(dim, cfg.ffn_dim)
        self.scale_shift_table = nn.Parameter(torch.randn(1, 6, dim) / dim ** 0.5)
        self.official = False

    def forward(self, x: Tensor, context: Tensor, modulation: Tensor, rotations: Tensor,
                plain: Tuple[Tensor, Tensor, int, int], shifted: Tuple[Tensor, Tensor, int, int]) -> Tensor:
        dtype = x.dtype
        if self.official:
            return self.forward_official(x, context, modulation, rotations, plain, shifted)
        mod = (self.scale_shift_table.float() + modulation).unbind(1)   # 6 x [B, dim], float32
        shift_msa = mod[0][:, None]
        scale_msa = mod[1][:, None]
        gate_msa = mod[2][:, None]
        shift_ffn = mod[3][:, None]
        scale_ffn = mod[4][:, None]
        gate_ffn = mod[5][:, None]
        part = shifted if self.shifted else plain

        h = modulated_layer_norm(x, scale_msa, shift_msa, self.eps)
        h = self.attn1(h, rotations, part[0], part[1], part[2], part[3])
        x = gated_residual(x, h, gate_msa)

        h = F.layer_norm(x.float(), [x.size(-1)], self.norm2.weight.float(), self.norm2.bias.float(),
                         self.eps).to(dtype)
        x = x + self.attn2(h, context)

        h = self.ffn(modulated_layer_norm(x, scale_ffn, shift_ffn, self.eps))
        return gated_residual(x, h, gate_ffn)

    def forward_official(self, x: Tensor, context: Tensor, modulation: Tensor, rotations: Tensor,
                         plain: Tuple[Tensor, Tensor, int, int], shifted: Tuple[Tensor, Tensor, int, int]) -> Tensor:
        """The release's numerics: modulation, modulated norms and gated residuals in x's dtype."""
        dtype = x.dtype
        dim = x.size(-1)
        mod = (self.scale_shift_table.float() + modulation).to(dtype).unbind(1)   # 6 x [B, dim] in x's dtype
        part = shifted if self.shifted else plain
        h = F.layer_norm(x.float(), [dim], None, None, self.eps).to(dtype) * (1.0 + mod[1][:, None]) + mod[0][:, None]
        h = self.attn1(h, rotations, part[0], part[1], part[2], part[3])
        x = torch.addcmul(x, h, mod[2][:, None])
        h = F.layer_norm(x.float(), [dim], self.norm2.weight.float(), self.norm2.bias.float(), self.eps).to(dtype)
        x = x + self.attn2(h, context)
        h = F.layer_norm(x.float(), [dim], None, None, self.eps).to(dtype) * (1.0 + mod[4][:, None]) + mod[3][:, None]
        return torch.addcmul(x, self.ffn(h), mod[5][:, None])


class PatchEmbedding(nn.Module):
    """Conv3d with kernel = stride = (1, 2, 2), done as one matmul over flattened patches.
    The weight keeps the Conv3d layout [dim, C, 1, 2, 2]."""

    def __init__(self, in_channels: int, dim: int):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(dim, in_channels, PATCH_SIZE[0], PATCH_SIZE[1], PATCH_SIZE[2]))
        self.bias = nn.Parameter(torch.zeros(dim))
        nn.init.kaiming_uniform_(self.weight.view(dim, -1), a=5 ** 0.5)
        self.official = False

    def forward(self, z: Tensor) -> Tensor:
        if self.official:       # the release's Conv3d (its own accumulation order)
            return F.conv3d(z, self.weight, self.bias, stride=[1, 2, 2]).flatten(2).transpose(1, 2)
        b, c, t, h, w = z.shape
        patches = z.view(b, c, t, h // 2, 2, w // 2, 2).permute(0, 2, 3, 5, 1, 4, 6)
        patches = patches.reshape(b, t * (h // 2) * (w // 2), c * 4)
        return F.linear(patches, self.weight.view(self.weight.size(0), -1), self.bias)


class TimestepEmbedder(nn.Module):
    def __init__(self, in_dim: int, dim: int):
        super().__init__()
        self.linear_1 = nn.Linear(in_dim, dim)
        self.linear_2 = nn.Linear(dim, dim)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear_2(F.silu(self.linear_1(x)))


class TextProjection(nn.Module):
    def __init__(self, in_dim: int, dim: int):
        super().__init__()
        self.linear_1 = nn.Linear(in_dim, dim)
        self.linear_2 = nn.Linear(dim, dim)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear_2(F.gelu(self.linear_1(x), approximate="tanh"))


class ConditionEmbedder(nn.Module):
    def __init__(self, cfg: DiTConfig):
        super().__init__()
        self.freq_dim = cfg.freq_dim
        self.time_embedder = TimestepEmbedder(cfg.freq_dim, cfg.dim)
        self.time_proj = nn.Linear(cfg.dim, 6 * cfg.dim)
        self.text_embedder = TextProjection(cfg.text_dim, cfg.dim)
        self.official = False

    def timestep_features(self, t: Tensor) -> Tensor:
        """Sinusoidal features of t * 1000 (flow time in [0, 1] -> the 1000-step scale), cos first."""
        half = self.freq_dim // 2
        if self.official:       # the release's rounding order for the frequencies
            exponent = -math.log(10000.0) * torch.arange(0, half, dtype=torch.float32, device=t.device) / half
        else:
            exponent = torch.arange(half, dtype=torch.float32, device=t.device) * (-math.log(10000.0) / half)
        angles = (t.float() * 1000.0)[:, None] * torch.exp(exponent)[None, :]
        return torch.cat([torch.cos(angles), torch.sin(angles)], dim=-1)

    def forward(self, t: Tensor, prompt: Tensor, dtype: torch.dtype) -> Tuple[Tensor, Tensor, Tensor]:
        temb = self.time_embedder(self.timestep_features(t).to(self.time_proj.weight.dtype))
        modulation = self.time_proj(F.silu(temb)).float().view(t.size(0), 6, -1)
        context = self.text_embedder(prompt.to(dtype))
        return temb.float(), modulation, context


class DiT(nn.Module):
    """Predicts the velocity v = z_LQ - z_HQ of one chunk: [B, C, T, H, W] -> same shape."""

    def __init__(self, cfg: DiTConfig, latent_channels: int):
        super().__init__()
        self.head_dim = cfg.head_dim
        self.window_h = cfg.window[0]
        self.window_w = cfg.window[1]
        self.rope_theta = cfg.rope_theta
        self.eps = cfg.eps
        self.out_channels = latent_channels
        self.patch_embedding = PatchEmbedding(latent_channels, cfg.dim)
        self.condition_embedder = ConditionEmbedder(cfg)
        self.blocks = nn.ModuleList([DiTBlock(cfg, shifted=(i % 2 == 1)) for i in range(cfg.num_layers)])
        self.scale_shift_table = nn.Parameter(torch.randn(1, 2, cfg.dim) / cfg.dim ** 0.5)
        self.proj_out = nn.Linear(cfg.dim, latent_channels * 4)
        self.official = False

    def forward(self, z: Tensor, t: Tensor, t_offset: int, prompt: Tensor) -> Tensor:
        b, c, frames, height, width = z.shape
        if height % 2 != 0 or width % 2 != 0:
            raise RuntimeError("DiT: latent height and width must be even (frames padded to 32 px)")
        gh = height // 2
        gw = width // 2
        if self.official:
            rotations = rope_cos_sin(frames, gh, gw, t_offset, self.head_dim, self.rope_theta, z.device)
        else:
            rotations = rope_tables(frames, gh, gw, t_offset, self.head_dim, self.rope_theta, z.device)
        return self.forward_rotated(z, t, rotations, prompt)

    def forward_rotated(self, z: Tensor, t: Tensor, rotations: Tensor, prompt: Tensor) -> Tensor:
        """forward with the RoPE tables given (rope_cos_sin's float32 tables under official numerics, else
        rope_tables'): the compiled chunk function (swiftvr.compiled) computes them from a tensor offset."""
        b, c, frames, height, width = z.shape
        gh = height // 2
        gw = width // 2
        dtype = self.proj_out.weight.dtype
        x = self.patch_embedding(z.to(dtype))
        temb, modulation, context = self.condition_embedder(t, prompt, dtype)
        if self.official:
            rotations = rotations.to(dtype)
        # index tensors are built once per chunk shape here and shared by all layers of a kind
        plain = window_partition(frames, gh, gw, self.window_h, self.window_w, False, z.device)
        shifted = window_partition(frames, gh, gw, self.window_h, self.window_w, True, z.device)
        for block in self.blocks:
            x = block(x, context, modulation, rotations, plain, shifted)
        if self.official:       # table + temb in the weights' dtype; the norm and the products in float32
            final = (self.scale_shift_table + temb.to(dtype)[:, None, :]).unbind(1)
            x = (F.layer_norm(x.float(), [x.size(-1)], None, None, self.eps) * (1.0 + final[1][:, None])
                 + final[0][:, None]).to(dtype)
        else:
            final = (self.scale_shift_table.float() + temb[:, None, :]).unbind(1)
            x = modulated_layer_norm(x, final[1][:, None], final[0][:, None], self.eps)
        x = self.proj_out(x)                                   # [B, L, (pt, ph, pw, C)]
        x = x.view(b, frames, gh, gw, 1, 2, 2, self.out_channels).permute(0, 7, 1, 4, 2, 5, 3, 6)
        return x.reshape(b, self.out_channels, frames, height, width)


def set_official_numerics(module: nn.Module, official: bool = True) -> None:
    """Switches every part of `module` that has the flag (DiT parts, the ReAE's TGrow) to the release's numerics."""
    for m in module.modules():
        if hasattr(m, "official") and isinstance(getattr(m, "official"), bool):
            m.official = official
