"""The official network's steady-state chunk as an AOTInductor package (issue 28): compiled kernels that our JNI
library runs beside the TorchScript module (docs/bundle-format.md, "Accelerated variants").

The TorchScript module stays the bundle's contract and its portable path (CPU, other GPUs, the first and the last
chunk of a stream). What is compiled is the call that makes up almost all of a long video: a middle chunk of 24
frames (flags 0) at one input and output size, its 20 states already carried. The package is specialised to that
shape, the GPU architecture and the libtorch version it was built with; anything else runs the TorchScript module.

The package holds no weights (`aot_inductor.package_constants_in_so` off): the JNI hands it the TorchScript
module's own parameters and buffers, so the compiled path costs no second copy of the 9.4 GiB of weights.

Written by the export (on the GPU the package is for):
  python3 -m swiftvr.export --config official --device cuda --bf16-only --warmup-chunks 4 --no-goldens \\
      --aoti 640x360:2560x1440 --aoti 960x540:3840x2160 --out /tmp/official
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from typing import List, Tuple

import torch
from torch import Tensor, nn

from .config import CHUNK_FRAMES, FIRST_CHUNK_FRAMES, TEMPORAL_FACTOR
from .rope import rope_cos_sin_at

PACKAGE_KIND = "aoti"
# The compiled function's inputs: frames, the chunk's latent offset [1] (int64), then the 20 states; its outputs:
# the uint8 frames, then the 20 new states (the TorchScript module's forward without out_size, flags, float_output).
CALL = "frames_u8, t_offset[1], state_0..state_19 -> frames_u8, state_0'..state_19'"


class MiddleChunk(nn.Module):
    """restore_official for a middle chunk (flags 0, uint8 output) at a fixed output size, with the RoPE offset a
    tensor instead of a Python int so that torch.export keeps it an input."""

    def __init__(self, restorer: nn.Module, out_h: int, out_w: int):
        super().__init__()
        if not getattr(restorer, "official", False):
            raise ValueError("the compiled chunk function is for the official stream protocol (OfficialRestorer)")
        self.restorer = restorer
        self.out_h = out_h
        self.out_w = out_w

    def forward(self, frames: Tensor, t_offset: Tensor, *states: Tensor) -> Tuple[Tensor, ...]:
        r = self.restorer
        s = list(states)
        x = r.preprocess_official(frames, self.out_h, self.out_w)
        latents, enc_states = r.encode(x, s[:r.encoder_states])
        z_hq = self.transform(latents, t_offset)
        previous = s[r.lq_state]
        carried = torch.cat([previous.to(latents.dtype), latents], 0)[-r.kept_latents:].clone()
        y, dec_states = r.decode(z_hq, s[r.encoder_states:r.detail_state])
        y, history = r.refine(x, y, s[r.detail_state])
        out = r.postprocess_official(y, self.out_h, self.out_w, 0)
        return (out, *enc_states, *dec_states, history, carried)

    def transform(self, latents: Tensor, t_offset: Tensor) -> Tensor:
        """The restorer's transform (z_HQ = z_LQ - v) with the RoPE tables computed from the tensor offset."""
        r = self.restorer
        dit = r.dit
        if r.channels_last:
            latents = latents.contiguous(memory_format=torch.channels_last)
        z = latents.permute(1, 0, 2, 3).unsqueeze(0)
        t = torch.ones(1, device=latents.device)
        positions = torch.arange(z.size(2), dtype=torch.float64, device=z.device) + t_offset.to(z.device).double()
        rotations = rope_cos_sin_at(positions, z.size(3) // 2, z.size(4) // 2, dit.head_dim, dit.rope_theta)
        v = dit.forward_rotated(z, t, rotations, r.prompt_emb)
        z_hq = (z - v.to(z.dtype))[0].permute(1, 0, 2, 3)
        if r.channels_last:
            return z_hq.contiguous(memory_format=torch.channels_last)
        return z_hq.contiguous()


def steady_states(restorer: nn.Module, in_size: Tuple[int, int], out_size: Tuple[int, int],
                  device: torch.device) -> List[Tensor]:
    """The 20 states a middle chunk receives: those after a first chunk of 28 frames (their shapes are what the
    package is specialised to; their values do not matter)."""
    frames = torch.randint(0, 256, (FIRST_CHUNK_FRAMES, in_size[1], in_size[0], 3), dtype=torch.uint8, device=device)
    empty = [torch.empty(0, device=device) for _ in range(restorer.state_tensors)]
    with torch.no_grad():
        result = restorer(frames, torch.tensor([out_size[1], out_size[0]]), torch.tensor([0]), torch.tensor([0]),
                          *empty)
    return list(result[1:])


def compile_package(restorer: nn.Module, in_size: Tuple[int, int], out_size: Tuple[int, int], path: str,
                    device: torch.device, log=print) -> dict:
    """Exports and compiles the middle-chunk function of `restorer` (on `device`, in its dtype) to an AOTInductor
    package at `path`; returns the manifest entry of the variant (docs/bundle-format.md)."""
    states = steady_states(restorer, in_size, out_size, device)
    frames = torch.randint(0, 256, (CHUNK_FRAMES, in_size[1], in_size[0], 3), dtype=torch.uint8, device=device)
    offset = torch.tensor([FIRST_CHUNK_FRAMES // TEMPORAL_FACTOR], dtype=torch.long, device=device)
    chunk = MiddleChunk(restorer, out_size[1], out_size[0]).eval()
    t0 = time.time()
    with torch.no_grad():
        program = torch.export.export(chunk, (frames, offset, *states), strict=False)
    log(f"exported the middle-chunk function in {time.time() - t0:.1f}s")
    t0 = time.time()
    torch._inductor.aoti_compile_and_package(program, package_path=path,
                                             inductor_configs={"aot_inductor.package_constants_in_so": False})
    log(f"AOTInductor package {path} compiled in {time.time() - t0:.1f}s ({os.path.getsize(path) / 2**20:.1f} MiB)")
    return variant_entry(os.path.basename(path), in_size, out_size, device, next(restorer.parameters()).dtype)


def variant_entry(file: str, in_size, out_size, device: torch.device, dtype: torch.dtype) -> dict:
    """What the manifest says of a compiled variant: what it is, what it takes, what it needs of the machine."""
    if device.type == "cuda":
        major, minor = torch.cuda.get_device_capability(device)
        arch = f"sm_{major}{minor}"
    else:
        arch = "cpu"
    return {
        "kind": PACKAGE_KIND,
        "file": file,
        "precision": "bfloat16" if dtype == torch.bfloat16 else "float32",
        "arch": arch,
        "torch_version": torch.__version__.split("+")[0],
        "in_size": [in_size[0], in_size[1]],
        "out_size": [out_size[0], out_size[1]],
        "chunk_frames": CHUNK_FRAMES,
        "call": CALL,
        "weights": "the TorchScript module's parameters and buffers, by name (restorer.<name>)",
    }


def parse_sizes(spec: str) -> Tuple[Tuple[int, int], Tuple[int, int]]:
    """'640x360:2560x1440' -> ((640, 360), (2560, 1440)): input and output size, width x height."""
    try:
        a, b = spec.split(":")
        return tuple(int(v) for v in a.split("x")), tuple(int(v) for v in b.split("x"))
    except ValueError:
        raise ValueError(f"--aoti {spec!r}: expected INxIN:OUTxOUT, e.g. 640x360:2560x1440") from None


def add_variants(restorer: nn.Module, bundle_dir: str, specs: List[str], device: torch.device, log=print,
                 check: bool = False) -> List[dict]:
    """Compiles one package per 'IN:OUT' spec into the bundle and lists each, with its checksum, in the manifest's
    `accelerated` section as soon as it is written (a run stopped during a later compile keeps the earlier ones);
    with `check`, compares each with the bundle's TorchScript module right away (check_variant)."""
    entries = []
    manifest_path = os.path.join(bundle_dir, "manifest.json")
    for spec in specs:
        in_size, out_size = parse_sizes(spec)
        file = f"chunk-{out_size[0]}x{out_size[1]}-from-{in_size[0]}x{in_size[1]}.pt2"
        path = os.path.join(bundle_dir, file)
        entry = compile_package(restorer, in_size, out_size, path, device, log)
        with open(path, "rb") as f:
            entry["sha256"] = hashlib.sha256(f.read()).hexdigest()
        entry["bytes"] = os.path.getsize(path)
        entries.append(entry)
        with open(manifest_path) as f:
            manifest = json.load(f)
        manifest["accelerated"] = [e for e in manifest.get("accelerated", []) if e["file"] != file] + [entry]
        with open(manifest_path, "w") as f:
            json.dump(manifest, f, indent=2)
        if check:
            check_variant(bundle_dir, manifest, entry, device, log)
    return entries


def compare_with_module(package: str, module_file: str, in_size, out_size, device: torch.device,
                        timed_chunks: int = 3) -> dict:
    """One middle chunk through the package (given the module's weights as the JNI gives them) and through the
    TorchScript module, same frames and states: PSNR and max abs difference of the uint8 frames, the largest state
    difference; then model-only ms per chunk of each (mean of `timed_chunks` after one warm chunk, same inputs)."""
    module = torch.jit.load(module_file, map_location=device)
    runner = torch._inductor.aoti_load_package(package)
    named = dict(module.named_parameters())
    named.update(dict(module.named_buffers()))
    runner.load_constants({f: named[f[len("restorer."):]] for f in runner.get_constant_fqns()},
                          check_full_update=True, user_managed=True)
    states = steady_states(module, in_size, out_size, device)
    gen = torch.Generator().manual_seed(5)
    frames = torch.randint(0, 256, (CHUNK_FRAMES, in_size[1], in_size[0], 3), dtype=torch.uint8, generator=gen)
    frames = frames.to(device)
    offset = FIRST_CHUNK_FRAMES // TEMPORAL_FACTOR
    module_args = (frames, torch.tensor([out_size[1], out_size[0]]), torch.tensor([offset]), torch.tensor([0]), *states)
    package_args = (frames, torch.tensor([offset], device=device), *states)
    with torch.no_grad():
        ref = module(*module_args)
        got = runner(*package_args)
    diff = got[0].float() - ref[0].float()
    mse = float((diff ** 2).mean())
    result = {
        "psnr_db": float("inf") if mse == 0 else 10 * torch.log10(torch.tensor(255.0 ** 2 / mse)).item(),
        "max_abs": float(diff.abs().max()),
        "state_max_abs": max((float((a.float() - b.float()).abs().max()) for a, b in zip(got[1:], ref[1:])
                              if a.numel()), default=0.0),
    }
    for name, run, args in (("torchscript", module, module_args), ("package", runner, package_args)):
        with torch.no_grad():
            run(*args)
            _sync(device)
            t0 = time.time()
            for _ in range(timed_chunks):
                run(*args)
            _sync(device)
        result[f"{name}_ms"] = (time.time() - t0) * 1000 / timed_chunks
    return result


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def main(argv=None) -> int:
    """python3 -m swiftvr.compiled BUNDLE [--device cuda]: compare_with_module for every accelerated variant."""
    import argparse
    p = argparse.ArgumentParser(description="Compare a bundle's compiled variants with its TorchScript module")
    p.add_argument("bundle")
    p.add_argument("--device", default="cuda")
    args = p.parse_args(argv)
    device = torch.device(args.device)
    with open(os.path.join(args.bundle, "manifest.json")) as f:
        manifest = json.load(f)
    for v in manifest.get("accelerated", []):
        check_variant(args.bundle, manifest, v, device)
    return 0


def check_variant(bundle_dir: str, manifest: dict, v: dict, device: torch.device, log=print) -> dict:
    """compare_with_module for one variant of the manifest, in one line of the log (and one line of JSON)."""
    module_file = os.path.join(bundle_dir, manifest["modules"][v["precision"]]["file"])
    r = compare_with_module(os.path.join(bundle_dir, v["file"]), module_file, tuple(v["in_size"]),
                            tuple(v["out_size"]), device)
    log(f"{v['file']} ({v['arch']}, torch {v['torch_version']}): vs the TorchScript module "
        f"PSNR {r['psnr_db']:.2f} dB, max abs {r['max_abs']:.0f} of 255, states max abs {r['state_max_abs']:.3g}; "
        f"model-only per 24-frame chunk: TorchScript {r['torchscript_ms']:.1f} ms, package {r['package_ms']:.1f} ms "
        f"({CHUNK_FRAMES * 1000 / r['torchscript_ms']:.2f} -> {CHUNK_FRAMES * 1000 / r['package_ms']:.2f} FPS)")
    log("json " + json.dumps({"file": v["file"], **r}))
    return r


if __name__ == "__main__":
    raise SystemExit(main())
