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

Each clip is saved as <name>.npz with gt [N, H, W, 3] and lq [N, h, w, 3] (uint8) and a recipe.
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
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

from swiftvr.data.camera import crop_for_path, handheld_path, random_path, render
from swiftvr.data.codec import video
from swiftvr.data.degrade import DegradeConfig, degrade_batch, pad16, resize
from swiftvr.data.imagefiles import read_image, read_video
from swiftvr.data.photos import pack_files, read_footage_list
from swiftvr.paths import DATA_DIR, EVAL_DIR

SEED = 20261122
SYNTH_FRAMES = 49        # a stream of 52 = 28 + 24 frames: one chunk boundary inside the clip
REAL_FRAMES = 73         # 76 = 28 + 24 + 24: two chunk boundaries
GT_SIZE = (256, 384)


def x264(frames: np.ndarray, qp: int) -> np.ndarray:
    """Round trip through libx264 at constant QP (yuv420p, GOP 12, no B-frames, like streaming)."""
    n, h, w, _ = frames.shape
    if h % 2 or w % 2:
        raise ValueError("x264 with yuv420p needs even sizes")
    path = "/tmp/swiftvr-eval-x264.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
                    "-r", "24", "-i", "-", "-c:v", "libx264", "-qp", str(qp), "-g", "12", "-bf", "0",
                    "-pix_fmt", "yuv420p", path], input=frames.tobytes(), check=True)
    out = read_video(path)
    if out.shape != frames.shape:
        raise RuntimeError(f"x264 round trip changed the shape {frames.shape} -> {out.shape}")
    return out


def to_u8(x: torch.Tensor) -> np.ndarray:
    """[T, 3, H, W] float -> [T, H, W, 3] uint8"""
    return (x.clamp(0, 1) * 255).round().to(torch.uint8).permute(0, 2, 3, 1).contiguous().numpy()


def proxy(frames: np.ndarray, qp: int) -> np.ndarray:
    """The training's H.264 proxy (swiftvr/data/codec.py) at constant QP, on uint8 [T, H, W, 3]; padded
    to whole 16x16 blocks as training does."""
    x, h, w = pad16(torch.from_numpy(frames).permute(0, 3, 1, 2).float() / 255.0)
    return to_u8(video(x[None], torch.tensor([float(qp)]))[0][..., :h, :w])


CODECS = {"x264": x264, "proxy": proxy, "none": lambda frames, qp: frames}


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
                lq_u8 = codec(lq_u8, qp)
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
        rows.append(save(out_dir, f"real_x2_x264-{clip}", gt, codec(lq, 32), f"bicubic > {codec_name(codec)}(qp32)",
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
    p.add_argument("--codec", choices=list(CODECS), default="x264",
                   help="the video codec step: real libx264 (the held-out set), the training proxy, or none")
    p.add_argument("--split", choices=list(SPLITS), default="heldout",
                   help="heldout: the evaluation set; train: a tuning set from training sources")
    args = p.parse_args(argv)
    if args.out is None:   # never let the tuning set overwrite the held-out one
        args.out = os.path.join(EVAL_DIR, "cache" if args.split == "heldout" else "cache-tuning")
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(min(4, os.cpu_count() or 1))
    gen = torch.Generator().manual_seed(SEED)
    codec = CODECS[args.codec]
    rows = synthetic(args.out, gen, codec, args.split) + real(args.out, args.clips, codec, args.split)
    # the hand-held groups came later: their own generator keeps every earlier clip as it was
    rows += synthetic(args.out, torch.Generator().manual_seed(SEED + 1), codec, args.split, handheld=True)
    with open(os.path.join(args.out, "evalset.json"), "w") as f:
        json.dump({"seed": SEED, "split": args.split, "clips": rows}, f, indent=1)
    print(f"{len(rows)} clips in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
