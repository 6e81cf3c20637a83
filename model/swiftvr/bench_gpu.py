#!/usr/bin/env python3
"""GPU benchmark of the official-size restorer (random weights, bfloat16): per-stage time, FPS and
peak memory for 24-frame chunks, next to the published SwiftVR H100 figures.

The input is LQ video at 1/4 of the output size; the restorer upsamples it (bilinear) to the
output size before the ReAE, as the official pipeline does. Each resolution is warmed up with a
28-frame and a 24-frame chunk (the two shapes of the stream), then `--chunks` 24-frame chunks are
timed with CUDA events with the streaming state carried.

From model/ (or from anywhere once `pip install -e model` has run):

  PYTHONUNBUFFERED=1 python3 -m swiftvr.bench_gpu [--chunks 3] [--resolutions 1920x1080 2560x1440 3840x2160]
  PYTHONUNBUFFERED=1 python3 -m swiftvr.bench_gpu --torchscript BUNDLE/restorer-bf16.pt \\
      [--clip ../samples/cockatoo.mp4] [--resolutions ...]   # an exported module on a real clip, as Java runs it
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time

import torch

from swiftvr.config import official
from swiftvr.paths import REPO_DIR
from swiftvr.restorer import build_restorer, empty_state, use_channels_last

PUBLISHED = {  # SwiftVR README / project page, H100, 24-frame causal streaming
    (2560, 1440): "31.32 FPS, 38.01 GB",
    (3840, 2160): "13.84 FPS",
}
STAGES = ("resize+pad", "ReAE encode", "DiT", "ReAE decode", "crop+u8")
VARIANTS = ("bf16", "bf16-16bit", "fp8")


def time_dit_with_backends(model, out_w, out_h, backends, runs=3):
    """DiT alone on one 24-frame chunk's latents with SDPA restricted to `backends` (ms per chunk)."""
    from torch.nn.attention import sdpa_kernel
    latents = torch.randn(6, model.decoder.conv_in.in_channels, -(-out_h // 32) * 2, -(-out_w // 32) * 2,
                          device="cuda", dtype=torch.bfloat16)
    times = []
    with torch.inference_mode(), sdpa_kernel(backends):
        for k in range(runs + 1):
            a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            a.record()
            model.transform(latents, 7)
            b.record()
            torch.cuda.synchronize()
            if k > 0:
                times.append(a.elapsed_time(b))
    return sum(times) / len(times)


def run_chunk_timed(model, frames, out_h, out_w, t_offset, states, output=0):
    ev = [torch.cuda.Event(enable_timing=True) for _ in range(len(STAGES) + 1)]
    ev[0].record()
    x = model.preprocess(frames, out_h, out_w)
    ev[1].record()
    latents, enc_states = model.encode(x, states[:9])
    ev[2].record()
    z = model.transform(latents, t_offset)
    ev[3].record()
    y, dec_states = model.decode(z, states[9:])
    ev[4].record()
    out = model.postprocess(y, out_h, out_w, output)
    ev[5].record()
    torch.cuda.synchronize()
    return out, enc_states + dec_states, [ev[i].elapsed_time(ev[i + 1]) for i in range(len(STAGES))]


def bench_resolution(model, out_w, out_h, chunks, variant="bf16"):
    """variant: "bf16" and "fp8" take and return 8-bit frames; "bf16-16bit" takes and returns 16-bit samples (the
    [..., 3, 2] byte pairs of a 10-bit source), the model-side cost of the 10-bit path (issue 30)."""
    in_h, in_w = out_h // 4, out_w // 4
    sixteen = variant.endswith("16bit")
    output = model.output_uint16 if sixteen else 0
    gen = torch.Generator(device="cuda").manual_seed(0)
    clip = torch.randint(0, 256, (28 + 24 * (chunks + 1), in_h, in_w, 3) + ((2,) if sixteen else ()),
                         dtype=torch.uint8, device="cuda", generator=gen)
    states = empty_state()
    t0 = time.time()
    with torch.inference_mode():
        # warm-up: both stream shapes (cuDNN autotuning happens here)
        _, states, _ = run_chunk_timed(model, clip[:28], out_h, out_w, 0, states, output)
        _, states, _ = run_chunk_timed(model, clip[28:52], out_h, out_w, 7, states, output)
        warm_s = time.time() - t0
        torch.cuda.reset_peak_memory_stats()
        per_stage = [0.0] * len(STAGES)
        for k in range(chunks):
            start = 52 + 24 * k
            _, states, ms = run_chunk_timed(model, clip[start:start + 24], out_h, out_w, start // 4, states, output)
            per_stage = [a + b for a, b in zip(per_stage, ms)]
    per_stage = [v / chunks for v in per_stage]
    total = sum(per_stage)
    return {
        "variant": variant, "res": f"{out_w}x{out_h}", "lq": f"{in_w}x{in_h}", "stages": per_stage, "total_ms": total,
        "fps": 24 * 1000.0 / total, "peak_alloc_gb": torch.cuda.max_memory_allocated() / 1e9,
        "peak_reserved_gb": torch.cuda.max_memory_reserved() / 1e9, "warmup_s": warm_s,
        "published": PUBLISHED.get((out_w, out_h), "-"),
    }


def bench_scripted(model, out_w, out_h, chunks):
    """The TorchScript module as DJL runs it (whole forward, same shapes), timed end to end."""
    scripted = torch.jit.script(model)
    in_h, in_w = out_h // 4, out_w // 4
    clip = torch.randint(0, 256, (28 + 24 * (chunks + 2), in_h, in_w, 3), dtype=torch.uint8, device="cuda")
    size = torch.tensor([out_h, out_w])
    states = empty_state()
    start = 0
    times = []
    with torch.inference_mode():
        for k in range(chunks + 3):       # 28, then 24s: the profiling executor specialises on early runs
            n = 28 if k == 0 else 24
            a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            a.record()
            res = scripted(clip[start:start + n], size, torch.tensor([start // 4]), torch.tensor([0]), *states)
            b.record()
            torch.cuda.synchronize()
            states = list(res[1:])
            if k == 2:
                torch.cuda.reset_peak_memory_stats()
            if k >= 3:
                times.append(a.elapsed_time(b))
            start += n
    ms = sum(times) / len(times)
    return ms, 24 * 1000.0 / ms, torch.cuda.max_memory_allocated() / 1e9


def read_clip(path: str, frames: int | None = None):
    """The clip's frames as uint8 RGB [T, H, W, 3] on the CPU (OpenCV), or None where OpenCV cannot read it."""
    try:
        import cv2
    except ImportError:
        return None
    cap = cv2.VideoCapture(path)
    out = []
    while frames is None or len(out) < frames:
        ok, bgr = cap.read()
        if not ok:
            break
        out.append(torch.from_numpy(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)))
    cap.release()
    return torch.stack(out) if out else None


def state_count(module) -> int:
    """How many state tensors the exported restorer takes: its forward's arguments after self, frames,
    out_size, t_offset and float_output (18 for the ReAE, one more where the module has a detail path)."""
    return len(module.forward.schema.arguments) - 5


def output_lag(module_path: str) -> int:
    """The stream's lag from the manifest beside an exported module (a model with a look-ahead lags more than the
    decoder's 3 frames), else the decoder's."""
    from swiftvr.config import DECODER_LAG_FRAMES
    manifest = os.path.join(os.path.dirname(os.path.abspath(module_path)), "manifest.json")
    if not os.path.exists(manifest):
        return DECODER_LAG_FRAMES
    with open(manifest) as f:
        return json.load(f)["stream"]["decoder_lag_frames"]


def bench_torchscript_file(path, resolutions, clip_path, log) -> int:
    """The exported TorchScript file as DJL runs it (torch.jit.load, no_grad, libtorch's TF32 defaults,
    cudnn.benchmark on), fed the same clip the Java benchmark decodes, on the same chunk grid: warm-up 3 passes
    over the first 3 chunks from empty state (both chunk shapes, as RestoreBenchmark does), then the whole clip
    (padded with copies of the last frame to the grid) twice: model only (input already on the GPU, output left
    there, CUDA events) and with host copies (pageable uint8 input .cuda(), output .cpu(), wall clock)."""
    from swiftvr.config import CHUNK_FRAMES, FIRST_CHUNK_FRAMES
    torch.backends.cudnn.benchmark = True
    t0 = time.time()
    module = torch.jit.load(path, map_location="cuda")
    module.eval()
    torch.cuda.synchronize()
    log(f"loaded {path} in {time.time() - t0:.1f}s; weights {torch.cuda.memory_allocated() / 2**30:.2f} GiB")
    clip = read_clip(clip_path)
    source = clip_path
    if clip is None:
        clip = torch.randint(0, 256, (280, 720, 1280, 3), dtype=torch.uint8)
        source = "random uint8 frames (OpenCV could not read the clip)"
    n = clip.shape[0]
    total = -(-(n + output_lag(path)) // 4) * 4
    sizes = [FIRST_CHUNK_FRAMES]
    while sum(sizes) < total:
        sizes.append(CHUNK_FRAMES)
    stream = torch.cat([clip, clip[-1:].expand(sum(sizes) - n, -1, -1, -1)])
    starts = [sum(sizes[:k]) for k in range(len(sizes))]
    log(f"input {source}: {n} frames {clip.shape[2]}x{clip.shape[1]}; {len(sizes)} chunks, {sum(sizes)} frames modelled")
    stream_gpu = stream.cuda()
    rows = []
    with torch.no_grad():
        for res in resolutions:
            w, h = (int(v) for v in res.lower().split("x"))
            size = torch.tensor([h, w])

            def run(k, frames, states):
                res_ = module(frames, size, torch.tensor([starts[k] // 4]), torch.tensor([0]), *states)
                return res_[0], list(res_[1:])
            try:
                t0 = time.time()
                for _ in range(3):
                    states = [torch.empty(0) for _ in range(state_count(module))]
                    for k in range(min(3, len(sizes))):
                        _, states = run(k, stream_gpu[starts[k]:starts[k] + sizes[k]], states)
                torch.cuda.synchronize()
                warm_s = time.time() - t0
                torch.cuda.reset_peak_memory_stats()
                used_peak = 0
                states = [torch.empty(0) for _ in range(state_count(module))]
                gpu_ms = 0.0
                for k in range(len(sizes)):
                    a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                    a.record()
                    _, states = run(k, stream_gpu[starts[k]:starts[k] + sizes[k]], states)
                    b.record()
                    torch.cuda.synchronize()
                    gpu_ms += a.elapsed_time(b)
                    free, tot = torch.cuda.mem_get_info()
                    used_peak = max(used_peak, tot - free)
                states = [torch.empty(0) for _ in range(state_count(module))]
                h2d = fwd = d2h = 0.0
                wall0 = time.perf_counter()
                for k in range(len(sizes)):
                    c0 = time.perf_counter()
                    x = stream[starts[k]:starts[k] + sizes[k]].cuda()
                    c1 = time.perf_counter()
                    out, states = run(k, x, states)
                    torch.cuda.synchronize()
                    c2 = time.perf_counter()
                    host = out.cpu()
                    c3 = time.perf_counter()
                    h2d, fwd, d2h = h2d + c1 - c0, fwd + c2 - c1, d2h + c3 - c2
                    del host
                wall = time.perf_counter() - wall0
                frames = sum(sizes)
                rows.append(f"| {torch.cuda.get_device_name(0)} | {os.path.basename(path)} | {clip.shape[2]}x{clip.shape[1]} "
                            f"| {w}x{h} | {frames} | {warm_s:.1f} | {gpu_ms / 1000:.2f} | {frames * 1000 / gpu_ms:.2f} "
                            f"| {h2d:.2f} | {fwd:.2f} | {d2h:.2f} | {frames / wall:.2f} "
                            f"| {torch.cuda.max_memory_allocated() / 2**20:.0f} | {torch.cuda.max_memory_reserved() / 2**20:.0f} "
                            f"| {used_peak / 2**20:.0f} |")
            except torch.cuda.OutOfMemoryError as e:
                rows.append(f"| {torch.cuda.get_device_name(0)} | {os.path.basename(path)} | | {w}x{h} | OOM: "
                            f"{str(e).splitlines()[0][:80]} |" + " |" * 10)
                torch.cuda.empty_cache()
            log(rows[-1])
    log("")
    log("| device | module | in | out | frames modelled | warm-up s | model-only s (CUDA events) | model-only FPS "
        "| with copies: H2D s | forward s | D2H s | with copies FPS | peak allocated MiB | peak reserved MiB "
        "| peak device used MiB (after each chunk) |")
    log("|---" * 15 + "|")
    for r in rows:
        log(r)
    return 0


def bench_copy_variants(path, resolutions, clip_path, log) -> int:
    """How the host copies can be done, on the exported TorchScript file and the real clip (whole clip per variant,
    after the same warm-up as bench_torchscript_file): the output copied to the host
      fresh:       out.cpu(), a new pageable tensor per chunk (what DJL's toByteBuffer does)
      reused:      into one pageable tensor allocated once (no page faults on fresh memory)
      pinned:      into one pinned tensor, synchronously
      overlapped:  pinned input and output buffers (two each), copies on a side stream with events, so that the
                   output copy of chunk k and the input copy of chunk k+1 run while the GPU computes chunk k+1
    FPS = frames modelled / wall time; the frames end in host memory in every variant."""
    from swiftvr.config import CHUNK_FRAMES, FIRST_CHUNK_FRAMES
    torch.backends.cudnn.benchmark = True
    module = torch.jit.load(path, map_location="cuda")
    module.eval()
    clip = read_clip(clip_path)
    if clip is None:
        clip = torch.randint(0, 256, (280, 720, 1280, 3), dtype=torch.uint8)
    n = clip.shape[0]
    total = -(-(n + output_lag(path)) // 4) * 4
    sizes = [FIRST_CHUNK_FRAMES]
    while sum(sizes) < total:
        sizes.append(CHUNK_FRAMES)
    stream = torch.cat([clip, clip[-1:].expand(sum(sizes) - n, -1, -1, -1)])
    starts = [sum(sizes[:k]) for k in range(len(sizes))]
    frames = sum(sizes)
    rows = []
    with torch.no_grad():
        for res in resolutions:
            w, h = (int(v) for v in res.lower().split("x"))
            size = torch.tensor([h, w])

            def run(k, x, states):
                r = module(x, size, torch.tensor([starts[k] // 4]), torch.tensor([0]), *states)
                return r[0], list(r[1:])
            for _ in range(3):
                states = [torch.empty(0) for _ in range(state_count(module))]
                for k in range(min(3, len(sizes))):
                    _, states = run(k, stream[starts[k]:starts[k] + sizes[k]].cuda(), states)
            torch.cuda.synchronize()
            out_shape = (CHUNK_FRAMES, h, w, 3)
            reused = torch.empty((FIRST_CHUNK_FRAMES, h, w, 3), dtype=torch.uint8)
            reused.fill_(0)
            pinned = torch.empty((FIRST_CHUNK_FRAMES, h, w, 3), dtype=torch.uint8, pin_memory=True)
            for name in ("fresh", "reused", "pinned"):
                states = [torch.empty(0) for _ in range(state_count(module))]
                t0 = time.perf_counter()
                for k in range(len(sizes)):
                    out, states = run(k, stream[starts[k]:starts[k] + sizes[k]].cuda(), states)
                    if name == "fresh":
                        host = out.cpu()
                    else:
                        (reused if name == "reused" else pinned)[:sizes[k]].copy_(out)
                torch.cuda.synchronize()
                rows.append((res, name, frames / (time.perf_counter() - t0)))
                log(f"  {res} {name}: {rows[-1][2]:.2f} FPS")
            # overlapped: two pinned input and output buffers, copies on a side stream
            copy_stream = torch.cuda.Stream()
            main = torch.cuda.current_stream()
            pin_in = [torch.empty((FIRST_CHUNK_FRAMES,) + tuple(stream.shape[1:]), dtype=torch.uint8,
                                  pin_memory=True) for _ in range(2)]
            pin_out = [torch.empty((FIRST_CHUNK_FRAMES, h, w, 3), dtype=torch.uint8, pin_memory=True)
                       for _ in range(2)]
            out_done = [None, None]
            states = [torch.empty(0) for _ in range(state_count(module))]
            t0 = time.perf_counter()
            for k in range(len(sizes)):
                b = k % 2
                if out_done[b] is not None:
                    out_done[b].synchronize()          # the host has chunk k-2's frames; buffers b are free
                pin_in[b][:sizes[k]].copy_(stream[starts[k]:starts[k] + sizes[k]])   # decoder's place
                with torch.cuda.stream(copy_stream):
                    x = pin_in[b][:sizes[k]].to("cuda", non_blocking=True)
                main.wait_stream(copy_stream)
                x.record_stream(main)
                out, states = run(k, x, states)
                copy_stream.wait_stream(main)
                with torch.cuda.stream(copy_stream):
                    pin_out[b][:sizes[k]].copy_(out, non_blocking=True)
                    out.record_stream(copy_stream)
                    out_done[b] = torch.cuda.Event()
                    out_done[b].record(copy_stream)
            torch.cuda.synchronize()
            rows.append((res, "overlapped", frames / (time.perf_counter() - t0)))
            log(f"  {res} overlapped: {rows[-1][2]:.2f} FPS")
            del reused, pinned, pin_in, pin_out
    log("")
    log(f"| device | module | out | host copy of the output | FPS (with H2D and D2H, {frames} frames) |")
    log("|---|---|---|---|---|")
    for res, name, fps in rows:
        log(f"| {torch.cuda.get_device_name(0)} | {os.path.basename(path)} | {res} | {name} | {fps:.2f} |")
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--resolutions", nargs="+", default=["1920x1080", "2560x1440", "3840x2160"])
    p.add_argument("--chunks", type=int, default=3, help="timed 24-frame chunks per resolution")
    p.add_argument("--variants", nargs="+", default=["bf16"], choices=VARIANTS,
                   help="bf16: the module as exported; bf16-16bit: 16-bit samples in and out (10-bit sources); "
                   "fp8: the DiT's linear layers in FP8 (swiftvr.fp8; applied last, in place)")
    p.add_argument("--scripted-at", nargs="*", default=["2560x1440", "3840x2160"],
                   help="also time the TorchScript module at these sizes")
    p.add_argument("--no-warmup", dest="measure_warmup", action="store_false",
                   help="skip the warm-up experiment on the official-size network")
    p.add_argument("--torchscript", help="time this exported TorchScript file (restorer-bf16.pt, restorer.pt) "
                   "on --clip instead of building the official model; see bench_torchscript_file")
    p.add_argument("--clip", default=os.path.join(REPO_DIR, "samples", "cockatoo.mp4"))
    p.add_argument("--copy-variants", action="store_true",
                   help="with --torchscript: compare ways of copying frames to and from the host (bench_copy_variants)")
    args = p.parse_args(argv)
    if "fp8" in args.variants and not args.torchscript and (args.scripted_at or args.measure_warmup):
        p.error("--variants fp8 replaces the DiT's layers in place, and the experiments after the table would then "
                "time FP8 too: add --scripted-at (with no sizes) and --no-warmup")
    if not torch.cuda.is_available():
        print("no CUDA device")
        return 1
    if args.torchscript:
        props = torch.cuda.get_device_properties(0)
        print(f"date {datetime.date.today()}  GPU {props.name} ({props.total_memory / 2**30:.0f} GiB)  "
              f"torch {torch.__version__}  CUDA {torch.version.cuda}  cuDNN {torch.backends.cudnn.version()}")
        if args.copy_variants:
            return bench_copy_variants(args.torchscript, args.resolutions, args.clip, print)
        return bench_torchscript_file(args.torchscript, args.resolutions, args.clip, print)

    torch.backends.cudnn.benchmark = True
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    log = print
    props = torch.cuda.get_device_properties(0)
    log(f"date {datetime.date.today()}  GPU {props.name} ({props.total_memory / 2**30:.0f} GiB)  "
        f"torch {torch.__version__}  CUDA {torch.version.cuda}  cuDNN {torch.backends.cudnn.version()}")
    log("SDPA default backend choice; cudnn.benchmark on; ReAE channels_last; fused QKV; bfloat16 weights")

    t0 = time.time()
    model = build_restorer(official(), seed=0, device=torch.device("cuda"))   # calibrated in float32
    model = use_channels_last(model.to(torch.bfloat16))
    torch.cuda.empty_cache()
    n_params = sum(p.numel() for p in model.parameters())
    log(f"official config, random weights: {n_params / 1e9:.2f} B parameters, built in {time.time() - t0:.1f}s, "
        f"weights {torch.cuda.memory_allocated() / 1e9:.1f} GB")

    rows = []
    for variant in sorted(args.variants, key=VARIANTS.index):   # fp8 last: it replaces the layers in place
        if variant == "fp8":
            from swiftvr.fp8 import use_fp8_linears
            log(f"fp8: {use_fp8_linears(model)} DiT linear layers replaced by Fp8Linear")
        for res in args.resolutions:
            w, h = (int(v) for v in res.lower().split("x"))
            try:
                r = bench_resolution(model, w, h, args.chunks, variant)
            except torch.cuda.OutOfMemoryError as e:
                r = {"variant": variant, "res": res, "oom": str(e).splitlines()[0]}
                torch.cuda.empty_cache()
            rows.append(r)
            log(f"  {variant} {res}: " + (f"{r['fps']:.2f} FPS, peak {r['peak_alloc_gb']:.1f} GB "
                                          f"(warm-up {r['warmup_s']:.1f}s)" if "fps" in r else f"OOM: {r['oom']}"))

    header = ("| variant | output | LQ input | " + " | ".join(f"{s} ms" for s in STAGES)
              + " | total ms / 24 frames | FPS | peak allocated GB | peak reserved GB | published (H100) |")
    log("")
    log(header)
    log("|" + "---|" * (header.count("|") - 1))
    for r in rows:
        if "oom" in r:
            log(f"| {r['variant']} | {r['res']} | | " + " | ".join("-" for _ in STAGES) + " | OOM | - | - | - | |")
            continue
        log(f"| {r['variant']} | {r['res']} | {r['lq']} | " + " | ".join(f"{v:.1f}" for v in r["stages"])
            + f" | {r['total_ms']:.1f} | {r['fps']:.2f} | {r['peak_alloc_gb']:.2f} | {r['peak_reserved_gb']:.2f}"
            + f" | {r['published']} |")

    if args.scripted_at:
        from torch.nn.attention import SDPBackend
        w, h = (int(v) for v in args.scripted_at[0].lower().split("x"))
        for name, backends in (("flash", [SDPBackend.FLASH_ATTENTION]), ("cuDNN", [SDPBackend.CUDNN_ATTENTION]),
                               ("efficient", [SDPBackend.EFFICIENT_ATTENTION])):
            try:
                log(f"DiT alone at {w}x{h}, SDPA {name}: "
                    f"{time_dit_with_backends(model, w, h, backends):.1f} ms per 24-frame chunk")
            except Exception as e:   # a backend that refuses these shapes is a result too
                log(f"DiT alone at {w}x{h}, SDPA {name}: failed ({type(e).__name__}: "
                    f"{str(e).splitlines()[0][:120]})")

    for res in args.scripted_at:
        w, h = (int(v) for v in res.lower().split("x"))
        try:
            ms, fps, peak = bench_scripted(model, w, h, args.chunks)
            log(f"TorchScript module (torch.jit.script, as DJL runs it) at {res}: "
                f"{ms:.1f} ms per 24-frame chunk, {fps:.2f} FPS, peak allocated {peak:.2f} GB")
        except torch.cuda.OutOfMemoryError as e:
            log(f"TorchScript module at {res}: OOM ({str(e).splitlines()[0]})")
            torch.cuda.empty_cache()

    if args.measure_warmup:
        measure_official_warmup(model, log)
    return 0


def measure_official_warmup(model, log) -> None:
    """The warm-up experiment of export.py on the official-size network (bf16, GPU, small frames,
    deterministic cuDNN so that equal inputs give bitwise equal outputs)."""
    from swiftvr.bundle import synthetic_clip
    from swiftvr.stream import chunk_sizes, measure_warmup
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True
    clip = synthetic_clip(sum(chunk_sizes(8)), 32, 48, seed=7).cuda()
    t0 = time.time()
    try:
        r = measure_warmup(model, clip, (128, 192), 8, threshold=0.0)
        log(f"official-size warm-up (bf16, 128x192 output, 8-chunk clip): warmup_chunks = {r.warmup_chunks}; "
            f"max abs diff by warm-up chunks {r.max_abs_diff_by_warmup} ({time.time() - t0:.1f}s)")
    except RuntimeError as e:
        log(f"official-size warm-up: {e}")


if __name__ == "__main__":
    sys.exit(main())
