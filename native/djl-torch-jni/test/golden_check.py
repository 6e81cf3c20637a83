#!/usr/bin/env python3
"""PyTorch's own replay of a bundle's golden chunks on a device, for comparison with EngineCheck (Java, DJL + our
JNI) on the same machine: if both report the same max abs differences, the JNI layer adds no error of its own.

Follows docs/bundle-format.md: chunks in order, state carried, empty state tensors at the start, float_output = 1,
every input on the module's device (as DJL passes them).

  python3 native/djl-torch-jni/test/golden_check.py BUNDLE_DIR [cpu|cuda] [--tf32 0|1] [--precision bfloat16]
"""
import argparse
import json
import os
import time

import numpy as np
import torch


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("bundle")
    ap.add_argument("device", nargs="?", default="cpu")
    ap.add_argument("--tf32", choices=["0", "1"], help="allow TF32 in cuDNN convolutions and cuBLAS matmuls")
    ap.add_argument("--precision", default="float32", choices=["float32", "bfloat16"], help="which module to run")
    args = ap.parse_args()
    if args.tf32 is not None:
        torch.backends.cudnn.allow_tf32 = args.tf32 == "1"
        torch.backends.cuda.matmul.allow_tf32 = args.tf32 == "1"
    device = torch.device(args.device)
    manifest = json.load(open(os.path.join(args.bundle, "manifest.json")))
    gdir = os.path.join(args.bundle, "golden")
    golden = json.load(open(os.path.join(gdir, "golden.json")))
    module = torch.jit.load(os.path.join(args.bundle, manifest["modules"][args.precision]["file"]), map_location=device)
    module.eval()
    states = [torch.empty(0, device=device) for _ in range(manifest["stream"]["state_tensors"])]
    out_size = torch.tensor(golden["out_size"], dtype=torch.int64, device=device)
    print(f"torch {torch.__version__}, device {device}"
          + (f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else "")
          + f", {args.precision} module, cudnn.allow_tf32={torch.backends.cudnn.allow_tf32}")
    worst = 0.0
    with torch.no_grad():
        for k, chunk in enumerate(golden["chunks"]):
            x = np.fromfile(os.path.join(gdir, chunk["input"]), dtype=np.uint8).reshape(chunk["input_shape"])
            want = np.fromfile(os.path.join(gdir, chunk["output"]), dtype="<f4").reshape(chunk["output_shape"])
            t0 = time.perf_counter()
            outs = module(torch.from_numpy(x).to(device), out_size,
                          torch.tensor([chunk["t_offset"]], dtype=torch.int64, device=device),
                          torch.tensor([1], dtype=torch.int64, device=device), *states)
            got = outs[0].float().cpu().numpy()
            ms = (time.perf_counter() - t0) * 1e3
            states = list(outs[1:])
            diff = float(np.abs(got - want).max())
            worst = max(worst, diff)
            print(f"python chunk {k}: {ms:.1f} ms, max |PyTorch({device}) - golden| = {diff:.3g}, "
                  f"mean = {float(np.abs(got - want).mean()):.3g}")
    print(f"python worst: {worst:.3g}")


if __name__ == "__main__":
    main()
