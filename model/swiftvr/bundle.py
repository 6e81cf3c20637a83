"""Writing and checking model bundles (docs/bundle-format.md): TorchScript modules, golden files
and manifest.json with sha256 checksums."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import zipfile
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

import numpy as np
import torch
from torch import Tensor, nn

from .config import (CHUNK_FRAMES, FIRST_CHUNK_FRAMES, PIXEL_MULTIPLE, STATE_TENSORS,
                     TEMPORAL_FACTOR, SwiftVRConfig)
from .restorer import SAMPLE_BITS
from .stream import WarmupMeasurement, chunk_sizes, chunk_starts, latent_offset, run_stream

FORMAT = "swiftvr-bundle"
FORMAT_VERSION = 1
FLOAT32_FILE = "restorer.pt"
BF16_FILE = "restorer-bf16.pt"
GOLDEN_DIR = "golden"
GOLDEN_FILE = "golden.json"


def sha256_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_entry(bundle_dir: str, rel: str) -> dict:
    path = os.path.join(bundle_dir, rel)
    return {"file": rel, "sha256": sha256_of(path), "bytes": os.path.getsize(path)}


def deflate_archive(path: str) -> None:
    """Rewrites a saved TorchScript archive (a zip whose entries torch stores uncompressed) with deflated entries:
    about 22% smaller for bfloat16 weights, and libtorch loads it as before (torch.jit.load, DJL)."""
    tmp = path + ".deflating"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED,
                                                       compresslevel=9) as dst:
        for entry in src.infolist():
            dst.writestr(entry.filename, src.read(entry.filename))
    os.replace(tmp, path)


def script_and_save(model: nn.Module, path: str) -> torch.jit.ScriptModule:
    scripted = torch.jit.script(model)
    scripted.save(path)
    return scripted


def synthetic_clip(frames: int, height: int, width: int, seed: int) -> Tensor:
    """Deterministic test footage: moving colour gradients, a moving square and noise, uint8 RGB."""
    g = torch.Generator().manual_seed(seed)
    t = torch.arange(frames, dtype=torch.float32)[:, None, None, None]
    yy = torch.linspace(0, 1, height)[None, :, None, None]
    xx = torch.linspace(0, 1, width)[None, None, :, None]
    phase = torch.tensor([0.0, 2.1, 4.2])[None, None, None, :]
    img = 0.5 + 0.3 * torch.sin(5 * xx - 3 * yy + 0.25 * t + phase)
    cx = (0.2 + 0.6 * ((t / max(frames - 1, 1)) % 1.0))
    square = ((xx - cx).abs() < 0.15) & ((yy - 0.5).abs() < 0.2)
    img = torch.where(square, 1.0 - img, img) + 0.08 * torch.randn(frames, height, width, 3, generator=g)
    return (img.clamp(0, 1) * 255).round().to(torch.uint8)


@dataclass
class GoldenSpec:
    in_size: Sequence[int]            # (h, w) of the input frames
    out_size: Sequence[int]           # (h, w) of the output
    num_chunks: int = 2
    seed: int = 0
    tolerance: float = 1e-4


def write_goldens(module, bundle_dir: str, spec: GoldenSpec) -> dict:
    """Runs the chunks in order from empty state with float output and writes inputs and outputs."""
    gdir = os.path.join(bundle_dir, GOLDEN_DIR)
    os.makedirs(gdir, exist_ok=True)
    total = sum(chunk_sizes(spec.num_chunks))
    clip = synthetic_clip(total, spec.in_size[0], spec.in_size[1], spec.seed)
    outputs = run_stream(module, clip, spec.out_size, spec.num_chunks)
    chunks = []
    for k, (start, size) in enumerate(zip(chunk_starts(spec.num_chunks), chunk_sizes(spec.num_chunks))):
        frames = clip[start:start + size]
        out = outputs[k]
        in_name, out_name = f"chunk{k}_in.u8", f"chunk{k}_out.f32"
        frames.numpy().tofile(os.path.join(gdir, in_name))
        out.numpy().astype("<f4").tofile(os.path.join(gdir, out_name))
        chunks.append({"t_offset": latent_offset(start), "input": in_name, "input_shape": list(frames.shape),
                       "output": out_name, "output_shape": list(out.shape)})
    golden = {"seed": spec.seed, "out_size": list(spec.out_size), "chunks": chunks, "tolerance": spec.tolerance}
    with open(os.path.join(gdir, GOLDEN_FILE), "w") as f:
        json.dump(golden, f, indent=2)
    return golden


def read_goldens(bundle_dir: str) -> tuple:
    gdir = os.path.join(bundle_dir, GOLDEN_DIR)
    with open(os.path.join(gdir, GOLDEN_FILE)) as f:
        golden = json.load(f)
    inputs, outputs = [], []
    for c in golden["chunks"]:
        inputs.append(torch.from_numpy(np.fromfile(os.path.join(gdir, c["input"]), dtype=np.uint8)
                                       .reshape(c["input_shape"])))
        outputs.append(torch.from_numpy(np.fromfile(os.path.join(gdir, c["output"]), dtype="<f4")
                                        .reshape(c["output_shape"])))
    return golden, inputs, outputs


def check_goldens(module, bundle_dir: str) -> float:
    """Replays the golden chunks through `module`; returns the max abs difference (raises past tolerance)."""
    golden, inputs, outputs = read_goldens(bundle_dir)
    clip = torch.cat(inputs)
    got = run_stream(module, clip, golden["out_size"], len(inputs))
    worst = 0.0
    for k, want in enumerate(outputs):
        worst = max(worst, (got[k] - want).abs().max().item())
    if worst > golden["tolerance"]:
        raise AssertionError(f"golden mismatch in {bundle_dir}: max abs diff {worst} > {golden['tolerance']}")
    return worst


@dataclass
class BundleInfo:
    name: str
    description: str
    config: SwiftVRConfig
    warmup: WarmupMeasurement
    default_scale: int = 2
    extra: Dict[str, object] = field(default_factory=dict)
    protocol: str = "swiftvr"          # the stream protocol (docs/bundle-format.md, "Stream protocols")
    dit_overlap: int = 0               # official protocol only: 1 prepends the previous chunk's last LQ latent


def write_manifest(bundle_dir: str, info: BundleInfo, has_bf16: bool, has_golden: bool,
                   has_float32: bool = True) -> dict:
    modules = {"float32": file_entry(bundle_dir, FLOAT32_FILE)} if has_float32 else {}
    if has_bf16:
        modules["bfloat16"] = file_entry(bundle_dir, BF16_FILE)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": info.name,
        "description": info.description,
        "config": info.config.to_dict(),
        "stream": {
            "pixel_multiple": PIXEL_MULTIPLE,
            "temporal_factor": TEMPORAL_FACTOR,
            "first_chunk_frames": FIRST_CHUNK_FRAMES,
            "chunk_frames": CHUNK_FRAMES,
            "decoder_lag_frames": info.config.output_lag,
            "state_tensors": STATE_TENSORS,
            "warmup_chunks": info.warmup.warmup_chunks,
            # the module takes and returns 16-bit samples as well as 8-bit ones (restorer.SAMPLE_BITS); a manifest
            # without the key is an older module, which reads uint8 only
            "sample_bits": list(SAMPLE_BITS),
        },
        "default_scale": info.default_scale,
        "modules": modules,
    }
    if info.protocol == "official":
        # absent keys mean the swiftvr protocol, so bundles of ours keep their manifests as they were
        manifest["stream"].update({"protocol": "official", "dit_overlap": info.dit_overlap,
                                   "lq_crop_multiple": 8, "state_tensors": STATE_TENSORS + 1})
    elif info.protocol != "swiftvr":
        raise ValueError(f"unknown stream protocol {info.protocol!r}")
    if has_golden:
        manifest["golden"] = file_entry(bundle_dir, f"{GOLDEN_DIR}/{GOLDEN_FILE}")
    manifest["export"] = {
        "torch_version": torch.__version__,
        "created_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "warmup_measurement": info.warmup.to_dict(),
        **info.extra,
    }
    with open(os.path.join(bundle_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return manifest


def verify_manifest_checksums(bundle_dir: str) -> dict:
    with open(os.path.join(bundle_dir, "manifest.json")) as f:
        manifest = json.load(f)
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise AssertionError("unknown bundle format")
    entries: List[dict] = list(manifest["modules"].values())
    if "golden" in manifest:
        entries.append(manifest["golden"])
    for e in entries:
        actual = sha256_of(os.path.join(bundle_dir, e["file"]))
        if actual != e["sha256"]:
            raise AssertionError(f"{e['file']}: sha256 {actual} != manifest {e['sha256']}")
    return manifest


def max_abs_diff_between(a_module, b_module, clip: Tensor, out_size: Sequence[int], num_chunks: int,
                         protocol: str = "swiftvr") -> float:
    """Largest difference between two modules' float outputs over a clip: its first num_chunks chunks (swiftvr
    protocol), or the whole clip with both dit_overlap values (official protocol)."""
    if protocol == "official":
        from .stream import restore_official
        return max((restore_official(a_module, clip, out_size, o) - restore_official(b_module, clip, out_size, o))
                   .abs().max().item() for o in (0, 1))
    a = run_stream(a_module, clip, out_size, num_chunks)
    b = run_stream(b_module, clip, out_size, num_chunks)
    return max((a[k] - b[k]).abs().max().item() for k in a)


def load_state_dict_file(path: str) -> Dict[str, Tensor]:
    if path.endswith(".safetensors"):
        from .safetensors_io import load_safetensors
        return load_safetensors(path)
    sd = torch.load(path, map_location="cpu", weights_only=True)
    return sd.get("state_dict", sd) if isinstance(sd, dict) else sd


def describe_sizes(bundle_dir: str) -> Dict[str, int]:
    sizes = {}
    for root, _, files in os.walk(bundle_dir):
        for name in files:
            path = os.path.join(root, name)
            sizes[os.path.relpath(path, bundle_dir)] = os.path.getsize(path)
    return sizes
