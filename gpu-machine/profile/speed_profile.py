#!/usr/bin/env python3
"""Where the time of one chunk goes: the official-size network (random weights) under the official stream protocol,
bfloat16, channels-last ReAE (as swiftvr.export writes the bfloat16 bundle module), one GPU; issue 28.

  PYTHONPATH=model python3 gpu-machine/profile/speed_profile.py --out DIR [--resolutions 2560x1440 3840x2160]
  # rehearsal on a CPU (tiny network, CPU timers, GPU-only options skipped):
  PYTHONPATH=model python3 gpu-machine/profile/speed_profile.py --config tiny --device cpu --resolutions 128x96 --out /tmp/p

The network is built as model/swiftvr/bench_gpu.py builds it (build_restorer(official(), seed 0) on the GPU, calibrated in
float32, then .to(bfloat16) and use_channels_last), but as an OfficialRestorer (protocol "official", the release's
numerics). The input is random uint8 LQ video at 1/4 of the output size, already on the GPU; the stream runs a first
chunk of 28 frames, then 24-frame middle chunks (flags 0, dit_overlap 0) with the state carried, and steady state is
every 24-frame chunk after warm-up.

Per part: CUDA events recorded at the boundaries of ranges (forward pre/post hooks on the modules, wrappers around
RoPE, the window gather/scatter and the restorer's pre/post-processing), each interval between two consecutive
events charged to the innermost open range (exclusive time: the parts add up to the chunk's GPU time, idle gaps
included). torch.profiler (CUDA activity, the same ranges as record_function) on one chunk gives the kernel table and
how busy the GPU is. Options are timed in the same process, each a few chunks of the same carried stream.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import gzip
import json
import os
import shutil
import sys
import time
from typing import Callable, Dict, List, Optional

import torch
import torch.nn.functional as F
from torch import nn

import swiftvr.dit as dit_mod
from swiftvr.config import CHUNK_FRAMES, FIRST_CHUNK_FRAMES, preset
from swiftvr.dit import CrossAttention, DiTBlock, FeedForward, RMSNorm, SelfAttention
from swiftvr.reae import DecoderStage, EncoderStage, MemBlock, TGrow
from swiftvr.restorer import OFFICIAL_STATE_TENSORS, build_restorer, use_channels_last

T0 = time.time()
LOG_LINES: List[str] = []


def log(*a) -> None:
    line = " ".join(str(x) for x in a)
    LOG_LINES.append(line)
    print(line, flush=True)


# ----------------------------------------------------------------------------------------------------------------
# Exclusive-time ranges

class Ranges:
    """A stack of named ranges; a timestamp at every push and pop; each interval between two timestamps is charged to
    the range on top of the stack during it. On CUDA the timestamps are events on the current stream (no sync until
    stop()); on a CPU they are perf_counter readings (the CPU runs synchronously). With `profiler` set, every range is
    also a torch.profiler record_function."""

    def __init__(self, cuda: bool):
        self.cuda = cuda
        self.active = False
        self.profiler = False
        self.stack: List[str] = []
        self.marks: list = []
        self.rf: list = []
        self.labels: set = set()

    def _stamp(self):
        if self.cuda:
            e = torch.cuda.Event(enable_timing=True)
            e.record()
            return e
        return time.perf_counter()

    def push(self, name: str) -> None:
        if not self.active:
            return
        if self.profiler:
            r = torch.profiler.record_function(name)
            r.__enter__()
            self.rf.append(r)
        self.stack.append(name)
        self.labels.add(name)
        self.marks.append((self._stamp(), name))

    def pop(self) -> None:
        if not self.active:
            return
        self.stack.pop()
        self.marks.append((self._stamp(), self.stack[-1] if self.stack else None))
        if self.profiler:
            self.rf.pop().__exit__(None, None, None)

    @contextlib.contextmanager
    def range(self, name: str):
        self.push(name)
        try:
            yield
        finally:
            self.pop()

    def start(self, outer: str) -> None:
        self.active = True
        self.stack = []
        self.marks = []
        self.push(outer)

    def stop(self) -> Dict[str, float]:
        self.pop()
        self.active = False
        if self.cuda:
            torch.cuda.synchronize()
        totals: Dict[str, float] = {}
        for (a, label), (b, _) in zip(self.marks, self.marks[1:]):
            ms = a.elapsed_time(b) if self.cuda else (b - a) * 1000.0
            totals[label] = totals.get(label, 0.0) + ms
        return totals


R: Optional[Ranges] = None

# Part labels, and the categories they add up to.
CATEGORY = {
    "patch embedding (Conv3d)": "patch embedding",
    "linear: self-attn QKV (fused)": "linear layers",
    "linear: self-attn out": "linear layers",
    "linear: cross-attn q": "linear layers",
    "linear: cross-attn kv (fused)": "linear layers",
    "linear: cross-attn out": "linear layers",
    "linear: FFN in": "linear layers",
    "linear: FFN out": "linear layers",
    "linear: proj_out": "linear layers",
    "SDPA self (windows)": "self-attention (SDPA kernel)",
    "window gather (q, k, v index_select)": "window gather/scatter",
    "window scatter (out transpose + owner index_select)": "window gather/scatter",
    "RoPE (q, k)": "RoPE",
    "modulation, LayerNorms, gated residuals": "modulation and norms",
    "RMSNorm q/k (self)": "modulation and norms",
    "RMSNorm q/k (cross)": "modulation and norms",
    "cross-attn SDPA + layout": "cross-attention (SDPA + layout)",
    "FFN GELU": "FFN GELU",
    "self-attn split/views": "DiT other",
    "condition embedder (timestep, prompt projection)": "DiT other",
    "DiT other (RoPE/window tables, final norm, unpatchify)": "DiT other",
    "restorer glue (DiT in/out layout, LQ latents state)": "DiT other",
    "resize in (crop, bilinear x4, /255, pad)": "resize (input)",
    "output: clamp, x255, uint8": "output to uint8",
}


def category(label: str) -> str:
    if label in CATEGORY:
        return CATEGORY[label]
    if label.startswith("ReAE encoder"):
        return "ReAE encoder"
    if label.startswith("ReAE decoder"):
        return "ReAE decoder"
    return "other"


def _hook_module(m: nn.Module, label: str, handles: list) -> None:
    handles.append(m.register_forward_pre_hook(lambda mod, inp: R.push(label)))
    handles.append(m.register_forward_hook(lambda mod, inp, out: R.pop()))


def mfswa_attention_ranged(q, k, v, gather, owner, num_windows: int, window_len: int):
    """swiftvr.dit.mfswa_attention with ranges around its three parts (same operations, same order)."""
    b, seq, heads, head_dim = q.shape
    if num_windows == 1 and window_len == seq:
        with R.range("SDPA self (windows)"):
            o = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2))
        with R.range("window scatter (out transpose + owner index_select)"):
            return o.transpose(1, 2).reshape(b, seq, heads * head_dim)
    shape = [b * num_windows, window_len, heads, head_dim]
    with R.range("window gather (q, k, v index_select)"):
        qw = q.index_select(1, gather).view(shape).transpose(1, 2)
        kw = k.index_select(1, gather).view(shape).transpose(1, 2)
        vw = v.index_select(1, gather).view(shape).transpose(1, 2)
    with R.range("SDPA self (windows)"):
        o = F.scaled_dot_product_attention(qw, kw, vw)
    with R.range("window scatter (out transpose + owner index_select)"):
        o = o.transpose(1, 2).reshape(b, num_windows * window_len, heads * head_dim)
        return o.index_select(1, owner)


@contextlib.contextmanager
def instrumented(model):
    """Installs the ranges on `model` (eager only; removed on exit so that TorchScript and CUDA graphs see the plain
    module)."""
    handles: list = []
    saved = {"mfswa_attention": dit_mod.mfswa_attention, "apply_rope_official": dit_mod.apply_rope_official,
             "apply_rope": dit_mod.apply_rope}

    def rope_wrap(fn):
        def wrapped(x, rot):
            with R.range("RoPE (q, k)"):
                return fn(x, rot)
        return wrapped
    dit_mod.mfswa_attention = mfswa_attention_ranged
    dit_mod.apply_rope_official = rope_wrap(saved["apply_rope_official"])
    dit_mod.apply_rope = rope_wrap(saved["apply_rope"])
    for name in ("preprocess_official", "postprocess_official", "transform_official"):
        fn = getattr(model, name)
        label = {"preprocess_official": "resize in (crop, bilinear x4, /255, pad)",
                 "postprocess_official": "output: clamp, x255, uint8",
                 "transform_official": "restorer glue (DiT in/out layout, LQ latents state)"}[name]

        def wrapped(*a, _fn=fn, _label=label):
            with R.range(_label):
                return _fn(*a)
        setattr(model, name, wrapped)
    d = model.dit
    _hook_module(d, "DiT other (RoPE/window tables, final norm, unpatchify)", handles)
    _hook_module(d.patch_embedding, "patch embedding (Conv3d)", handles)
    _hook_module(d.condition_embedder, "condition embedder (timestep, prompt projection)", handles)
    _hook_module(d.proj_out, "linear: proj_out", handles)
    for blk in d.blocks:
        _hook_module(blk, "modulation, LayerNorms, gated residuals", handles)
        a1, a2, ff = blk.attn1, blk.attn2, blk.ffn
        _hook_module(a1, "self-attn split/views", handles)
        _hook_module(a1.to_qkv, "linear: self-attn QKV (fused)", handles)
        _hook_module(a1.to_out, "linear: self-attn out", handles)
        _hook_module(a1.norm_q, "RMSNorm q/k (self)", handles)
        _hook_module(a1.norm_k, "RMSNorm q/k (self)", handles)
        _hook_module(a2, "cross-attn SDPA + layout", handles)
        _hook_module(a2.to_q, "linear: cross-attn q", handles)
        _hook_module(a2.to_kv, "linear: cross-attn kv (fused)", handles)
        _hook_module(a2.to_out, "linear: cross-attn out", handles)
        _hook_module(a2.norm_q, "RMSNorm q/k (cross)", handles)
        _hook_module(a2.norm_k, "RMSNorm q/k (cross)", handles)
        _hook_module(ff, "FFN GELU", handles)
        _hook_module(ff.proj_in, "linear: FFN in", handles)
        _hook_module(ff.proj_out, "linear: FFN out", handles)
    enc, dec = model.encoder, model.decoder
    _hook_module(enc, "ReAE encoder: pixel_unshuffle, relu", handles)
    _hook_module(enc.conv_in, "ReAE encoder: conv_in", handles)
    _hook_module(enc.conv_out, "ReAE encoder: conv_out", handles)
    for i, st in enumerate(enc.stages):
        _hook_module(st, f"ReAE encoder: stage {i} other", handles)
        _hook_module(st.tpool, f"ReAE encoder: stage {i} TPool", handles)
        _hook_module(st.down, f"ReAE encoder: stage {i} down conv", handles)
        for b in st.blocks:
            _hook_module(b, f"ReAE encoder: stage {i} MemBlocks", handles)
    _hook_module(dec, "ReAE decoder: tanh, relu, pixel_shuffle", handles)
    _hook_module(dec.conv_in, "ReAE decoder: conv_in", handles)
    _hook_module(dec.conv_out, "ReAE decoder: conv_out", handles)
    for i, st in enumerate(dec.stages):
        _hook_module(st, f"ReAE decoder: stage {i} upsample x2", handles)
        _hook_module(st.tgrow, f"ReAE decoder: stage {i} TGrow", handles)
        _hook_module(st.conv, f"ReAE decoder: stage {i} conv 3x3", handles)
        for b in st.blocks:
            _hook_module(b, f"ReAE decoder: stage {i} MemBlocks", handles)
    try:
        yield
    finally:
        for h in handles:
            h.remove()
        for name in ("preprocess_official", "postprocess_official", "transform_official"):
            delattr(model, name)
        for k, v in saved.items():
            setattr(dit_mod, k, v)


# ----------------------------------------------------------------------------------------------------------------
# The stream

class Stream:
    """A carried official-protocol stream at one output size: random uint8 LQ frames on the device, the 20 states."""

    def __init__(self, model, out_w: int, out_h: int, device, scale: int = 4):
        self.model = model
        self.out_w, self.out_h = out_w, out_h
        self.in_w, self.in_h = out_w // scale, out_h // scale
        self.device = device
        g = torch.Generator(device=device).manual_seed(out_w)
        self.clip = (torch.rand(FIRST_CHUNK_FRAMES + CHUNK_FRAMES, self.in_h, self.in_w, 3, device=device,
                                generator=g) * 255).to(torch.uint8)
        self.size = torch.tensor([out_h, out_w])
        self.flag = torch.tensor([0])
        self.reset()

    def reset(self) -> None:
        self.states = [torch.empty(0, device=self.device) for _ in range(OFFICIAL_STATE_TENSORS)]
        self.pos = 0      # stream position (frames), gives the latent offset

    def frames(self, n: int):
        k = (self.pos // CHUNK_FRAMES) % 2     # alternate between two different windows of the clip
        return self.clip[k * 4:k * 4 + n]

    def step(self, module: Optional[Callable] = None):
        """One chunk: 28 frames at the stream's start, else 24 (flags 0). Returns the output frames."""
        n = FIRST_CHUNK_FRAMES if self.pos == 0 else CHUNK_FRAMES
        m = module if module is not None else self.model
        res = m(self.frames(n), self.size, torch.tensor([self.pos // 4, 0]), self.flag, *self.states)
        self.states = list(res[1:])
        self.pos += n
        return res[0]


def sync(device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def timed_chunks(stream: Stream, n: int, warm: int, module=None, step: Optional[Callable] = None) -> dict:
    """`warm` untimed chunks, then `n` timed ones (ms each, CUDA events / perf_counter); peak memory of the timed ones."""
    dev = stream.device
    run = step if step is not None else (lambda: stream.step(module))
    if stream.pos == 0:
        run()            # the 28-frame first chunk is never timed
    for _ in range(warm):
        run()
    sync(dev)
    if dev.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    times = []
    for _ in range(n):
        if dev.type == "cuda":
            a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            a.record()
            run()
            b.record()
            torch.cuda.synchronize()
            times.append(a.elapsed_time(b))
        else:
            t = time.perf_counter()
            run()
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    mean = sum(times) / len(times)
    r = {"ms_mean": mean, "ms_min": times[0], "ms_max": times[-1], "ms_median": times[len(times) // 2],
         "fps": CHUNK_FRAMES * 1000.0 / mean, "chunks": n}
    if dev.type == "cuda":
        r["peak_alloc_gib"] = torch.cuda.max_memory_allocated() / 2 ** 30
        r["peak_reserved_gib"] = torch.cuda.max_memory_reserved() / 2 ** 30
        free, total = torch.cuda.mem_get_info()
        r["device_used_gib_after"] = (total - free) / 2 ** 30
    return r


def fmt_timing(r: dict) -> str:
    s = f"{r['ms_mean']:.1f} ms/chunk (min {r['ms_min']:.1f}, max {r['ms_max']:.1f}, n {r['chunks']}) = {r['fps']:.2f} FPS"
    if "peak_alloc_gib" in r:
        s += f", peak alloc {r['peak_alloc_gib']:.2f} GiB, reserved {r['peak_reserved_gib']:.2f} GiB"
    return s


# ----------------------------------------------------------------------------------------------------------------
# Parts, profiler, options

def parts_profile(stream: Stream, chunks: int) -> dict:
    """Exclusive ms per part, averaged over `chunks` steady-state chunks."""
    acc: Dict[str, float] = {}
    totals = []
    with instrumented(stream.model):
        stream.step()                       # warm chunk with the hooks in place
        sync(stream.device)
        for _ in range(chunks):
            R.start("restorer glue (DiT in/out layout, LQ latents state)")
            stream.step()
            parts = R.stop()
            totals.append(sum(parts.values()))
            for k, v in parts.items():
                acc[k] = acc.get(k, 0.0) + v / chunks
    return {"parts": acc, "total_ms": sum(totals) / len(totals)}


def print_parts(res: str, pp: dict, plain_ms: float) -> None:
    parts, total = pp["parts"], pp["total_ms"]
    log(f"\n### Parts at {res}: instrumented chunk {total:.1f} ms (uninstrumented {plain_ms:.1f} ms, "
        f"instrumentation +{100 * (total / plain_ms - 1):.1f}%)")
    cats: Dict[str, float] = {}
    for k, v in parts.items():
        cats[category(k)] = cats.get(category(k), 0.0) + v
    log("| category | ms per 24-frame chunk | % |")
    log("|---|---|---|")
    for k, v in sorted(cats.items(), key=lambda kv: -kv[1]):
        log(f"| {k} | {v:.1f} | {100 * v / total:.1f} |")
    log(f"| total | {total:.1f} | 100 |")
    log("")
    log("| part (exclusive) | category | ms per chunk | % |")
    log("|---|---|---|---|")
    for k, v in sorted(parts.items(), key=lambda kv: -kv[1]):
        log(f"| {k} | {category(k)} | {v:.2f} | {100 * v / total:.1f} |")


KERNEL_CLASSES = (   # (class, substrings of the kernel name), first match wins
    ("SDPA (attention kernels)", ("sdpa", "flash", "fmha", "attention")),
    ("conv (cuDNN)", ("fprop", "implicit_gemm", "conv", "nchwtonhwc", "nhwctonchw", "dgrad", "winograd")),
    ("GEMM (linear layers)", ("nvjet", "gemm", "cutlass", "cublas")),
    ("layer_norm", ("layer_norm",)),
    ("fused elementwise (TorchScript fuser / Triton)", ("fused", "triton")),
    ("upsample", ("upsample",)),
    ("index_select (window gather/scatter)", ("index", "gather")),
    ("cat", ("catarray",)),
    ("copies, dtype casts, layout changes", ("copy", "memcpy", "memset")),
    ("reductions", ("reduce",)),
    ("elementwise (unfused)", ("elementwise",)),
)


def kernel_class(name: str) -> str:
    n = name.lower()
    for cls, keys in KERNEL_CLASSES:
        if any(k in n for k in keys):
            return cls
    return "other"


def profiler_chunk(stream: Stream, out_dir: str, tag: str, step: Optional[Callable] = None, ranges: bool = True) -> dict:
    """One steady-state chunk under torch.profiler (CPU + CUDA activity; with `ranges`, the eager module's ranges as
    record_function): GPU time by kernel class and the top kernels, kernel time against the chunk's time (how busy
    the GPU is), and a gzipped trace."""
    from torch.profiler import ProfilerActivity, profile
    cuda = stream.device.type == "cuda"
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if cuda else [])
    run = step if step is not None else stream.step
    info: dict = {}
    ctx = instrumented(stream.model) if ranges else contextlib.nullcontext()
    with ctx:
        run()
        sync(stream.device)
        with profile(activities=acts) as prof:
            R.profiler = ranges
            R.start("restorer glue (DiT in/out layout, LQ latents state)")
            run()
            parts = R.stop()
            R.profiler = False
    info["event_total_ms"] = sum(parts.values())
    try:
        from torch.autograd import DeviceType
        kern: Dict[str, list] = {}
        busy_us = 0.0
        for e in prof.events():
            if getattr(e, "device_type", None) == DeviceType.CUDA and e.name not in R.labels:
                d = e.time_range.elapsed_us()
                busy_us += d
                k = kern.setdefault(e.name, [0, 0.0])
                k[0] += 1
                k[1] += d
        busy = busy_us / 1000.0
        info["kernel_busy_ms"] = busy
        classes: Dict[str, float] = {}
        for n, (c, us) in kern.items():
            classes[kernel_class(n)] = classes.get(kernel_class(n), 0.0) + us / 1000.0
        info["kernel_classes_ms"] = classes
        top = sorted(kern.items(), key=lambda kv: -kv[1][1])[:25]
        info["top_kernels"] = [(n[:200], c, us / 1000.0, kernel_class(n)) for n, (c, us) in top]
        total = max(info["event_total_ms"], 1e-9)
        log(f"\n### torch.profiler, one chunk, {tag}: GPU activity (kernels, copies, memsets) {busy:.1f} ms within "
            f"{total:.1f} ms of the chunk (CUDA events, profiled): {100 * busy / total:.1f}% busy")
        log("| kernel class | ms per chunk | % of the chunk |")
        log("|---|---|---|")
        for n, ms in sorted(classes.items(), key=lambda kv: -kv[1]):
            log(f"| {n} | {ms:.1f} | {100 * ms / total:.1f} |")
        log(f"| GPU idle (chunk time - GPU activity) | {total - busy:.1f} | {100 * (total - busy) / total:.1f} |")
        log("")
        log("| kernel | class | launches | ms | % of the chunk |")
        log("|---|---|---|---|---|")
        for n, c, ms, cls in info["top_kernels"]:
            log(f"| `{n[:100]}` | {cls} | {c} | {ms:.2f} | {100 * ms / total:.1f} |")
    except Exception as e:       # the profiler's structures change between versions: keep the run going
        log(f"profiler kernel table failed: {type(e).__name__}: {e}")
    try:
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in tag)
        path = os.path.join("/tmp", f"trace-{safe}.json")
        prof.export_chrome_trace(path)
        gz = os.path.join(out_dir, f"trace-{safe}.json.gz")
        with open(path, "rb") as f, gzip.open(gz, "wb", compresslevel=6) as g:
            shutil.copyfileobj(f, g)
        if os.path.getsize(gz) > 15 * 2 ** 20:
            os.remove(gz)
            log(f"trace {tag}: over 15 MiB gzipped, not kept")
        else:
            log(f"trace {tag}: {gz} ({os.path.getsize(gz) / 2 ** 20:.1f} MiB)")
    except Exception as e:
        log(f"trace export failed: {type(e).__name__}: {e}")
    return info


def compare_steps(stream: Stream, step_a: Callable, step_b: Callable) -> dict:
    """The same chunk (same frames, same states) through two step functions: PSNR (dB) and max abs of b's uint8
    output against a's."""
    states = [x.clone() for x in stream.states]
    pos = stream.pos
    a = step_a().float()
    stream.states, stream.pos = [x.clone() for x in states], pos
    b = step_b().float()
    stream.states, stream.pos = states, pos + CHUNK_FRAMES
    mse = ((a - b) ** 2).mean().item()
    psnr = float("inf") if mse == 0 else 10 * __import__("math").log10(255.0 ** 2 / mse)
    return {"psnr_db": psnr, "max_abs_u8": (a - b).abs().max().item(),
            "differing_values_pct": 100.0 * (a != b).float().mean().item()}


def set_layout(model, channels_last: bool) -> None:
    if channels_last:
        use_channels_last(model)
        return
    model.channels_last = False
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                m.weight.data = m.weight.data.contiguous()


def ts_ab(model, st: Stream, chunks: int, order: List[str], cuda: bool) -> dict:
    """TorchScript with the ReAE channels-last against NCHW, in rounds on the same carried stream (default order
    cl, nchw, nchw, cl: a linear drift of the card cancels out). Both scripted modules share the model's weights, so
    each round sets their layout first. Each round: 2 untimed chunks (3 on a module's first use: the profiling
    executor), `chunks` timed, peak memory of its timed chunks after empty_cache(). Then one chunk through each (same
    frames, same states): PSNR of NCHW's uint8 output against channels-last's."""
    scripted = {}
    for lay in ("cl", "nchw"):
        set_layout(model, lay == "cl")
        t = time.time()
        scripted[lay] = torch.jit.script(model)
        log(f"[ts_ab] scripted ({lay}) in {time.time() - t:.1f} s")
    rounds, used = [], set()
    for lay in order:
        set_layout(model, lay == "cl")
        if cuda:
            torch.cuda.empty_cache()
        r = timed_chunks(st, chunks, warm=2 if lay in used else 3, module=scripted[lay])
        used.add(lay)
        r["layout"] = lay
        rounds.append(r)
        log(f"[ts_ab] round {len(rounds)} TorchScript, ReAE {'channels-last' if lay == 'cl' else 'NCHW'}: {fmt_timing(r)}")
    res: dict = {"rounds": rounds}
    by = {lay: [r for r in rounds if r["layout"] == lay] for lay in ("cl", "nchw")}
    if by["cl"] and by["nchw"]:
        ms = {lay: sum(r["ms_mean"] for r in rs) / len(rs) for lay, rs in by.items()}
        gain = ms["cl"] / ms["nchw"] - 1                    # FPS of NCHW over channels-last
        worst = min(a["ms_mean"] for a in by["cl"]) / max(b["ms_mean"] for b in by["nchw"]) - 1
        noise = max((max(r["ms_mean"] for r in rs) / min(r["ms_mean"] for r in rs) - 1) for rs in by.values())
        res.update(ms_cl=ms["cl"], ms_nchw=ms["nchw"], fps_cl=CHUNK_FRAMES * 1000 / ms["cl"],
                   fps_nchw=CHUNK_FRAMES * 1000 / ms["nchw"], nchw_gain=gain, nchw_gain_worst_pair=worst,
                   same_layout_round_spread=noise)
        if cuda:
            res["peak_alloc_gib_cl"] = max(r["peak_alloc_gib"] for r in by["cl"])
            res["peak_alloc_gib_nchw"] = max(r["peak_alloc_gib"] for r in by["nchw"])
            res["peak_reserved_gib_cl"] = max(r["peak_reserved_gib"] for r in by["cl"])
            res["peak_reserved_gib_nchw"] = max(r["peak_reserved_gib"] for r in by["nchw"])
        log(f"[ts_ab] channels-last {ms['cl']:.1f} ms ({res['fps_cl']:.2f} FPS), NCHW {ms['nchw']:.1f} ms "
            f"({res['fps_nchw']:.2f} FPS): NCHW {100 * gain:+.2f}% FPS (worst pair of rounds {100 * worst:+.2f}%); "
            f"spread between rounds of one layout {100 * noise:.2f}%")

        def step_in(lay):
            def f():
                set_layout(model, lay == "cl")
                return st.step(scripted[lay])
            return f
        c = compare_steps(st, step_in("cl"), step_in("nchw"))
        res["nchw_vs_cl"] = c
        log(f"[ts_ab] NCHW against channels-last, one chunk: PSNR {c['psnr_db']:.2f} dB, max abs {c['max_abs_u8']:.0f}, "
            f"{c['differing_values_pct']:.2f}% of uint8 values differ")
    set_layout(model, True)
    del scripted
    if cuda:
        torch.cuda.empty_cache()
    return res


def graph_step_factory(stream: Stream):
    """A CUDA graph of one 24-frame middle chunk (restore_official with fixed shapes): static input frames and static
    states (the graph copies its new states into them at its end). For timing only: the chunk's latent offset (RoPE's
    temporal coordinate) is frozen at capture; a real use would pass the RoPE table in as a static input. Window index
    tensors are built once before capture (window_partition copies host lists to the device, which capture forbids)."""
    model = stream.model
    cache: dict = {}
    orig = dit_mod.window_partition

    def cached(*a):
        key = tuple(str(x) for x in a)
        if key not in cache:
            cache[key] = orig(*a)
        return cache[key]
    dit_mod.window_partition = cached
    static_frames = stream.frames(CHUNK_FRAMES).clone()
    static_states = [s.clone() for s in stream.states]
    t_fixed = stream.pos // 4
    h, w = stream.out_h, stream.out_w

    def body():
        out, new = model.restore_official(static_frames, h, w, t_fixed, 0, False, static_states)
        for a, b in zip(static_states, new):
            if a.data_ptr() != b.data_ptr():
                a.copy_(b)
        return out
    with torch.no_grad():
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            body()                       # fills the window cache, cuDNN plans for these shapes
        torch.cuda.current_stream().wait_stream(side)
        torch.cuda.synchronize()
        torch.cuda.empty_cache()         # the side stream's cached blocks, else the graph's pool comes on top of them
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g):
            static_out = body()
    torch.cuda.synchronize()

    def step():
        static_frames.copy_(stream.frames(CHUNK_FRAMES))
        g.replay()
        stream.pos += CHUNK_FRAMES
        return static_out

    def release():
        dit_mod.window_partition = orig
    return step, release, g


def host_copies(stream: Stream, out_frames) -> dict:
    """The copies around one 24-frame chunk as separate measurements (ms): uint8 input host -> device, uint8 output
    device -> host, pageable (fresh tensor, as .cpu()) and pinned (into a page-locked buffer allocated once)."""
    r = {}
    x_host = stream.frames(CHUNK_FRAMES).cpu()
    x_pinned = x_host.pin_memory()
    out = out_frames
    o_pinned = torch.empty(out.shape, dtype=out.dtype, pin_memory=True)

    def t(fn, reps=3):
        fn()
        torch.cuda.synchronize()
        ts = []
        for _ in range(reps):
            s = time.perf_counter()
            fn()
            torch.cuda.synchronize()
            ts.append((time.perf_counter() - s) * 1000)
        return sorted(ts)[reps // 2]
    r["input_bytes"] = x_host.numel()
    r["output_bytes"] = out.numel()
    r["h2d_pageable_ms"] = t(lambda: x_host.to(stream.device))
    r["h2d_pinned_ms"] = t(lambda: x_pinned.to(stream.device, non_blocking=True))
    r["d2h_pageable_fresh_ms"] = t(lambda: out.cpu())
    r["d2h_pinned_ms"] = t(lambda: o_pinned.copy_(out, non_blocking=True))
    del x_pinned, o_pinned
    return r


# ----------------------------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    global R
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default="official")
    p.add_argument("--device", default="cuda")
    p.add_argument("--resolutions", nargs="+", default=["2560x1440", "3840x2160"])
    p.add_argument("--chunks", type=int, default=3, help="timed steady-state chunks per option")
    p.add_argument("--part-chunks", type=int, default=2, help="instrumented chunks averaged for the part table")
    p.add_argument("--options", default="baseline,cudnn,flash,efficient,baseline2,nchw,graph,profiler,copies,torchscript",
                   help="which steps to run, in this order per resolution (torchscript: at the end, every resolution)")
    p.add_argument("--deadline", type=float, default=560.0, help="seconds from start: later steps are skipped")
    p.add_argument("--out", default="/tmp/profile-out")
    p.add_argument("--ab-order", default="cl,nchw,nchw,cl",
                   help="ts_ab: the rounds, in order (cl: channels-last ReAE, nchw: NCHW ReAE)")
    p.add_argument("--compile-profile", action="store_true", help="profile a compiled chunk at every resolution")
    args = p.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    dev = torch.device(args.device)
    cuda = dev.type == "cuda"
    R = Ranges(cuda)
    opts = args.options.split(",")
    results: dict = {"argv": sys.argv, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                     "torch": torch.__version__, "config": args.config, "resolutions": {}}
    if cuda:
        props = torch.cuda.get_device_properties(0)
        results.update(gpu=props.name, gpu_mem_gib=props.total_memory / 2 ** 30, cuda=torch.version.cuda,
                       cudnn=torch.backends.cudnn.version())
        log(f"{results['date']}  GPU {props.name} ({props.total_memory / 2 ** 30:.1f} GiB, {props.multi_processor_count} SMs)"
            f"  torch {torch.__version__}  CUDA {torch.version.cuda}  cuDNN {torch.backends.cudnn.version()}")
        torch.backends.cudnn.benchmark = True     # as the JNI runs it (bench_gpu.py --torchscript does the same)
    else:
        log(f"{results['date']}  CPU  torch {torch.__version__}")

    def left() -> float:
        return args.deadline - (time.time() - T0)

    t = time.time()
    cfg = preset(args.config)
    if cfg.detail is not None:       # tiny (rehearsals): the official protocol is for networks without a detail path
        cfg = dataclasses.replace(cfg, name=cfg.name + "-official", detail=None)
    model = build_restorer(cfg, seed=0, device=dev, protocol="official")   # float32, calibrated
    model = use_channels_last(model.to(torch.bfloat16)).eval()
    for prm in model.parameters():
        prm.requires_grad_(False)
    if cuda:
        torch.cuda.empty_cache()
    n_params = sum(q.numel() for q in model.parameters())
    log(f"config {args.config} (OfficialRestorer, protocol official, bfloat16, channels-last ReAE): "
        f"{n_params / 1e9:.3f} B parameters, built in {time.time() - t:.1f} s"
        + (f", weights {torch.cuda.memory_allocated() / 2 ** 30:.2f} GiB" if cuda else ""))
    results["params_b"] = n_params / 1e9

    from torch.nn.attention import SDPBackend, sdpa_kernel
    if cuda:
        try:      # which SDPA backend PyTorch picks by default for the self-attention's window shapes
            hd = cfg.dit.head_dim
            q = torch.randn(4, cfg.dit.num_heads, 6 * 16 * 16, hd, device=dev, dtype=torch.bfloat16)
            qs = q.transpose(1, 2).contiguous().transpose(1, 2)      # [B, heads, L, hd] view of [B, L, heads, hd]
            choice = torch._fused_sdp_choice(qs, qs, qs)
            log(f"default SDPA choice for windows [4, {cfg.dit.num_heads}, {6 * 16 * 16}, {hd}] bf16: "
                f"{SDPBackend(choice).name}")
            results["default_sdpa_choice"] = SDPBackend(choice).name
            del q, qs
        except Exception as e:
            log(f"default SDPA choice unknown: {type(e).__name__}: {e}")
    backends = {"cudnn": SDPBackend.CUDNN_ATTENTION, "flash": SDPBackend.FLASH_ATTENTION,
                "efficient": SDPBackend.EFFICIENT_ATTENTION}
    streams = {}
    with torch.no_grad():
        for res in args.resolutions:
            w, h = (int(v) for v in res.lower().split("x"))
            rr: dict = {"options": {}}
            results["resolutions"][res] = rr
            log(f"\n## {res} (LQ input {w // 4}x{h // 4}), {left():.0f} s left")
            st = Stream(model, w, h, dev)
            streams[res] = st
            t = time.time()
            last_out = None
            try:
                last_out = st.step()
                st.step()
                st.step()
                sync(dev)
                rr["warmup_s"] = time.time() - t
                log(f"warm-up: 28 + 24 + 24 frames in {rr['warmup_s']:.1f} s")
            except torch.cuda.OutOfMemoryError as e:
                log(f"OOM in warm-up: {str(e).splitlines()[0][:200]}")
                rr["oom"] = True
                continue
            plain_ms = None
            for opt in opts:
                if opt == "torchscript":
                    continue
                if left() < (150 if opt.startswith("compile") else 60 if opt == "ts_ab" else 20):
                    log(f"[{opt}] skipped: {left():.0f} s left")
                    continue
                t = time.time()
                try:
                    if opt in ("baseline", "baseline2"):
                        r = timed_chunks(st, args.chunks, warm=0)
                        rr["options"][opt] = r
                        plain_ms = plain_ms or r["ms_mean"]
                        log(f"[{opt}] default SDPA choice, channels-last ReAE: {fmt_timing(r)}")
                        if opt == "baseline":
                            pp = parts_profile(st, args.part_chunks)
                            rr["parts"] = pp
                            print_parts(res, pp, r["ms_mean"])
                    elif opt in backends:
                        if not cuda:
                            log(f"[{opt}] skipped on CPU")
                            continue
                        with sdpa_kernel([backends[opt]]):
                            r = timed_chunks(st, args.chunks, warm=1)
                        rr["options"][opt] = r
                        log(f"[{opt}] SDPA {opt} only: {fmt_timing(r)}")
                    elif opt == "nchw":
                        set_layout(model, False)
                        try:
                            if cuda:
                                torch.cuda.empty_cache()
                            r = timed_chunks(st, args.chunks, warm=1)
                        finally:
                            set_layout(model, True)
                        rr["options"][opt] = r
                        log(f"[nchw] ReAE in NCHW (contiguous) instead of channels-last: {fmt_timing(r)}")
                        st.step()          # back to channels-last kernels before the next option
                    elif opt == "graph":
                        if not cuda:
                            log("[graph] skipped on CPU")
                            continue
                        torch.cuda.empty_cache()
                        step, release, g = graph_step_factory(st)
                        try:
                            log(f"[graph] captured in {time.time() - t:.1f} s")
                            r = timed_chunks(st, args.chunks, warm=1, step=step)
                        finally:
                            release()
                            del g, step
                            torch.cuda.empty_cache()
                        rr["options"][opt] = r
                        log(f"[graph] one CUDA graph per 24-frame chunk (RoPE offset frozen): {fmt_timing(r)}")
                    elif opt == "profiler":
                        rr["profiler"] = profiler_chunk(st, args.out, f"eager-{res}")
                    elif opt in ("ts", "ts_nchw"):
                        nchw = opt == "ts_nchw"
                        if nchw:
                            set_layout(model, False)
                        try:
                            scripted = torch.jit.script(model)
                            r = timed_chunks(st, args.chunks, warm=3, module=scripted)
                            rr["options"][opt] = r
                            log(f"[{opt}] TorchScript, ReAE {'NCHW' if nchw else 'channels-last'}: {fmt_timing(r)}")
                            c = compare_steps(st, st.step, lambda: st.step(scripted))
                            r["vs_eager_same_layout"] = c
                            log(f"[{opt}] output against the eager module (same layout, chunk, states): PSNR "
                                f"{c['psnr_db']:.2f} dB, max abs {c['max_abs_u8']:.0f}")
                            rr["profiler_" + opt] = profiler_chunk(st, args.out, f"{opt}-{res}",
                                                                   step=lambda: st.step(scripted), ranges=False)
                        finally:
                            if nchw:
                                set_layout(model, True)
                            scripted = None
                        st.step()
                    elif opt == "ts_ab":
                        rr["ts_ab"] = ts_ab(model, st, args.chunks, args.ab_order.split(","), cuda)
                    elif opt == "nchw_check":
                        def eager_nchw():
                            set_layout(model, False)
                            try:
                                return st.step()
                            finally:
                                set_layout(model, True)
                        st.step()
                        c = compare_steps(st, st.step, eager_nchw)
                        rr["nchw_vs_cl"] = c
                        log(f"[nchw_check] NCHW against channels-last, one chunk: PSNR {c['psnr_db']:.2f} dB, max abs "
                            f"{c['max_abs_u8']:.0f}, {c['differing_values_pct']:.1f}% of uint8 values differ")
                        set_layout(model, False)
                        try:
                            pp = parts_profile(st, 1)
                        finally:
                            set_layout(model, True)
                        rr["parts_nchw"] = pp
                        reae = {k: v for k, v in pp["parts"].items() if k.startswith("ReAE")}
                        log(f"ReAE parts in NCHW at {res} (ms per chunk; channels-last in the baseline table):")
                        for k, v in sorted(reae.items(), key=lambda kv: -kv[1])[:14]:
                            log(f"  {k}: {v:.2f}")
                        st.step()
                    elif opt in ("compile_dit", "compile_all", "compile_all_nchw"):
                        nchw = opt == "compile_all_nchw"
                        if not hasattr(torch, "compile"):
                            continue
                        import torch._dynamo as dynamo
                        for knob in ("cache_size_limit", "recompile_limit", "accumulated_cache_size_limit",
                                     "accumulated_recompile_limit"):
                            if hasattr(dynamo.config, knob):
                                setattr(dynamo.config, knob, 256)
                        mods = list(model.dit.blocks)
                        if opt != "compile_dit":
                            mods += [model.encoder, model.decoder]
                        if nchw:
                            set_layout(model, False)
                        st.step()
                        saved_states = [x.clone() for x in st.states]
                        saved_pos = st.pos
                        eager_out = st.step().float()
                        for m in mods:
                            m.compile(dynamic=False)
                        try:
                            t1 = time.time()
                            st.step()
                            sync(dev)
                            log(f"[{opt}] first compiled chunk (compilation) {time.time() - t1:.1f} s")
                            r = timed_chunks(st, args.chunks, warm=1)
                            rr["options"][opt] = r
                            log(f"[{opt}] torch.compile (default mode, static shapes) of "
                                f"{'the 30 DiT blocks' if opt == 'compile_dit' else 'the 30 DiT blocks, the ReAE encoder and decoder'}"
                                f"{', ReAE in NCHW' if nchw else ''}"
                                f": {fmt_timing(r)}")
                            after = st.states
                            st.states, st.pos = saved_states, saved_pos
                            comp_out = st.step().float()
                            st.states = after
                            mse = ((eager_out - comp_out) ** 2).mean().item()
                            psnr = float("inf") if mse == 0 else 10 * __import__("math").log10(255.0 ** 2 / mse)
                            r["psnr_vs_eager_db"] = psnr
                            r["max_abs_u8_vs_eager"] = (eager_out - comp_out).abs().max().item()
                            log(f"[{opt}] output against eager (same chunk, same states): PSNR {psnr:.2f} dB, "
                                f"max abs {r['max_abs_u8_vs_eager']:.0f}")
                            if opt == "compile_all" and res == args.resolutions[-1] or args.compile_profile:
                                rr["profiler_" + opt] = profiler_chunk(st, args.out, f"{opt}-{res}", ranges=False)
                        finally:
                            for m in mods:
                                m.__dict__.pop("_compiled_call_impl", None)   # the class default (None): scriptable again
                            if nchw:
                                set_layout(model, True)
                            del eager_out
                    elif opt == "copies":
                        if not cuda:
                            log("[copies] skipped on CPU")
                            continue
                        out = st.step()
                        c = host_copies(st, out)
                        rr["host_copies"] = c
                        log(f"[copies] input {c['input_bytes'] / 2 ** 20:.1f} MiB H2D: pageable {c['h2d_pageable_ms']:.2f} ms, "
                            f"pinned {c['h2d_pinned_ms']:.2f} ms; output {c['output_bytes'] / 2 ** 20:.1f} MiB D2H: "
                            f"pageable fresh {c['d2h_pageable_fresh_ms']:.2f} ms, pinned {c['d2h_pinned_ms']:.2f} ms")
                        del out
                    else:
                        log(f"[{opt}] unknown option")
                except torch.cuda.OutOfMemoryError as e:
                    rr["options"][opt] = {"error": "OOM " + str(e).splitlines()[0][:200]}
                    log(f"[{opt}] OOM: {str(e).splitlines()[0][:200]}")
                    torch.cuda.empty_cache()
                except Exception as e:
                    rr["options"][opt] = {"error": f"{type(e).__name__}: {str(e).splitlines()[0][:300] if str(e) else ''}"}
                    log(f"[{opt}] failed: {type(e).__name__}: {str(e)[:500]}")
                    if cuda:
                        torch.cuda.synchronize()
                        torch.cuda.empty_cache()
                log(f"  ({opt}: {time.time() - t:.1f} s wall, {left():.0f} s left)")
                with open(os.path.join(args.out, "profile.json"), "w") as f:
                    json.dump(results, f, indent=1, default=str)
            del st, last_out
            streams[res] = None
            if cuda:
                torch.cuda.empty_cache()

        if "torchscript" in opts:
            t = time.time()
            try:
                scripted = torch.jit.script(model)
                log(f"\n## TorchScript (torch.jit.script of the same module, the code a bundle holds) scripted in "
                    f"{time.time() - t:.1f} s")
                for res in args.resolutions:
                    if left() < 40:
                        log(f"[torchscript {res}] skipped: {left():.0f} s left")
                        continue
                    w, h = (int(v) for v in res.lower().split("x"))
                    st = Stream(model, w, h, dev)
                    try:
                        r = timed_chunks(st, args.chunks, warm=3, module=scripted)
                        results["resolutions"][res]["options"]["torchscript"] = r
                        log(f"[torchscript {res}] {fmt_timing(r)}")
                    except torch.cuda.OutOfMemoryError as e:
                        log(f"[torchscript {res}] OOM: {str(e).splitlines()[0][:200]}")
                    del st
                    if cuda:
                        torch.cuda.empty_cache()
            except Exception as e:
                log(f"[torchscript] failed: {type(e).__name__}: {str(e)[:500]}")

    # summary table
    log("\n## FPS per option (24-frame steady-state chunks, model only, input already on the device)")
    log("| output | option | ms per chunk (mean) | min–max | FPS | vs baseline | peak allocated GiB |")
    log("|---|---|---|---|---|---|---|")
    for res, rr in results["resolutions"].items():
        base = rr.get("options", {}).get("baseline", {}).get("fps")
        for opt, r in rr.get("options", {}).items():
            if "error" in r:
                log(f"| {res} | {opt} | {r['error'][:80]} | | | | |")
                continue
            rel = f"{100 * (r['fps'] / base - 1):+.1f}%" if base else ""
            log(f"| {res} | {opt} | {r['ms_mean']:.1f} | {r['ms_min']:.1f}–{r['ms_max']:.1f} | {r['fps']:.2f} | {rel} "
                f"| {r.get('peak_alloc_gib', float('nan')):.2f} |")
    ab = {res: rr["ts_ab"] for res, rr in results["resolutions"].items() if rr.get("ts_ab", {}).get("rounds")}
    if ab:
        log("\n## TorchScript, ReAE channels-last against NCHW (ts_ab; rounds on one carried stream)")
        log("| output | round | ReAE | ms per chunk (mean) | min–max | FPS | peak allocated / reserved GiB |")
        log("|---|---|---|---|---|---|---|")
        for res, a in ab.items():
            for i, r in enumerate(a["rounds"], 1):
                log(f"| {res} | {i} | {r['layout']} | {r['ms_mean']:.1f} | {r['ms_min']:.1f}–{r['ms_max']:.1f} | "
                    f"{r['fps']:.2f} | {r.get('peak_alloc_gib', float('nan')):.2f} / "
                    f"{r.get('peak_reserved_gib', float('nan')):.2f} |")
            if "nchw_gain" in a:
                log(f"| {res} | NCHW vs channels-last | | | | {100 * a['nchw_gain']:+.2f}% (worst pair "
                    f"{100 * a['nchw_gain_worst_pair']:+.2f}%, spread of one layout {100 * a['same_layout_round_spread']:.2f}%) | |")
    results["wall_s"] = time.time() - T0
    with open(os.path.join(args.out, "profile.json"), "w") as f:
        json.dump(results, f, indent=1, default=str)
    with open(os.path.join(args.out, "profile-summary.md"), "w") as f:
        f.write("\n".join(LOG_LINES) + "\n")
    log(f"done in {results['wall_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
