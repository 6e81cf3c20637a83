#!/usr/bin/env python3
"""Export a SwiftVR restorer bundle (docs/bundle-format.md).

Builds a config with random weights (seeded) or weights from a checkpoint, scripts it, saves
restorer.pt (float32) and optionally restorer-bf16.pt, checks the reloaded TorchScript against the
eager module, measures warmup_chunks by experiment, writes golden files and manifest.json.

From model/ (or from anywhere once `pip install -e model` has run):

  python3 -m swiftvr.export --config tiny --seed 0 --out ../udf/src/test/resources/bundles/tiny \\
      --description "random weights, for tests" --golden-in 6 22 --golden-out 8 72
  python3 -m swiftvr.export --config small --out /tmp/swiftvr-small --bf16
  python3 -m swiftvr.export --config small --checkpoint small.pt --bf16 --drop-float32 --no-goldens \\
      --out ../models/swiftvr-small
  python3 -m swiftvr.export --config official --checkpoint converted.pt --out bundle/ --bf16 --no-goldens
  # GPU-only benchmark bundle of the official size (random weights): built on the GPU, bfloat16 module only,
  # warm-up not re-measured (4, measured on the official-size network, docs/benchmarks-model.md)
  python3 -m swiftvr.export --config official --device cuda --bf16-only --warmup-chunks 4 --no-goldens \\
      --out /tmp/official
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time

import torch

from swiftvr.bundle import (BF16_FILE, FLOAT32_FILE, BundleInfo, GoldenSpec, check_goldens, describe_sizes,
                            deflate_archive, load_state_dict_file, max_abs_diff_between, script_and_save,
                            synthetic_clip, verify_manifest_checksums, write_goldens, write_manifest)
from swiftvr.config import SwiftVRConfig, official, preset
from swiftvr.restorer import OfficialRestorer, SwiftVRRestorer, build_restorer, use_channels_last
from swiftvr.stream import WarmupMeasurement, chunk_sizes, measure_warmup, measure_warmup_official

# the official protocol's check clips: inputs of a multiple of 8 (the protocol crops to one), every kind of call
OFFICIAL_CHECK_FRAMES = 57 + 2           # FIRST, MIDDLE, LAST (4b+1 = 5 frames) and the call for the 2 frames after
OFFICIAL_WARMUP_FRAMES = 28 + 6 * 24 + 5  # 8 calls: FIRST, 6 MIDDLE, LAST

def default_channels_last(cfg: SwiftVRConfig) -> bool:
    """The ReAE's conv layout when the command line names none: NCHW for the official-size network (its TorchScript
    bfloat16 module on an H100, 24-frame chunks: +2.4% FPS at 2560x1440, +8.0% at 3840x2160 and 6 GiB less memory at
    4K than channels-last, docs/speed-profile.md; also the release's own layout, docs/parity.md), channels-last (NHWC)
    for the smaller ones, as before."""
    ref = official()
    return not (cfg.reae == ref.reae and cfg.dit == ref.dit)


SCRIPT_TOLERANCE = 1e-6   # eager vs reloaded TorchScript, same process, same CPU kernels
BF16_SCRIPT_TOLERANCE = 5e-2   # bf16-only export on a GPU: eager vs reloaded bf16 TorchScript, same device


def export_bundle(model: SwiftVRRestorer, cfg: SwiftVRConfig, out_dir: str, name: str, description: str,
                  bf16: bool = False, golden: GoldenSpec | None = None, warmup_chunks_clip: int = 8,
                  warmup_in_size=(16, 16), warmup_out_size=(64, 64), extra: dict | None = None,
                  log=print, float32: bool = True, warmup_chunks: int | None = None,
                  keep_float32: bool = True, warmup_threshold: float = 0.0, dit_overlap: int = 0) -> dict:
    os.makedirs(out_dir, exist_ok=True)
    model = model.eval()
    protocol = "official" if isinstance(model, OfficialRestorer) else "swiftvr"
    if protocol == "official" and golden is not None:
        raise ValueError("golden files are written for the swiftvr protocol only; export an official-protocol "
                         "bundle with --no-goldens")
    if not float32:
        return _export_bf16_only(model, cfg, out_dir, name, description, warmup_chunks, extra, log, protocol,
                                 dit_overlap)
    f32_path = os.path.join(out_dir, FLOAT32_FILE)
    t0 = time.time()
    script_and_save(model, f32_path)
    reloaded = torch.jit.load(f32_path)
    log(f"scripted and saved {f32_path} in {time.time() - t0:.1f}s")

    if protocol == "official":
        check_clip = synthetic_clip(OFFICIAL_CHECK_FRAMES, 16, 24, seed=123)
    else:
        check_clip = synthetic_clip(sum(chunk_sizes(2)), 12, 20, seed=123)
    diff = max_abs_diff_between(model, reloaded, check_clip, (40, 72), 2, protocol)
    log(f"reloaded TorchScript vs eager: max abs diff {diff:.3g}")
    if diff > SCRIPT_TOLERANCE:
        raise AssertionError(f"reloaded TorchScript differs from eager by {diff}")

    t0 = time.time()
    if protocol == "official":
        clip = synthetic_clip(OFFICIAL_WARMUP_FRAMES, warmup_in_size[0], warmup_in_size[1], seed=7)
        warmup = measure_warmup_official(reloaded, clip, warmup_out_size, dit_overlap, threshold=warmup_threshold)
    else:
        clip = synthetic_clip(sum(chunk_sizes(warmup_chunks_clip)), warmup_in_size[0], warmup_in_size[1], seed=7)
        # exact (0) unless asked: a detail path with propagation carries its features along the whole video, so no
        # finite warm-up reproduces the sequential pass to the last bit (docs/sharding.md)
        warmup = measure_warmup(reloaded, clip, warmup_out_size, warmup_chunks_clip, threshold=warmup_threshold)
    log(f"warm-up measured in {time.time() - t0:.1f}s: warmup_chunks = {warmup.warmup_chunks}, "
        f"max abs diff by warm-up chunks {warmup.max_abs_diff_by_warmup}")

    if golden is not None:
        write_goldens(reloaded, out_dir, golden)
        worst = check_goldens(torch.jit.load(f32_path), out_dir)
        log(f"goldens written and replayed through a fresh load: max abs diff {worst:.3g}")

    info_extra = dict(extra or {})
    info_extra["conv_layout"] = "channels_last" if model.channels_last else "nchw"
    if bf16:
        # the bf16 module keeps the float32 module's conv layout (default_channels_last; an NCHW official-protocol
        # bundle runs the release's conv kernels: bit-identical to it in bfloat16 on a CPU, docs/parity.md)
        bf16_model = copy.deepcopy(model).to(torch.bfloat16)
        if model.channels_last:
            bf16_model = use_channels_last(bf16_model)
        bf16_path = os.path.join(out_dir, BF16_FILE)
        script_and_save(bf16_model, bf16_path)
        bf16_diff = max_abs_diff_between(reloaded, torch.jit.load(bf16_path), check_clip, (40, 72), 2, protocol)
        info_extra["bf16_vs_float32_max_abs_diff_cpu"] = bf16_diff
        log(f"bf16 module saved; max abs diff to float32 on CPU: {bf16_diff:.3g}")

    if not keep_float32:
        # a shipped bundle that must stay small: everything above was measured on the float32
        # module, which is then left out (the bfloat16 one runs on CPU and GPU)
        if not bf16 or golden is not None:
            raise ValueError("dropping the float32 module needs the bf16 module and no goldens")
        os.remove(f32_path)
        info_extra["float32_module"] = "left out after export checks; warm-up measured on it"
        stored = torch.jit.load(bf16_path)
        deflate_archive(bf16_path)
        deflated_diff = max_abs_diff_between(stored, torch.jit.load(bf16_path), check_clip, (40, 72), 2, protocol)
        if deflated_diff != 0:
            raise AssertionError(f"the deflated bf16 archive restores differently ({deflated_diff})")
        info_extra["bf16_archive"] = "entries deflated (smaller in a repository; libtorch reads it as is)"
    info = BundleInfo(name=name, description=description, config=cfg, warmup=warmup, extra=info_extra,
                      protocol=protocol, dit_overlap=dit_overlap)
    manifest = write_manifest(out_dir, info, has_bf16=bf16, has_golden=golden is not None,
                              has_float32=keep_float32)
    verify_manifest_checksums(out_dir)
    sizes = describe_sizes(out_dir)
    log("bundle files: " + ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in sorted(sizes.items())))
    log(f"total {sum(sizes.values()) / 1024:.0f} KiB")
    return manifest


def _export_bf16_only(model: SwiftVRRestorer, cfg: SwiftVRConfig, out_dir: str, name: str, description: str,
                      warmup_chunks: int | None, extra: dict | None, log, protocol: str = "swiftvr",
                      dit_overlap: int = 0) -> dict:
    """A GPU-only bundle: restorer-bf16.pt alone (no float32 module, no goldens), for sizes whose float32
    module is impractical to write and check (the official size: ~20 GB). The model may live on the GPU.
    warm-up is taken as given (`warmup_chunks`), not measured. The ReAE's conv layout is the model's
    (`model.channels_last`, from --channels-last / --no-channels-last or default_channels_last)."""
    if warmup_chunks is None:
        raise ValueError("a bfloat16-only export needs --warmup-chunks (it does not run the experiment)")
    device = next(model.parameters()).device
    with torch.no_grad():
        model = model.to(torch.bfloat16)   # in place: no float32 copy kept
        if model.channels_last:
            model = use_channels_last(model)   # the bf16 weights in NHWC again
    bf16_path = os.path.join(out_dir, BF16_FILE)
    t0 = time.time()
    script_and_save(model, bf16_path)
    log(f"scripted and saved {bf16_path} in {time.time() - t0:.1f}s")
    if protocol == "official":
        check_clip = synthetic_clip(OFFICIAL_CHECK_FRAMES, 16, 24, seed=123).to(device)
    else:
        check_clip = synthetic_clip(sum(chunk_sizes(2)), 12, 20, seed=123).to(device)
    reloaded = torch.jit.load(bf16_path, map_location=device)
    with torch.no_grad():
        diff = max_abs_diff_between(model, reloaded, check_clip, (40, 72), 2, protocol)
    log(f"reloaded bf16 TorchScript vs eager bf16 on {device}: max abs diff {diff:.3g}")
    if diff > BF16_SCRIPT_TOLERANCE:
        raise AssertionError(f"reloaded TorchScript differs from eager by {diff}")
    del reloaded
    warmup = WarmupMeasurement(warmup_chunks, {}, 0, [], 0.0)
    info_extra = dict(extra or {})
    info_extra["bf16_only"] = True
    info_extra["conv_layout"] = "channels_last" if model.channels_last else "nchw"
    info_extra["warmup_chunks_source"] = "given (--warmup-chunks), not measured by this export"
    info_extra["bf16_eager_vs_script_max_abs_diff"] = diff
    info = BundleInfo(name=name, description=description, config=cfg, warmup=warmup, extra=info_extra,
                      protocol=protocol, dit_overlap=dit_overlap)
    manifest = write_manifest(out_dir, info, has_bf16=True, has_golden=False, has_float32=False)
    verify_manifest_checksums(out_dir)
    sizes = describe_sizes(out_dir)
    log("bundle files: " + ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in sorted(sizes.items())))
    return manifest


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default="small", help="tiny | small | official, or a JSON config file")
    p.add_argument("--seed", type=int, default=0, help="seed of the random weights")
    p.add_argument("--checkpoint", help="state dict in this package's parameter names (.pt or .safetensors)")
    p.add_argument("--out", required=True, help="bundle directory to write")
    p.add_argument("--name", help="bundle name (default swiftvr-<config>)")
    p.add_argument("--description", help="what the weights are")
    p.add_argument("--bf16", action="store_true", help="also write restorer-bf16.pt")
    p.add_argument("--golden-in", type=int, nargs=2, default=[6, 22], metavar=("H", "W"))
    p.add_argument("--golden-out", type=int, nargs=2, default=[8, 72], metavar=("H", "W"))
    p.add_argument("--golden-chunks", type=int, default=2)
    p.add_argument("--no-goldens", action="store_true")
    p.add_argument("--warmup-clip-chunks", type=int, default=8)
    p.add_argument("--channels-last", action=argparse.BooleanOptionalAction, default=None,
                   help="the ReAE's convs in NHWC (--channels-last) or NCHW (--no-channels-last) in every module of the "
                        "bundle; default: NCHW for the official-size network (faster in bfloat16 on an H100, "
                        "docs/speed-profile.md; the release's own layout, docs/parity.md), NHWC for smaller ones")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: default)")
    p.add_argument("--device", default="cpu", help="where the model is built, calibrated and scripted (cpu, cuda)")
    p.add_argument("--bf16-only", action="store_true",
                   help="write only restorer-bf16.pt (a GPU-only bundle; no float32 module, no goldens); "
                        "needs --warmup-chunks")
    p.add_argument("--drop-float32", action="store_true",
                   help="with --bf16 and --no-goldens: measure on the float32 module, then leave it out and "
                        "deflate the bf16 archive (the shipped default bundle, kept under 20 MB)")
    p.add_argument("--warmup-threshold", type=float, default=0.0,
                   help="largest max-abs difference to the sequential pass (0..1 frame values) that counts as "
                        "reproduced when measuring warmup_chunks; 0 (exact) unless the detail path propagates "
                        "features, which no finite warm-up reproduces exactly; then near float32 rounding (1e-6), "
                        "since a larger one also waives the latent path's exact warm-up (docs/sharding.md)")
    p.add_argument("--protocol", choices=["swiftvr", "official"],
                   help="the stream protocol (docs/bundle-format.md); default: official for a checkpoint converted from "
                        "the official release (its converted.json says so), else swiftvr")
    p.add_argument("--dit-overlap", type=int, default=0, choices=[0, 1],
                   help="official protocol: 1 prepends the previous chunk's last LQ latent to each chunk's DiT input "
                        "(the release's stream API); 0 as its restore_video (default)")
    p.add_argument("--aoti", action="append", default=[], metavar="IN:OUT",
                   help="also compile the middle-chunk function for input IN and output OUT (WxH:WxH, e.g. "
                        "640x360:2560x1440) into an AOTInductor package the Java path runs beside TorchScript "
                        "(swiftvr.compiled; official protocol; on the --device it is for); repeatable")
    p.add_argument("--aoti-check", action="store_true",
                   help="compare each compiled package with the TorchScript module once written (PSNR, model-only ms)")
    p.add_argument("--warmup-chunks", type=int,
                   help="take warmup_chunks as given instead of measuring it (only with --bf16-only)")
    args = p.parse_args(argv)

    if args.threads:
        torch.set_num_threads(args.threads)
    config_json = {}
    if args.config.endswith(".json"):
        with open(args.config) as f:
            config_json = json.load(f)
        cfg = SwiftVRConfig.from_dict(config_json)
    else:
        cfg = preset(args.config)
    protocol = args.protocol or config_json.get("stream_protocol", "swiftvr")
    if args.bf16_only and args.checkpoint:
        raise SystemExit("--bf16-only is for random-weight benchmark bundles")
    if args.warmup_chunks is not None and not args.bf16_only:
        raise SystemExit("--warmup-chunks is only for --bf16-only exports (otherwise it is measured)")
    channels_last = default_channels_last(cfg) if args.channels_last is None else args.channels_last
    model = build_restorer(cfg, seed=args.seed, channels_last=channels_last, calibrate=not args.checkpoint,
                           device=torch.device(args.device), protocol=protocol)
    if args.checkpoint:
        model.load_state_dict(load_state_dict_file(args.checkpoint), strict=True)
        description = args.description or f"weights from {os.path.basename(args.checkpoint)}"
        extra = {"weights": os.path.basename(args.checkpoint)}
        if "converted_from" in config_json:
            extra["converted_from"] = config_json["converted_from"]
    else:
        description = args.description or f"random weights (seed {args.seed}), untrained"
        extra = {"weights": "random", "seed": args.seed}
    golden = None if args.no_goldens or args.bf16_only or protocol == "official" else GoldenSpec(args.golden_in, args.golden_out,
                                                                        args.golden_chunks)
    export_bundle(model, cfg, args.out, args.name or f"swiftvr-{cfg.name}", description, bf16=args.bf16,
                  golden=golden, warmup_chunks_clip=args.warmup_clip_chunks, extra=extra,
                  float32=not args.bf16_only, warmup_chunks=args.warmup_chunks, keep_float32=not args.drop_float32,
                  warmup_threshold=args.warmup_threshold, dit_overlap=args.dit_overlap)
    if args.aoti:
        from swiftvr.compiled import add_variants
        add_variants(model, args.out, args.aoti, torch.device(args.device), check=args.aoti_check)
    return 0


if __name__ == "__main__":
    sys.exit(main())
