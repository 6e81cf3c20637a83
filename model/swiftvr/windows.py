"""MFSWA window partition: which tokens each window gathers, and which window owns each token.

Token order is (t, h, w) row-major over one chunk's latent grid of T x H x W tokens. A window is
win_h x win_w tokens spanning all T frames. Window starts per axis are
clamp(k * win - shift, 0, size - win) for k = 0 .. ceil(size / win) + 1, de-duplicated, with a
middle start dropped when its neighbours already cover the gap; every window has the same shape,
edge windows are clamped inward and overlap their neighbour.

Windows are numbered h-major. A token that lies in several windows takes the output of exactly
one of them (its owner): the lowest-numbered window in plain layers, the highest in shifted
layers. Because windows form a product of per-axis starts, that owner is the product of the
per-axis lowest (or highest) start containing the token's coordinate.

All functions are TorchScript-compatible and build their index tensors on the target device.
"""

from __future__ import annotations

from typing import List, Tuple

import torch
from torch import Tensor


def axis_window_starts(size: int, win: int, shifted: bool) -> List[int]:
    if size <= win:
        return [0]
    shift = win // 2 if shifted else 0
    starts: List[int] = []
    for k in range((size + win - 1) // win + 2):
        s = min(max(k * win - shift, 0), size - win)
        # k * win - shift grows with k and the clamp is monotone: equal values are adjacent
        if len(starts) == 0 or starts[-1] != s:
            starts.append(s)
    kept: List[int] = [starts[0]]
    for i in range(1, len(starts) - 1):
        # the window at starts[i] adds nothing when the next one starts inside the kept previous one
        if starts[i + 1] <= kept[-1] + win:
            continue
        kept.append(starts[i])
    kept.append(starts[-1])
    return kept


def window_shape(height: int, width: int, window_h: int, window_w: int) -> Tuple[int, int]:
    return min(window_h, height), min(window_w, width)


def _axis_owner(size: int, starts: Tensor, win: int, prefer_last: bool) -> Tuple[Tensor, Tensor]:
    """For every coordinate: index of its owning start on this axis and its offset inside it."""
    coord = torch.arange(size, device=starts.device)
    inside = (coord[None, :] >= starts[:, None]) & (coord[None, :] < starts[:, None] + win)
    n = starts.numel()
    rank = torch.arange(n, device=starts.device)
    # unique scores so argmax has no ties: the preferred containing start scores highest
    priority = (rank + 1) if prefer_last else (n - rank)
    owner = torch.argmax(inside.long() * priority[:, None], dim=0)
    return owner, coord - starts[owner]


def window_partition(frames: int, height: int, width: int, window_h: int, window_w: int, shifted: bool,
                     device: torch.device) -> Tuple[Tensor, Tensor, int, int]:
    """Returns (gather [Nw * Lw], owner [T*H*W], Nw, Lw).

    gather[w * Lw + t*wh*ww + a*ww + b] = t*H*W + (h0_w + a)*W + (w0_w + b);
    owner[token] = position in the gathered (Nw * Lw) sequence of the copy that token keeps.
    """
    wh, ww = window_shape(height, width, window_h, window_w)
    hs = torch.tensor(axis_window_starts(height, wh, shifted), dtype=torch.long, device=device)
    ws = torch.tensor(axis_window_starts(width, ww, shifted), dtype=torch.long, device=device)
    n_h = hs.numel()
    n_w = ws.numel()
    window_len = frames * wh * ww

    t = torch.arange(frames, device=device)
    rows = hs[:, None] + torch.arange(wh, device=device)[None, :]     # [n_h, wh]
    cols = ws[:, None] + torch.arange(ww, device=device)[None, :]     # [n_w, ww]
    gather = (t.view(1, 1, frames, 1, 1) * (height * width)
              + rows.view(n_h, 1, 1, wh, 1) * width
              + cols.view(1, n_w, 1, 1, ww))                          # [n_h, n_w, T, wh, ww]

    own_h, off_h = _axis_owner(height, hs, wh, shifted)
    own_w, off_w = _axis_owner(width, ws, ww, shifted)
    window_of_token = own_h[:, None] * n_w + own_w[None, :]           # [H, W]
    position = (t.view(frames, 1, 1) * (wh * ww) + off_h.view(1, height, 1) * ww + off_w.view(1, 1, width))
    owner = window_of_token[None, :, :] * window_len + position      # [T, H, W]
    return gather.reshape(-1), owner.reshape(-1), n_h * n_w, window_len
