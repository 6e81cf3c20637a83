"""Masked full-sequence attention: the reference that MFSWA's gather/scatter attention is tested against."""

import torch
import torch.nn.functional as F

from swiftvr.windows import axis_window_starts


def masked_reference_attention(q, k, v, frames, height, width, win_h, win_w, shifted):
    """Full-sequence attention with one block mask per window (same partition), then the same owner
    rule; written independently of the gather/scatter path."""
    b, seq, heads, dh = q.shape
    wh, ww = min(win_h, height), min(win_w, width)
    hs = axis_window_starts(height, wh, shifted)
    ws = axis_window_starts(width, ww, shifted)
    t_idx, h_idx, w_idx = torch.meshgrid(torch.arange(frames), torch.arange(height), torch.arange(width),
                                         indexing="ij")
    h_idx, w_idx = h_idx.reshape(-1), w_idx.reshape(-1)
    windows = [(h0, w0) for h0 in hs for w0 in ws]
    order = range(len(windows)) if shifted else reversed(range(len(windows)))
    out = torch.full((b, seq, heads * dh), float("nan"), dtype=q.dtype)
    qt, kt, vt = (x.transpose(1, 2) for x in (q, k, v))
    for wi in order:
        h0, w0 = windows[wi]
        member = (h_idx >= h0) & (h_idx < h0 + wh) & (w_idx >= w0) & (w_idx < w0 + ww)
        mask = member[:, None] & member[None, :]
        mask = mask | ~member[:, None]          # rows outside the window: anything finite, discarded
        o = F.scaled_dot_product_attention(qt, kt, vt, attn_mask=mask)
        o = o.transpose(1, 2).reshape(b, seq, heads * dh)
        out[:, member] = o[:, member]
    return out
