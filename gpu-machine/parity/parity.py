#!/usr/bin/env python3
"""Parity of our converted network with the official SwiftVR release, frame by frame (docs/parity.md).

1. A seeded random checkpoint in the release's file layout, calibrated so every stage carries signal
   (official_ref.make_checkpoint).
2. Our converter on those files (swiftvr.convert_official.convert_files: config.json checked, hashes recorded).
3. Each clip restored by the release's restore_video path (its runner, with in-memory frames) and by ours under the
   official protocol: the eager OfficialRestorer and its TorchScript (torch.jit.script, what the bundle holds and Java
   runs), channels-last as export.py makes them; dit_overlap 0 and 1; float32 (TF32 off on both sides), then bfloat16.
4. Per frame of the release's 4a+1 output: max abs difference (float32) and PSNR (bfloat16) of ours against it, on
   the float frames in [0, 1]; and how many uint8 values differ. Results: parity.json and a markdown table.

  PYTHONPATH=model python3 gpu-machine/parity/parity.py --ref /tmp/ref --ckpt /tmp/ckpt --out $OUT --layers 30
  (rehearsal on a CPU: --device cpu --layers 2 --synthetic --scale-down 8)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from official_ref import make_checkpoint, official_pipeline, official_restore, set_tf32  # noqa: E402


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def load_clip(path: str, frames: int, size=None, crop=None) -> torch.Tensor:
    """[frames, H, W, 3] uint8 RGB decoded with OpenCV; optionally resized (INTER_AREA) to size=(w, h), then cropped
    to crop=(w, h) from the top-left."""
    import cv2
    cap = cv2.VideoCapture(path)
    out = []
    while len(out) < frames:
        ok, bgr = cap.read()
        if not ok:
            break
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        if size is not None:
            rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
        if crop is not None:
            rgb = rgb[:crop[1], :crop[0]]
        out.append(torch.from_numpy(rgb.copy()))
    if len(out) < frames:
        raise SystemExit(f"{path}: {len(out)} frames, need {frames}")
    return torch.stack(out)


def synthetic(frames: int, h: int, w: int, seed: int) -> torch.Tensor:
    from swiftvr.bundle import synthetic_clip
    return synthetic_clip(frames, h, w, seed)


def clips(args):
    """(name, frames, resolution (w, h) or None, upscale). Real clips: the first needs 4a+1 frames over >= 4 chunks,
    the second <= 28 frames, the third an LQ size that is no multiple of 8 (and an output that is no multiple of 32)."""
    s = args.scale_down
    if args.synthetic:
        return [("long-4a1-101f", synthetic(101, 144 // s, 256 // s, 1), None, 4),
                ("short-19f", synthetic(19, 240 // s, 320 // s, 2), None, 4),
                ("odd-size-60f", synthetic(60, 139 // s + 3, 190 // s + 5, 3), (570 // s + 2, 417 // s + 1), 4)]
    root = args.samples
    return [("cockatoo-101f-256x144", load_clip(f"{root}/cockatoo.mp4", 101, size=(256, 144)), None, 4),
            ("realshort-19f-320x240", load_clip(f"{root}/realshort.mp4", 19), None, 4),
            ("cockatoo-60f-190x139-to-570x417", load_clip(f"{root}/cockatoo.mp4", 60, size=(256, 144), crop=(190, 139)),
             (570, 417), 4)]


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    mse = (a.double() - b.double()).pow(2).mean().item()
    return float("inf") if mse == 0 else 10 * math.log10(1.0 / mse)


def compare(ours: torch.Tensor, theirs: torch.Tensor) -> dict:
    """Per frame of the release's output (ours has more frames when n is not 4a+1: only the first m compare)."""
    m = theirs.shape[0]
    ours = ours[:m].float().cpu()
    theirs = theirs.float().cpu()
    per_frame = [(ours[i] - theirs[i]).abs().max().item() for i in range(m)]
    psnrs = [psnr(ours[i], theirs[i]) for i in range(m)]
    finite = [p for p in psnrs if math.isfinite(p)]
    return {"frames": m, "max_abs": max(per_frame), "max_abs_per_frame": per_frame, "psnr_per_frame": psnrs,
            "psnr_min": min(psnrs), "psnr_mean": (sum(finite) / len(finite)) if finite else float("inf"),
            "frames_below_40db": [i for i, p in enumerate(psnrs) if p < 40]}


SIZES = [(640, 360, 6), (960, 540, 4)]   # LQ w, h and timed 24-frame chunks: x4 gives 2560x1440 and 3840x2160


def _frames(w, h, n_mid):
    g = torch.Generator(device="cuda").manual_seed(w)
    return (torch.rand(28 + 24 * (n_mid + 2), h, w, 3, device="cuda", generator=g) * 255).to(torch.uint8)


def throughput_ours(scripted, log) -> dict:
    """bfloat16 FPS of our TorchScript under the official protocol (middle chunks, flags 0), model only, frames on the
    GPU, after 3 warm chunks (the release's own speed script's method)."""
    out = {}
    for w, h, n_mid in SIZES:
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
        f = _frames(w, h, n_mid)
        states = [torch.empty(0, device="cuda") for _ in range(20)]
        size = torch.tensor([h * 4, w * 4])
        flag = torch.tensor([0])

        def call(a, n, states):
            return list(scripted(f[a:a + n], size, torch.tensor([a // 4, 0]), flag, *states)[1:])
        with torch.no_grad():
            states = call(0, 28, states)
            states = call(28, 24, states)
            states = call(52, 24, states)
            torch.cuda.synchronize()
            t0 = time.time()
            for k in range(n_mid):
                states = call(76 + 24 * k, 24, states)
            torch.cuda.synchronize()
        dt = time.time() - t0
        out[f"ours {w * 4}x{h * 4}"] = {"fps": n_mid * 24 / dt, "peak_allocated_gib": torch.cuda.max_memory_allocated() / 2 ** 30}
        log(f"ours (TorchScript, official protocol) bf16 {w * 4}x{h * 4}: {n_mid * 24 / dt:.2f} FPS, "
            f"peak {torch.cuda.max_memory_allocated() / 2 ** 30:.1f} GiB")
        del f, states
    return out


def throughput_official(pipe, log) -> dict:
    """The same for the release: its stream API (dit_overlap 0), as its own speed script times it."""
    out = {}
    for w, h, n_mid in SIZES:
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
        f = _frames(w, h, n_mid)
        s = pipe.stream(clip_len=24, upscale=4, dit_overlap=0)
        s.step(f[:28])
        s.step(f[28:52])
        s.step(f[52:76])
        torch.cuda.synchronize()
        t0 = time.time()
        for k in range(n_mid):
            s.step(f[76 + 24 * k:100 + 24 * k])
        torch.cuda.synchronize()
        dt = time.time() - t0
        out[f"official {w * 4}x{h * 4}"] = {"fps": n_mid * 24 / dt,
                                            "peak_allocated_gib": torch.cuda.max_memory_allocated() / 2 ** 30}
        log(f"release bf16 {w * 4}x{h * 4}: {n_mid * 24 / dt:.2f} FPS, peak {torch.cuda.max_memory_allocated() / 2 ** 30:.1f} GiB")
        del f, s
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ref", required=True, help="folder with the release's swiftvr/ and diffusers' src/")
    p.add_argument("--ckpt", required=True, help="where the random checkpoint in the release's layout is written")
    p.add_argument("--out", required=True)
    p.add_argument("--layers", type=int, default=30)
    p.add_argument("--seed", type=int, default=2025)
    p.add_argument("--device", default="cuda")
    p.add_argument("--samples", default="samples")
    p.add_argument("--synthetic", action="store_true", help="synthetic clips (rehearsal without OpenCV)")
    p.add_argument("--scale-down", type=int, default=1, help="divide clip sizes (rehearsal)")
    p.add_argument("--dtypes", default="float32,bfloat16", help="which of float32,bfloat16 to run")
    p.add_argument("--clips", default="0,1,2", help="which clips (indices) to run")
    p.add_argument("--nchw-check", action="store_true",
                   help="also compare a copy of ours with NCHW (not channels-last) convs: how much of a difference is "
                        "the conv memory layout's (cuDNN picks other kernels)")
    p.add_argument("--throughput", action="store_true",
                   help="after the comparisons: bfloat16 FPS of the release (stream API) and of our TorchScript under "
                        "the official protocol at 2560x1440 and 3840x2160 (24-frame chunks, frames on the GPU)")
    args = p.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    dev = torch.device(args.device)
    results = {"machine": torch.cuda.get_device_name(0) if dev.type == "cuda" else "cpu",
               "torch": torch.__version__, "layers": args.layers, "seed": args.seed, "date_utc": time.strftime("%Y-%m-%d"),
               "runs": []}

    t0 = time.time()
    if not os.path.exists(os.path.join(args.ckpt, "transformer", "config.json")):
        results["calibration_scales"] = make_checkpoint(args.ref, args.ckpt, args.layers, args.seed, args.device, log)
    log(f"checkpoint ready in {time.time() - t0:.0f}s")

    from swiftvr.config import official as official_config
    from swiftvr.convert_official import convert_files
    from swiftvr.restorer import OfficialRestorer, use_channels_last
    from swiftvr.stream import measure_warmup_official, restore_official
    import dataclasses
    t0 = time.time()
    expected = official_config()
    expected = dataclasses.replace(expected, dit=dataclasses.replace(expected.dit, num_layers=args.layers))
    converted, cfg, source = convert_files(os.path.join(args.ckpt, "transformer"),
                                           os.path.join(args.ckpt, "reae.safetensors"),
                                           os.path.join(args.ckpt, "prompt_embedding.safetensors"), expected, log=log)
    results["converted_from"] = source
    with torch.device(dev):
        ours = OfficialRestorer(cfg)
    ours.load_state_dict(converted, strict=True)
    del converted
    ours = use_channels_last(ours.eval())      # as export.py writes the bundle's modules
    log(f"converted with our converter and loaded in {time.time() - t0:.0f}s")

    t0 = time.time()
    pipe = official_pipeline(args.ref, args.ckpt, args.device, torch.float32)
    log(f"release's pipeline loaded in {time.time() - t0:.0f}s")

    clip_list = [c for i, c in enumerate(clips(args)) if str(i) in args.clips.split(",")] if args.clips != "none" else []
    for dtype_name, dtype in (("float32", torch.float32), ("bfloat16", torch.bfloat16)):
        if dtype_name not in args.dtypes.split(","):
            continue
        if dtype_name == "bfloat16":
            pipe.to(args.device, dtype=torch.bfloat16)
            ours = use_channels_last(ours.to(torch.bfloat16))
            tr = pipe.transformer
            results["official_bf16_dtypes"] = {
                "time_embedder": str(tr.condition_embedder.time_embedder.linear_1.weight.dtype),
                "block_scale_shift_table": str(tr.blocks[0].scale_shift_table.dtype),
                "rope_table": str(tr.rope.freqs_cos.dtype), "reae": str(pipe.reae.encoder[0].weight.dtype)}
            log(f"release's dtypes after .to(bfloat16): {results['official_bf16_dtypes']}")
        set_tf32(False)
        scripted = torch.jit.script(ours)
        plain = None
        if args.nchw_check:
            import copy
            plain = copy.deepcopy(ours)
            plain.channels_last = False
            with torch.no_grad():
                for m in plain.modules():
                    if isinstance(m, torch.nn.Conv2d):
                        m.weight.data = m.weight.data.contiguous()
        for name, frames, resolution, upscale in clip_list:
            h, w = frames.shape[1], frames.shape[2]
            crop_h, crop_w = h // 8 * 8, w // 8 * 8
            out_w, out_h = resolution if resolution is not None else (crop_w * upscale, crop_h * upscale)
            gpu_frames = frames.to(dev)
            official_by_overlap = {}
            for overlap in (0, 1):
                t0 = time.time()
                theirs, theirs_u8 = official_restore(pipe, frames, resolution, upscale, overlap)
                t_official = time.time() - t0
                official_by_overlap[overlap] = theirs
                row = {"clip": name, "frames": frames.shape[0], "lq": [w, h], "out": [out_w, out_h],
                       "dit_overlap": overlap, "dtype": dtype_name, "official_frames": theirs.shape[0],
                       "official_seconds": t_official,
                       "official_output_mean": theirs.float().mean().item(),
                       "official_output_std": theirs.float().std().item()}
                for label, module in (("eager", ours), ("torchscript", scripted)):
                    t0 = time.time()
                    mine = restore_official(module, gpu_frames, (out_h, out_w), overlap)
                    row[f"{label}_seconds"] = time.time() - t0
                    row[f"{label}_frames"] = mine.shape[0]
                    row[label] = compare(mine, theirs)
                    if label == "torchscript":
                        mine_u8 = restore_official(module, gpu_frames, (out_h, out_w), overlap, float_output=False)
                        diff = (mine_u8[:theirs_u8.shape[0]].cpu().int() - theirs_u8.int()).abs()
                        row["uint8_values_differing"] = int((diff > 0).sum().item())
                        row["uint8_max_diff"] = int(diff.max().item())
                        row["uint8_values"] = diff.numel()
                if plain is not None:
                    row["eager_nchw"] = compare(restore_official(plain, gpu_frames, (out_h, out_w), overlap), theirs)
                    log(f"  NCHW copy: max abs {row['eager_nchw']['max_abs']:.3g} psnr min {row['eager_nchw']['psnr_min']:.2f} "
                        f"mean {row['eager_nchw']['psnr_mean']:.2f}")
                if overlap == 1:   # how much dit_overlap changes the release's own output: the size parity must resolve
                    row["official_overlap_0_vs_1_max_abs"] = (theirs.float() - official_by_overlap[0].float()).abs().max().item()
                results["runs"].append(row)
                e, s = row["eager"], row["torchscript"]
                log(f"{dtype_name} {name} overlap {overlap}: official {row['official_frames']} frames "
                    f"(mean {row['official_output_mean']:.3f} std {row['official_output_std']:.3f}), ours "
                    f"{row['eager_frames']}; eager max abs {e['max_abs']:.3g} psnr min {e['psnr_min']:.2f} mean "
                    f"{e['psnr_mean']:.2f}; torchscript max abs {s['max_abs']:.3g} psnr min {s['psnr_min']:.2f}; "
                    f"uint8 differing {row['uint8_values_differing']}/{row['uint8_values']} (max {row['uint8_max_diff']})")
                with open(os.path.join(args.out, "parity.json"), "w") as f:
                    json.dump(results, f, indent=1)
        if dtype_name == "float32" and dev.type == "cuda":
            # the release's own float32 setting runs TF32: its size, once, on the first clip
            name, frames, resolution, upscale = clip_list[0]
            set_tf32(True)
            with_tf32, _ = official_restore(pipe, frames, resolution, upscale, 0)
            set_tf32(False)
            without, _ = official_restore(pipe, frames, resolution, upscale, 0)
            results["official_tf32_vs_float32"] = compare(with_tf32, without)
            log(f"release float32 with TF32 vs without, {name}: max abs {results['official_tf32_vs_float32']['max_abs']:.3g}")
        # the warm-up a shard needs under the official protocol, measured on this network (small frames)
        from swiftvr.bundle import synthetic_clip
        for overlap in (0, 1):
            clip = synthetic_clip(28 + 6 * 24 + 5, 16, 16, seed=7).to(dev)
            t0 = time.time()
            warm = measure_warmup_official(scripted, clip, (64, 64), overlap)
            results.setdefault("warmup", {})[f"{dtype_name} dit_overlap {overlap}"] = warm.to_dict()
            log(f"{dtype_name} dit_overlap {overlap}: warm-up {warm.warmup_chunks} chunks, max abs by warm-up "
                f"{warm.max_abs_diff_by_warmup} ({time.time() - t0:.0f}s)")
        plain = None
        if dtype_name == "bfloat16" and args.throughput and dev.type == "cuda":
            # one network on the GPU at a time: the release waits on the CPU while ours is timed, then ours is freed
            import gc
            pipe.to("cpu")
            torch.cuda.empty_cache()
            results["throughput"] = throughput_ours(scripted, log)
            del scripted
            ours = None
            gc.collect()
            torch.cuda.empty_cache()
            pipe.to(args.device)
            results["throughput"].update(throughput_official(pipe, log))
            break
        del scripted
    with open(os.path.join(args.out, "parity.json"), "w") as f:
        json.dump(results, f, indent=1)
    log("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
