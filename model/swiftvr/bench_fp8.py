#!/usr/bin/env python3
"""GPU benchmark of the FP8 linear layers (swiftvr.fp8) one by one: each linear layer of one DiT block of the
official network, at the token count of one 24-frame chunk, in bfloat16, as Fp8Linear run eagerly (what a
TorchScript bundle would run: the activation's per-row scale, division and cast are separate kernels around the
FP8 matrix product) and as Fp8Linear under torch.compile (those kernels fused, as an AOTInductor package would run
them). Prints one table row per layer and a total; CUDA events, the mean of 20 calls after 3.

  PYTHONUNBUFFERED=1 python3 -m swiftvr.bench_fp8 [--resolution 2560x1440 | --tokens N] [--no-compile]

The DiT has 30 such blocks; the layers are the same in each, so one block's total times 30 is the DiT's linear
time. docs/benchmarks-gpu.md ("Issue 28") has the H100 table and what it decided.
"""

from __future__ import annotations

import argparse
import datetime
import math

import torch
from torch import nn

from swiftvr.config import official, preset
from swiftvr.fp8 import Fp8Linear
from swiftvr.restorer import build_restorer

LATENT_FRAMES = 6            # a 24-frame chunk in the latent space (4x temporal compression)
PIXELS_PER_TOKEN = 32        # one DiT token per 32x32 output pixels (8x ReAE, (1, 2, 2) patch)


def chunk_tokens(width: int, height: int) -> int:
    return LATENT_FRAMES * math.ceil(width / PIXELS_PER_TOKEN) * math.ceil(height / PIXELS_PER_TOKEN)


def mean_ms(fn, x, device, calls=20, warmup=3) -> float:
    for _ in range(warmup):
        fn(x)
    if device.type != "cuda":
        import time
        t0 = time.perf_counter()
        for _ in range(calls):
            fn(x)
        return (time.perf_counter() - t0) * 1000 / calls
    torch.cuda.synchronize()
    a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    a.record()
    for _ in range(calls):
        fn(x)
    b.record()
    torch.cuda.synchronize()
    return a.elapsed_time(b) / calls


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default="official", help="official (default) or a preset name (tiny: CPU rehearsal)")
    p.add_argument("--resolution", default="2560x1440", help="output size whose chunk sets the token count")
    p.add_argument("--tokens", type=int, help="the token count itself (overrides --resolution)")
    p.add_argument("--no-compile", dest="compile", action="store_false", help="skip the torch.compile column")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = p.parse_args(argv)
    device = torch.device(args.device)
    w, h = (int(v) for v in args.resolution.lower().split("x"))
    tokens = args.tokens or chunk_tokens(w, h)
    cfg = official() if args.config == "official" else preset(args.config)
    model = build_restorer(cfg, seed=0, device=device, calibrate=False).to(torch.bfloat16)
    linears = [(name, layer) for name, layer in model.dit.blocks[0].named_modules() if isinstance(layer, nn.Linear)]
    name_of = torch.cuda.get_device_name(0) if device.type == "cuda" else "CPU"
    print(f"date {datetime.date.today()}  device {name_of}  torch {torch.__version__}  config {args.config}  "
          f"{len(model.dit.blocks)} DiT blocks  tokens {tokens}")
    print("| layer | in -> out | bf16 ms | FP8 eager ms | FP8 compiled ms |")
    print("|---|---|---|---|---|")
    totals = [0.0, 0.0, 0.0]
    with torch.inference_mode():
        for name, layer in linears:
            x = torch.randn(tokens, layer.in_features, device=device, dtype=torch.bfloat16)
            fp8 = Fp8Linear(layer).to(device)
            row = [mean_ms(layer, x, device), mean_ms(fp8, x, device),
                   mean_ms(torch.compile(fp8), x, device) if args.compile else float("nan")]
            totals = [t + r for t, r in zip(totals, row)]
            print(f"| {name} | {layer.in_features} -> {layer.out_features} | "
                  + " | ".join(f"{v:.3f}" for v in row) + " |", flush=True)
    print("| one block | | " + " | ".join(f"{v:.3f}" for v in totals) + " |")
    print(f"FP8 against bf16: eager {totals[1] / totals[0]:.3f}x the time, compiled {totals[2] / totals[0]:.3f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
