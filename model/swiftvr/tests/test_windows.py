"""MFSWA window partition and attention against the published golden table and a masked reference."""

import math

import pytest
import torch

from swiftvr.windows import axis_window_starts, window_partition
from swiftvr.dit import mfswa_attention
from swiftvr.testing.attention import masked_reference_attention

# anchors.md section 1.3, golden window counts (tokens = padded output pixels / 32)
GOLDEN = [
    # (output, H tokens, W tokens, plain h, plain w, plain Nw, shifted h, shifted w, shifted Nw)
    ("1920x1080 (pad 1088)", 34, 60, [0, 16, 18], [0, 16, 32, 44], 12,
     [0, 8, 18], [0, 8, 24, 40, 44], 15),
    ("2560x1440", 45, 80, [0, 16, 29], [0, 16, 32, 48, 64], 15,
     [0, 8, 24, 29], [0, 8, 24, 40, 56, 64], 24),
    ("3840x2160 (pad 2176)", 68, 120, [0, 16, 32, 48, 52], [0, 16, 32, 48, 64, 80, 96, 104], 40,
     [0, 8, 24, 40, 52], [0, 8, 24, 40, 56, 72, 88, 104], 40),
]


def tokens(pixels: int) -> int:
    return math.ceil(pixels / 32)


@pytest.mark.parametrize("case", GOLDEN, ids=[g[0] for g in GOLDEN])
def test_window_starts_match_golden_table(case):
    _, h, w, ph, pw, pn, sh, sw, sn = case
    assert axis_window_starts(h, 16, False) == ph
    assert axis_window_starts(w, 16, False) == pw
    assert axis_window_starts(h, 16, True) == sh
    assert axis_window_starts(w, 16, True) == sw
    assert window_partition(6, h, w, 16, 16, False, torch.device("cpu"))[2] == pn
    assert window_partition(6, h, w, 16, 16, True, torch.device("cpu"))[2] == sn


def test_token_grid_of_published_resolutions():
    assert (tokens(1080), tokens(1920)) == (34, 60)
    assert (tokens(1440), tokens(2560)) == (45, 80)
    assert (tokens(2160), tokens(3840)) == (68, 120)


def test_small_axes_and_middle_start_drop():
    assert axis_window_starts(10, 16, False) == [0]
    assert axis_window_starts(16, 16, True) == [0]
    # shifted, size 30: clamp gives [0, 8, 14]; 14 <= 0 + 16 so the middle start 8 is dropped
    assert axis_window_starts(30, 16, True) == [0, 14]
    assert axis_window_starts(3, 2, False) == [0, 1]


@pytest.mark.parametrize("size", range(1, 80))
@pytest.mark.parametrize("shifted", [False, True])
def test_starts_cover_axis_with_full_windows(size, shifted):
    win = min(16, size)
    starts = axis_window_starts(size, win, shifted)
    assert starts == sorted(set(starts))
    assert all(0 <= s <= size - win for s in starts)
    covered = set()
    for s in starts:
        covered.update(range(s, s + win))
    assert covered == set(range(size))


def reference_owner(frames, height, width, wh, ww, hs, ws, shifted):
    """Walk the windows and overwrite, as the published scatter does: plain layers walk from the
    last window to the first (lowest index wins), shifted layers from first to last."""
    lw = frames * wh * ww
    windows = [(h0, w0) for h0 in hs for w0 in ws]
    order = list(range(len(windows)))
    if not shifted:
        order.reverse()
    owner = torch.full((frames, height, width), -1, dtype=torch.long)
    for wi in order:
        h0, w0 = windows[wi]
        for t in range(frames):
            for a in range(wh):
                for b in range(ww):
                    owner[t, h0 + a, w0 + b] = wi * lw + t * wh * ww + a * ww + b
    return owner.reshape(-1)


@pytest.mark.parametrize("grid", [(2, 5, 7, 2, 3), (3, 34, 60, 16, 16), (1, 9, 4, 4, 4), (2, 3, 3, 8, 8)])
@pytest.mark.parametrize("shifted", [False, True])
def test_gather_and_owner_indices(grid, shifted):
    frames, height, width, win_h, win_w = grid
    gather, owner, nw, lw = window_partition(frames, height, width, win_h, win_w, shifted, torch.device("cpu"))
    wh, ww = min(win_h, height), min(win_w, width)
    hs = axis_window_starts(height, wh, shifted)
    ws = axis_window_starts(width, ww, shifted)
    assert nw == len(hs) * len(ws) and lw == frames * wh * ww
    expected = []
    for h0 in hs:
        for w0 in ws:
            for t in range(frames):
                for a in range(wh):
                    for b in range(ww):
                        expected.append(t * height * width + (h0 + a) * width + (w0 + b))
    assert gather.tolist() == expected
    assert torch.equal(owner, reference_owner(frames, height, width, wh, ww, hs, ws, shifted))
    # each token's owner slot gathers that very token
    assert torch.equal(gather[owner], torch.arange(frames * height * width))


@pytest.mark.parametrize("grid", [(2, 5, 7, 2, 3), (3, 6, 20, 4, 4), (2, 3, 5, 2, 2), (1, 4, 4, 16, 16)])
@pytest.mark.parametrize("shifted", [False, True])
def test_mfswa_equals_masked_attention(grid, shifted):
    frames, height, width, win_h, win_w = grid
    torch.manual_seed(0)
    seq = frames * height * width
    q, k, v = (torch.randn(2, seq, 3, 8, dtype=torch.float64) for _ in range(3))
    gather, owner, nw, lw = window_partition(frames, height, width, win_h, win_w, shifted, torch.device("cpu"))
    got = mfswa_attention(q, k, v, gather, owner, nw, lw)
    want = masked_reference_attention(q, k, v, frames, height, width, win_h, win_w, shifted)
    assert not torch.isnan(want).any()
    torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-10)


def test_owner_rule_matters():
    """Plain and shifted owner rules differ on overlapping windows: a swapped rule must fail."""
    frames, height, width = 1, 3, 5
    plain = window_partition(frames, height, width, 2, 2, False, torch.device("cpu"))
    # plain windows on w are [0, 2, 3]; token w=3 lies in windows 1 and 2
    highest = reference_owner(frames, height, width, 2, 2, [0, 1], [0, 2, 3], shifted=True)
    assert not torch.equal(plain[1], highest)
