#!/usr/bin/env python3
"""Colour fidelity of the restorer with each `--color-fix` (none, wavelet, adain) on the held-out set.

The fixes are the Java pipeline's (udf/.../color/ColorMatch.java, run on the model's device before the host copy),
written again here with the same operations in the same order, so that the figures measure what production runs;
udf's ColorMatchAgreementTest checks the two on a real frame against a golden written by `--write-golden`:

  wavelet  out - low(out) + low(ref): low = 5 passes of the 3x3 binomial blur [1 2 1]^T [1 2 1] / 16 dilated 1, 2, 4,
           8, 16, edges replicated (separable: along the rows, then the columns)
  adain    per frame and channel, (out - mean) / std * std_ref + mean_ref (population std, variance + 1e-5)
  ref      the input frame the output frame restores, as float in [0, 1], resized to the output size bilinearly
           with half-pixel centres (PyTorch's upsample_bilinear2d, align_corners=False)
  result   clamped to [0, 1], then round(x * 255) to uint8

The model runs once per clip as evaluate.Bundle runs it (the Java chunk grid, state carried, float output); each
fix is applied to the same float frames. Per group it reports PSNR (RGB), and the colour shift against the ground
truth: the per-channel difference of the frame means in 8-bit units (signed mean over frames for R, G, B, and the
mean of |difference| over frames and channels), and the mean CIEDE2000 colour difference between 8x8-pixel block
means (sRGB, D65), which sees the local colour and not the detail.

  PYTHONPATH=model python3 -m swiftvr.eval.color_fix --bundle models/swiftvr-small [--only x2_clean] [--report out.md]
  PYTHONPATH=model python3 -m swiftvr.eval.color_fix --write-golden udf/src/test/resources/color-fix
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from typing import Dict

import numpy as np
import torch
import torch.nn.functional as F

from swiftvr.eval.metrics import psnr_per_frame
from swiftvr.paths import EVAL_DIR

FIXES = ("none", "wavelet", "adain")
WAVELET_LEVELS = 5
ADAIN_EPSILON = 1e-5
BLOCK = 8


# ----- the fixes, on [F, H, W, 3] float32 in [0, 1] (NHWC, as the module returns them) -----

def blur_axis(x: torch.Tensor, axis: int, dilation: int) -> torch.Tensor:
    """(x[i - d] + 2 x[i] + x[i + d]) / 4 along `axis`, indices clamped to the edge."""
    n = x.shape[axis]
    first = x.narrow(axis, 0, 1)
    last = x.narrow(axis, n - 1, 1)
    pad = list(x.shape)
    pad[axis] = dilation
    padded = torch.cat([first.expand(pad), x, last.expand(pad)], axis)
    minus = padded.narrow(axis, 0, n)
    plus = padded.narrow(axis, 2 * dilation, n)
    total = x * 2.0
    total += minus
    total += plus
    return total * 0.25


def low_pass(x: torch.Tensor) -> torch.Tensor:
    for level in range(WAVELET_LEVELS):
        d = 1 << level
        x = blur_axis(blur_axis(x, 1, d), 2, d)
    return x


def wavelet(out: torch.Tensor, ref: torch.Tensor) -> torch.Tensor:
    s = out - low_pass(out)
    s += low_pass(ref)
    return s.clamp(0.0, 1.0)


def _spatial_mean(x: torch.Tensor) -> torch.Tensor:
    return x.mean(dim=1, keepdim=True).mean(dim=2, keepdim=True)   # over rows, then columns, as the Java side


def _std(x: torch.Tensor, mean: torch.Tensor) -> torch.Tensor:
    d = x - mean
    var = _spatial_mean(d * d)
    var += ADAIN_EPSILON
    return var.sqrt()


def adain(out: torch.Tensor, ref: torch.Tensor) -> torch.Tensor:
    mean_out = _spatial_mean(out)
    std_out = _std(out, mean_out)
    mean_in = _spatial_mean(ref)
    std_in = _std(ref, mean_in)
    gain = std_in / std_out
    m = out - mean_out
    m *= gain
    m += mean_in
    return m.clamp(0.0, 1.0)


def reference(lq: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """uint8 [F, h, w, 3] -> float [F, H, W, 3] in [0, 1], bilinear with half-pixel centres."""
    x = lq.float() / 255.0
    if x.shape[1:3] == (height, width):
        return x
    y = torch.ops.aten.upsample_bilinear2d(x.permute(0, 3, 1, 2), [height, width], False)
    return y.permute(0, 2, 3, 1)


def to_uint8(x: torch.Tensor) -> torch.Tensor:
    return (x * 255.0).round().clamp(0.0, 255.0).to(torch.uint8)


def fix(name: str, out: torch.Tensor, lq: torch.Tensor) -> torch.Tensor:
    """The module's float output [F, H, W, 3] and the input frames it restores [F, h, w, 3] uint8 -> uint8."""
    if name == "none":
        return to_uint8(out)
    ref = reference(lq, out.shape[1], out.shape[2])
    return to_uint8(wavelet(out, ref) if name == "wavelet" else adain(out, ref))


# ----- colour difference -----

def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """[..., 3] sRGB in 0..255 -> CIELAB (D65 white, 2 degree observer)."""
    c = rgb.astype(np.float64) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375],
                  [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883])
    e, k = 216 / 24389, 24389 / 27
    f = np.where(xyz > e, np.cbrt(xyz), (k * xyz + 16) / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 (Sharma, Wu and Dalal 2005, kL = kC = kH = 1) between [..., 3] Lab arrays."""
    l1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    l2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar ** 7 / (c_bar ** 7 + 25.0 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dlp, dcp = l2 - l1, c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0, dh)
    dhp = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh) / 2)
    lp_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    hsum = h1p + h2p
    hp_bar = np.where(c1p * c2p == 0, hsum,
                      np.where(np.abs(h1p - h2p) <= 180, hsum / 2,
                               np.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2)))
    t = (1 - 0.17 * np.cos(np.radians(hp_bar - 30)) + 0.24 * np.cos(np.radians(2 * hp_bar))
         + 0.32 * np.cos(np.radians(3 * hp_bar + 6)) - 0.20 * np.cos(np.radians(4 * hp_bar - 63)))
    d_theta = 30 * np.exp(-(((hp_bar - 275) / 25) ** 2))
    rc = 2 * np.sqrt(cp_bar ** 7 / (cp_bar ** 7 + 25.0 ** 7))
    sl = 1 + 0.015 * (lp_bar - 50) ** 2 / np.sqrt(20 + (lp_bar - 50) ** 2)
    sc = 1 + 0.045 * cp_bar
    sh = 1 + 0.015 * cp_bar * t
    rt = -np.sin(np.radians(2 * d_theta)) * rc
    return np.sqrt((dlp / sl) ** 2 + (dcp / sc) ** 2 + (dhp / sh) ** 2 + rt * (dcp / sc) * (dhp / sh))


def block_means(clip: np.ndarray, block: int = BLOCK) -> np.ndarray:
    """uint8 [T, H, W, 3] -> float [T, H // block, W // block, 3], the mean of each block (edges cut)."""
    t, h, w, _ = clip.shape
    h, w = h // block * block, w // block * block
    x = clip[:, :h, :w].astype(np.float64).reshape(t, h // block, block, w // block, block, 3)
    return x.mean(axis=(2, 4))


def colour_shift(out: np.ndarray, gt: np.ndarray) -> Dict[str, np.ndarray]:
    """Per frame: the signed difference of the channel means [T, 3] (8-bit units), and the mean CIEDE2000 between
    the 8x8 block means [T]."""
    channel = out.reshape(out.shape[0], -1, 3).mean(1) - gt.reshape(gt.shape[0], -1, 3).astype(np.float64).mean(1)
    de = ciede2000(srgb_to_lab(block_means(out)), srgb_to_lab(block_means(gt))).mean(axis=(1, 2))
    return {"channel": channel, "de2000": de}


# ----- the model's float output over the Java chunk grid -----

def restore_floats(bundle, lq: np.ndarray, out_size) -> torch.Tensor:
    """evaluate.Bundle.restore with float output: float32 [N, H, W, 3] in [0, 1]; frame j restores lq[j]."""
    n = lq.shape[0]
    stream = bundle.stream
    plan = bundle.chunk_plan(n)
    stream_len = plan[-1][0] + plan[-1][1]
    frames = torch.from_numpy(np.ascontiguousarray(lq[np.minimum(np.arange(stream_len), n - 1)]))
    states = [torch.empty(0) for _ in range(stream["state_tensors"])]
    size = torch.tensor(list(out_size), dtype=torch.long)
    outs = []
    with torch.no_grad():
        for start, length in plan:
            result = bundle.module(frames[start:start + length], size,
                                   torch.tensor([start // stream["temporal_factor"]], dtype=torch.long),
                                   torch.tensor([1], dtype=torch.long), *states)
            outs.append(result[0])
            states = list(result[1:])
    lag = stream["decoder_lag_frames"]
    return torch.cat(outs)[lag:lag + n]


# ----- the golden for the Java test -----

def write_golden(folder: str, clip_path: str, frame: int) -> None:
    """From a real frame: a 96x64 crop (ground truth), its 2x area downscale (the input), a stand-in for a restored
    frame (the input's bicubic 2x upscale with a colour cast: red x0.85 + 0.08, green + 0.05, blue x1.1, as floats),
    and what each fix makes of it, as PNGs; udf's ColorMatchAgreementTest compares the Java fixes with them."""
    from swiftvr.data.imagefiles import read_video, write_png
    video = read_video(clip_path, max_frames=frame + 1)
    h, w = video.shape[1:3]
    y0, x0 = (h - 64) // 2, (w - 96) // 2
    gt = torch.from_numpy(np.ascontiguousarray(video[frame, y0:y0 + 64, x0:x0 + 96]))[None]
    lq = F.avg_pool2d(gt.permute(0, 3, 1, 2).float(), 2).round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1)
    up = F.interpolate(lq.permute(0, 3, 1, 2).float() / 255.0, size=(64, 96), mode="bicubic", align_corners=False)
    cast = up.permute(0, 2, 3, 1) * torch.tensor([0.85, 1.0, 1.1]) + torch.tensor([0.08, 0.05, 0.0])
    restored = to_uint8(cast.clamp(0, 1))              # stored as uint8; both sides read it as uint8 / 255
    out = restored.float() / 255.0
    os.makedirs(folder, exist_ok=True)
    write_png(os.path.join(folder, "input.png"), lq[0].numpy())
    write_png(os.path.join(folder, "restored.png"), restored[0].numpy())
    for name in ("wavelet", "adain"):
        write_png(os.path.join(folder, f"{name}.png"), fix(name, out, lq)[0].numpy())
    with open(os.path.join(folder, "README.md"), "w") as f:
        f.write(f"Golden of the colour fixes, written by `PYTHONPATH=model python3 -m swiftvr.eval.color_fix "
                f"--write-golden {folder}` from frame {frame} of {os.path.relpath(clip_path)}: `input.png` "
                f"(48x32, the input), `restored.png` (96x64, the input's bicubic x2 with a colour cast), "
                f"`wavelet.png` and `adain.png` (what model/swiftvr/eval/color_fix.py makes of them). "
                f"udf's ColorMatchAgreementTest runs the Java fixes on the same two images and compares.\n")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bundle")
    p.add_argument("--evalset", default=os.path.join(EVAL_DIR, "cache"))
    p.add_argument("--only", help="evaluate only clips whose group starts with this")
    p.add_argument("--frames", type=int, default=0,
                   help="use only each clip's first N frames (23: one chunk of the stream; 0: all)")
    p.add_argument("--per-group", type=int, default=0, help="use only the first N clips of each group (0: all)")
    p.add_argument("--report", help="also write the markdown table here")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--write-golden", metavar="FOLDER", help="write the Java test's golden instead")
    p.add_argument("--golden-clip", default="samples/realshort.mp4")
    p.add_argument("--golden-frame", type=int, default=10)
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.write_golden:
        write_golden(args.write_golden, args.golden_clip, args.golden_frame)
        return 0
    if not args.bundle:
        p.error("--bundle is required")
    from swiftvr.evaluate import Bundle, print_table
    bundle = Bundle(args.bundle)
    with open(os.path.join(args.evalset, "evalset.json")) as f:
        clips = json.load(f)["clips"]
    if args.only:
        clips = [c for c in clips if c["group"].startswith(args.only)]
    if args.per_group:
        kept, chosen = defaultdict(int), []
        for c in clips:
            if kept[c["group"]] < args.per_group:
                kept[c["group"]] += 1
                chosen.append(c)
        clips = chosen

    psnr, channel, de = (defaultdict(lambda: defaultdict(list)) for _ in range(3))
    t0 = time.time()
    for clip in clips:
        data = np.load(os.path.join(args.evalset, clip["name"] + ".npz"))
        gt, lq = data["gt"], data["lq"]
        if args.frames:
            gt, lq = gt[:args.frames], lq[:args.frames]
        floats = restore_floats(bundle, lq, gt.shape[1:3])
        g = clip["group"]
        line = []
        for name in FIXES:
            out = fix(name, floats, torch.from_numpy(lq)).numpy()
            shift = colour_shift(out, gt)
            psnr[g][name] += list(psnr_per_frame(out, gt))
            channel[g][name] += list(shift["channel"])
            de[g][name] += list(shift["de2000"])
            line.append(f"{name} {np.mean(psnr_per_frame(out, gt)):.2f} dB "
                        f"|d| {np.abs(shift['channel']).mean():.2f} dE {shift['de2000'].mean():.2f}")
        print(f"{clip['name']}: " + "; ".join(line) + f" ({time.time() - t0:.0f} s)", flush=True)

    lines = ["| held-out group | clips | --color-fix | PSNR dB | mean R / G / B difference | mean abs channel "
             "difference | CIEDE2000 (8x8 block means) |",
             "|---|---|---|---|---|---|---|"]
    totals = defaultdict(lambda: defaultdict(list))
    for g in psnr:
        n = sum(1 for c in clips if c["group"] == g)
        for name in FIXES:
            ch = np.array(channel[g][name])
            lines.append(f"| {g} | {n} | {name} | {np.mean(psnr[g][name]):.2f} | "
                         f"{ch[:, 0].mean():+.2f} / {ch[:, 1].mean():+.2f} / {ch[:, 2].mean():+.2f} | "
                         f"{np.abs(ch).mean():.2f} | {np.mean(de[g][name]):.3f} |")
            totals[name]["psnr"].append(np.mean(psnr[g][name]))
            totals[name]["abs"].append(np.abs(ch).mean())
            totals[name]["de"].append(np.mean(de[g][name]))
    for name in FIXES:
        t = totals[name]
        lines.append(f"| mean of the groups | | {name} | {np.mean(t['psnr']):.2f} | | {np.mean(t['abs']):.2f} | "
                     f"{np.mean(t['de']):.3f} |")
    print_table(lines, args.report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
