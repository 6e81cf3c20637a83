#!/usr/bin/env python3
"""Build the held-out evaluation set (never trained on) into model/eval/cache/ (ignored).

Synthetic clips with exact ground truth: one camera-path clip per held-out photo of photos.tsv
(the training generator of swiftvr.data, fixed seed), in three versions:
  x2_degraded  the training degradations (blur, noise, resize kernels, JPEG) and then, for 60% of
               clips, *real* H.264 from ffmpeg/libx264 at a random constant QP 22-40 instead of the
               torch proxy used in training: this also checks that what was learnt from the
               proxy carries over to the real codec;
  x2_clean     antialiased bicubic downscale only ("never worse than bicubic" is checked here);
  x4_degraded  as x2_degraded at 1/4 size.
and a second clip per photo along a fast hand-held path (camera.handheld_path: swinging back and
forth at up to 20 px per frame, like the held-out cockatoo's real motion), in two versions:
  x2_handheld_degraded, x2_handheld_clean   as x2_degraded and x2_clean.
Real footage (python3-imageio's clips, fetched by model/data/fetch_photos.sh): the clip's frames,
area-downscaled x2 to clean them (cockatoo is 720p H.264 at 388 kb/s), are the ground truth;
the input is their bicubic x2 downscale, and a second version adds libx264 at QP 32.

Wider groups (issue 29: a stranger's footage is not degraded the way training degrades), each from a generator of
its own, degraded by wide_degrade (a camera's signal-dependent, demosaic-correlated noise, blur before and after
scaling, seven scaling kernels, then one or two generations of real codecs: MPEG-2, MPEG-4 part 2, MJPEG, x264,
x265, VP9; none of them seen in training):
  x2_wide_degraded         the held-out photos along slow paths (part wide);
  other_x2_wide_degraded   pictures from packages that never gave a training picture (data/other_sources.tsv:
                           OpenCV's and imageio's sample images), and other_x2_clean, their bicubic downscale (part
                           other).
Each clip is saved as <name>.npz with gt [N, H, W, 3] and lq [N, h, w, 3] (uint8) and a recipe. --parts builds some
parts only (and adds them to evalset.json); --record-codec-files keeps the encoded files of the real codecs and
--replay-codec-files decodes those instead of encoding, for a machine whose ffmpeg cannot encode (the GPU machine
has OpenCV's decoders only): the clips are then the same, each decoder's conversion to RGB aside.
Needs ffmpeg with libx264 (Debian `ffmpeg`); runs on the CPU in about a minute:

  cd model && python3 -m swiftvr.eval.make_eval_set [--split train] [--codec proxy --out DIR]

--codec proxy | none (with another --out) builds the same clips with the codec step swapped: the
training's torch proxy of H.264 at the same QP, or no video codec at all (every other step and
every random draw the same), to measure what the codec costs the model (docs/quality.md).

--split train builds a *tuning* set the same way from training sources instead (into
model/eval/cache-tuning unless --out says otherwise): every seventh training photo (8 photos), the
training clip vtest.avi and the tuning-only clip tree.avi (footage.tsv; never trained on). Candidates
(training runs, settings) are ranked on it, so that the held-out set stays a measure of what was not
chosen on it (docs/quality.md, "Sixth version").
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

from swiftvr.data.camera import crop_for_path, handheld_path, random_path, render
from swiftvr.data.codec import video
from swiftvr.data.degrade import (KERNELS, DegradeConfig, blur, camera_noise, degrade_batch, gaussian_kernel, pad16,
                                  resize)
from swiftvr.data.imagefiles import read_image, read_video
from swiftvr.data.photos import pack_files, read_footage_list
from swiftvr.paths import DATA_DIR, EVAL_DIR

SEED = 20261122
SYNTH_FRAMES = 49        # a stream of 52 = 28 + 24 frames: one chunk boundary inside the clip
REAL_FRAMES = 73         # 76 = 28 + 24 + 24: two chunk boundaries
GT_SIZE = (256, 384)


# Where the encoded files of the real codecs go (--record-codec-files) or come from (--replay-codec-files): a set
# built where ffmpeg cannot encode (the GPU machine) decodes the bitstreams made here instead, so its clips are these
# clips (each decoder's own conversion to RGB aside).
CODEC_FILES = {"record": "", "replay": ""}


def encoded_round_trip(frames: np.ndarray, encoder_args: list, ext: str, key: str) -> np.ndarray:
    """uint8 [T, H, W, 3] through an ffmpeg encoder (its arguments after the raw input) and decoded again; the file
    is kept as <key>.<ext> when recording, and read instead of encoding when replaying."""
    n, h, w, _ = frames.shape
    if h % 2 or w % 2:
        raise ValueError("4:2:0 encoding needs even sizes")
    if CODEC_FILES["replay"]:
        path = os.path.join(CODEC_FILES["replay"], f"{key}.{ext}")
    else:
        path = os.path.join(CODEC_FILES["record"], f"{key}.{ext}") if CODEC_FILES["record"] \
            else f"/tmp/swiftvr-eval-codec.{ext}"
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
                        "-r", "24", "-i", "-"] + encoder_args + [path], input=frames.tobytes(), check=True)
    out = read_video(path)
    if out.shape != frames.shape:
        raise RuntimeError(f"{path}: the round trip changed the shape {frames.shape} -> {out.shape}")
    return out


def x264(frames: np.ndarray, qp: int, key: str = "x264") -> np.ndarray:
    """Round trip through libx264 at constant QP (yuv420p, GOP 12, no B-frames, like streaming)."""
    return encoded_round_trip(frames, ["-c:v", "libx264", "-qp", str(qp), "-g", "12", "-bf", "0", "-pix_fmt",
                                       "yuv420p"], "mp4", key)


# Encoders of several generations for the wide groups (issue 29): each draws its quality from the range given, and
# ffmpeg round-trips the clip through it at 4:2:0 (MJPEG: 4:2:2, its usual form). Training never saw any of them (it
# has a JPEG and an H.264 proxy in torch).
FFMPEG_CODECS = {
    "mpeg2": (["-c:v", "mpeg2video", "-g", "12", "-bf", "2", "-q:v"], (4, 14), "mpg", "yuv420p"),
    "mpeg4": (["-c:v", "mpeg4", "-g", "12", "-q:v"], (4, 14), "avi", "yuv420p"),
    "mjpeg": (["-c:v", "mjpeg", "-q:v"], (4, 16), "avi", "yuvj422p"),
    "x264": (["-c:v", "libx264", "-preset", "veryfast", "-g", "24", "-crf"], (23, 36), "mp4", "yuv420p"),
    "x265": (["-c:v", "libx265", "-preset", "veryfast", "-x265-params", "log-level=error", "-crf"], (24, 38), "mp4",
             "yuv420p"),
    "vp9": (["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "0", "-crf"], (30, 50), "webm",
            "yuv420p"),
}


def ffmpeg_codec(frames: np.ndarray, codec: str, quality: int, key: str) -> np.ndarray:
    """Round trip of uint8 [T, H, W, 3] through one of FFMPEG_CODECS at the given quality value."""
    args, _, ext, pix_fmt = FFMPEG_CODECS[codec]
    return encoded_round_trip(frames, args + [str(quality), "-pix_fmt", pix_fmt], ext, key)


def wide_degrade(gt: torch.Tensor, scale: int, gen: torch.Generator, key: str) -> tuple:
    """The wide held-out chain on ground truth [T, 3, H, W] in [0, 1]: a capture blur and a camera's noise
    (signal-dependent, demosaic-correlated: degrade.camera_noise, stronger than training's draws reach) in random
    order, each drawn; a downscale by one of seven kernels (training's five, nearest, and bilinear without
    antialiasing as cheap scalers do); a blur after it, drawn; then one or two generations of real codecs
    (FFMPEG_CODECS). Returns (uint8 LQ [T, h, w, 3], recipe)."""
    steps = []
    x = gt
    ops = [op for op, p in (("blur", 0.5), ("camera", 0.7)) if torch.rand((), generator=gen).item() < p]
    for i in torch.randperm(len(ops), generator=gen).tolist():
        if ops[i] == "blur":
            s = 0.3 + 1.5 * torch.rand((), generator=gen).item()
            x = blur(x, gaussian_kernel(s, s, 0.0, 2 * int(math.ceil(3 * s)) + 1))
            steps.append(f"blur({s:.2f})")
        else:
            shot = 10 ** (-4 + 2.0 * torch.rand((), generator=gen).item())    # 1e-4 .. 1e-2
            read = 10 ** (-6 + 2.5 * torch.rand((), generator=gen).item())
            seed = int(torch.randint(2 ** 62, (), generator=gen))
            x = camera_noise(x, shot, read, torch.Generator().manual_seed(seed))
            steps.append(f"camera({shot:.1e},{read:.1e})")
    kernels = list(KERNELS) + ["nearest", "bilinear_aliased"]
    kernel = kernels[int(torch.randint(len(kernels), (), generator=gen))]
    size = (gt.shape[-2] // scale, gt.shape[-1] // scale)
    x = x.clamp(0.0, 1.0)
    if kernel == "nearest":
        x = F.interpolate(x, size=size, mode="nearest-exact")
    elif kernel == "bilinear_aliased":
        x = F.interpolate(x, size=size, mode="bilinear", align_corners=False, antialias=False)
    else:
        x = resize(x, size, kernel)
    steps.append(f"down(x{scale},{kernel})")
    if torch.rand((), generator=gen).item() < 0.4:
        s = 0.3 + 0.7 * torch.rand((), generator=gen).item()
        x = blur(x, gaussian_kernel(s, s, 0.0, 2 * int(math.ceil(3 * s)) + 1))
        steps.append(f"blur_after({s:.2f})")
    lq = to_u8(x)
    names = list(FFMPEG_CODECS)
    generations = 1 if torch.rand((), generator=gen).item() < 0.6 else 2
    for g in range(generations):
        codec = names[int(torch.randint(len(names), (), generator=gen))]
        lo, hi = FFMPEG_CODECS[codec][1]
        quality = int(torch.randint(lo, hi + 1, (), generator=gen))
        lq = ffmpeg_codec(lq, codec, quality, f"{key}.{g}")
        steps.append(f"{codec}({quality})")
    return lq, " > ".join(steps)


PARTS = ("slow", "real", "handheld", "wide", "other")


def other_source_files(folder: str) -> list:
    """The pictures of model/data/other_sources.tsv (packages whose pictures never entered training), in `folder`
    (fetch_photos.sh copies them to model/data/cache/other)."""
    with open(os.path.join(DATA_DIR, "other_sources.tsv")) as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip() and not line.startswith("#")]
    files = [os.path.join(folder, os.path.basename(row[3])) for row in rows]
    missing = [f for f in files if not os.path.exists(f)]
    if missing:
        raise SystemExit(f"{', '.join(missing)} missing: run model/data/fetch_photos.sh")
    return files


def wide(out_dir: str, gen: torch.Generator, split: str = "heldout") -> list:
    """x2_wide_degraded: the split's photos along slow camera paths through wide_degrade."""
    rows = []
    for path in SPLITS[split][0]():
        pid = os.path.splitext(os.path.basename(path))[0]
        gt = camera_clip(path, SYNTH_FRAMES, random_path, gen)
        lq, recipe = wide_degrade(gt, 2, gen, f"x2_wide_degraded-{pid}")
        rows.append(save(out_dir, f"x2_wide_degraded-{pid}", to_u8(gt), lq, recipe, "x2_wide_degraded"))
    return rows


def other_sources(out_dir: str, gen: torch.Generator, other_dir: str) -> list:
    """other_x2_wide_degraded and other_x2_clean: the pictures of other_sources.tsv along slow camera paths (zoom at
    most 1.3: some are small), through wide_degrade and through a plain bicubic downscale."""
    rows = []
    for path in other_source_files(other_dir):
        pid = os.path.splitext(os.path.basename(path))[0]
        gt = camera_clip(path, SYNTH_FRAMES, lambda *a: random_path(*a, max_zoom=1.3), gen)
        lq, recipe = wide_degrade(gt, 2, gen, f"other_x2_wide_degraded-{pid}")
        rows.append(save(out_dir, f"other_x2_wide_degraded-{pid}", to_u8(gt), lq, recipe, "other_x2_wide_degraded"))
        clean = to_u8(resize(gt, (gt.shape[-2] // 2, gt.shape[-1] // 2), "bicubic"))
        rows.append(save(out_dir, f"other_x2_clean-{pid}", to_u8(gt), clean, "bicubic", "other_x2_clean"))
    return rows


def to_u8(x: torch.Tensor) -> np.ndarray:
    """[T, 3, H, W] float -> [T, H, W, 3] uint8"""
    return (x.clamp(0, 1) * 255).round().to(torch.uint8).permute(0, 2, 3, 1).contiguous().numpy()


def proxy(frames: np.ndarray, qp: int, key: str = "") -> np.ndarray:
    """The training's H.264 proxy (swiftvr/data/codec.py) at constant QP, on uint8 [T, H, W, 3]; padded
    to whole 16x16 blocks as training does."""
    x, h, w = pad16(torch.from_numpy(frames).permute(0, 3, 1, 2).float() / 255.0)
    return to_u8(video(x[None], torch.tensor([float(qp)]))[0][..., :h, :w])


CODECS = {"x264": x264, "proxy": proxy, "none": lambda frames, qp, key="": frames}


def footage_files(*splits: str) -> tuple:
    """File names in model/data/cache/clips of footage.tsv's clips of these splits."""
    return tuple(c.id + os.path.splitext(c.path)[1] for c in read_footage_list() if c.split in splits)


# split -> (the pack's photos of that split to use, the real clips of model/data/cache/clips)
SPLITS = {
    "heldout": (lambda: pack_files("heldout"), footage_files("heldout")),
    "train": (lambda: pack_files("train")[::7], footage_files("train", "tuning")),
}


SLOW_GROUPS = ("x2_degraded", 2, False), ("x2_clean", 2, True), ("x4_degraded", 4, False)
HANDHELD_GROUPS = ("x2_handheld_degraded", 2, False), ("x2_handheld_clean", 2, True)


def camera_clip(photo_path: str, frames: int, make_path, gen: torch.Generator) -> torch.Tensor:
    """Ground truth [T, 3, H, W] of GT_SIZE along a path from make_path (camera.random_path,
    handheld_path or a partial of them) over one photo."""
    photo = torch.from_numpy(read_image(photo_path)).permute(2, 0, 1).contiguous()
    cam = make_path(frames, *GT_SIZE, photo.shape[1], photo.shape[2], gen)
    crop, cam = crop_for_path(photo, cam, *GT_SIZE)
    return render(crop.float() / 255.0, cam, *GT_SIZE)


def synthetic(out_dir: str, gen: torch.Generator, codec=x264, split: str = "heldout", handheld: bool = False) -> list:
    """One clip per photo of the split along a camera path (slow pans, or fast hand-held motion),
    in each version of its groups: (group, scale, clean)."""
    rows = []
    # every clip of a degraded group is degraded (no "clean" draws), and real x264 replaces the proxy
    no_proxy = DegradeConfig(p_video=0.0, p_clean=0.0)
    for path in SPLITS[split][0]():
        pid = os.path.splitext(os.path.basename(path))[0]
        gt = camera_clip(path, SYNTH_FRAMES, handheld_path if handheld else random_path, gen)
        for name, scale, clean in HANDHELD_GROUPS if handheld else SLOW_GROUPS:
            lq, recipes = degrade_batch(gt[None], scale, gen, DegradeConfig(p_clean=1.0) if clean else no_proxy)
            lq_u8 = to_u8(lq[0])
            recipe = recipes[0].describe()
            if not clean and torch.rand((), generator=gen).item() < 0.6:
                qp = int(torch.randint(22, 41, (), generator=gen))
                lq_u8 = codec(lq_u8, qp, f"{name}-{pid}")
                recipe += f" > {codec_name(codec)}(qp{qp})"
            rows.append(save(out_dir, f"{name}-{pid}", to_u8(gt), lq_u8, recipe, name))
    return rows


def codec_name(codec) -> str:
    return next(name for name, c in CODECS.items() if c is codec)


def real(out_dir: str, clips_dir: str, codec=x264, split: str = "heldout") -> list:
    rows = []
    for file in SPLITS[split][1]:
        clip = os.path.splitext(file)[0]
        frames = torch.from_numpy(read_video(os.path.join(clips_dir, file), REAL_FRAMES)).permute(0, 3, 1, 2)
        frames = frames.float() / 255.0
        if frames.shape[-1] > 640:   # cockatoo 1280x720 -> 640x360, vtest 768x576 -> 384x288; tree stays 320x240
            frames = F.interpolate(frames, scale_factor=0.5, mode="area")
        gt = to_u8(frames)
        h, w = gt.shape[1:3]
        lq = to_u8(resize(frames, (h // 2, w // 2), "bicubic"))
        rows.append(save(out_dir, f"real_x2_clean-{clip}", gt, lq, "bicubic", "real_x2_clean"))
        rows.append(save(out_dir, f"real_x2_x264-{clip}", gt, codec(lq, 32, f"real_x2_x264-{clip}"),
                         f"bicubic > {codec_name(codec)}(qp32)",
                         "real_x2_x264"))
    return rows


def save(out_dir: str, name: str, gt: np.ndarray, lq: np.ndarray, recipe: str, group: str) -> dict:
    np.savez(os.path.join(out_dir, name + ".npz"), gt=gt, lq=lq)
    print(f"{name}: gt {gt.shape[2]}x{gt.shape[1]}x{gt.shape[0]}, lq {lq.shape[2]}x{lq.shape[1]}; {recipe}")
    return {"name": name, "group": group, "recipe": recipe, "frames": int(gt.shape[0]),
            "gt_size": list(gt.shape[1:3]), "lq_size": list(lq.shape[1:3])}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", help="default: model/eval/cache (held-out) or model/eval/cache-tuning (--split train)")
    p.add_argument("--clips", default=os.path.join(DATA_DIR, "cache", "clips"))
    p.add_argument("--other", default=os.path.join(DATA_DIR, "cache", "other"),
                   help="the pictures of model/data/other_sources.tsv")
    p.add_argument("--codec", choices=list(CODECS), default="x264",
                   help="the video codec step: real libx264 (the held-out set), the training proxy, or none")
    p.add_argument("--parts", default=",".join(PARTS), help="which parts to build (comma-separated: slow = x2_degraded, "
                   "x2_clean, x4_degraded; real = real_x2_*; handheld = x2_handheld_*; wide = x2_wide_degraded; "
                   "other = other_x2_*); a part built alone is added to the set's evalset.json")
    p.add_argument("--split", choices=list(SPLITS), default="heldout",
                   help="heldout: the evaluation set; train: a tuning set from training sources")
    p.add_argument("--record-codec-files", metavar="DIR", help="keep every file the real codecs encode in DIR")
    p.add_argument("--replay-codec-files", metavar="DIR", help="decode the files of an earlier --record-codec-files "
                   "instead of encoding (where ffmpeg is missing: OpenCV decodes them)")
    args = p.parse_args(argv)
    CODEC_FILES["record"] = args.record_codec_files or ""
    CODEC_FILES["replay"] = args.replay_codec_files or ""
    if CODEC_FILES["record"]:
        os.makedirs(CODEC_FILES["record"], exist_ok=True)
    if args.out is None:   # never let the tuning set overwrite the held-out one
        args.out = os.path.join(EVAL_DIR, "cache" if args.split == "heldout" else "cache-tuning")
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(min(4, os.cpu_count() or 1))
    index = os.path.join(args.out, "evalset.json")
    parts = args.parts.split(",")
    unknown = [part for part in parts if part not in PARTS]
    if unknown:
        raise SystemExit(f"unknown parts {unknown}; known: {', '.join(PARTS)}")
    codec = CODECS[args.codec]
    # each part draws from a generator of its own (real footage draws nothing), so that a part built alone is the
    # part of the whole set, and the parts added later left every earlier clip as it was
    rows = []
    if "slow" in parts:
        rows += synthetic(args.out, torch.Generator().manual_seed(SEED), codec, args.split)
    if "real" in parts:
        rows += real(args.out, args.clips, codec, args.split)
    if "handheld" in parts:
        rows += synthetic(args.out, torch.Generator().manual_seed(SEED + 1), codec, args.split, handheld=True)
    if "wide" in parts and args.codec == "x264":   # real codecs only
        rows += wide(args.out, torch.Generator().manual_seed(SEED + 2), args.split)
    if "other" in parts and args.codec == "x264" and args.split == "heldout":
        rows += other_sources(args.out, torch.Generator().manual_seed(SEED + 3), args.other)
    if args.parts != ",".join(PARTS) and os.path.exists(index):
        # the other parts' clips stay listed
        with open(index) as f:
            names = {r["name"] for r in rows}
            rows = [r for r in json.load(f)["clips"] if r["name"] not in names] + rows
    with open(index, "w") as f:
        json.dump({"seed": SEED, "split": args.split, "clips": rows}, f, indent=1)
    print(f"{len(rows)} clips in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
