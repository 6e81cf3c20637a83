"""FP8 linear layers for the DiT (issue 28), measured and not shipped: no bundle variant is exported with them.

The DiT's linear layers are a third of the official network's chunk on an H100 and already run at ~98% of the
card's bfloat16 peak (docs/speed-profile.md): only a narrower number format makes them cheaper. Fp8Linear keeps the
weight in float8 e4m3 with one scale per output channel (set once, from the weight's largest magnitude per row) and
quantises each activation row with its own scale on the fly; `torch._scaled_mm` multiplies the two in FP8 and writes
the layer's dtype (Hopper's row-wise scaled FP8 GEMM; libtorch's CPU kernel where there is no GPU). It scripts like
the rest of the module.

Why it is not a bundle variant (H100, 2026-12-06, docs/benchmarks-gpu.md "Issue 28"): run as TorchScript runs it,
the activation's scale, division and cast are separate kernels around each product, and the official network went
from 34.83 to 27.83 FPS at 2560x1440 (swiftvr.bench_gpu --variants bf16 fp8). Fused by torch.compile the seven
layers of a block take 0.88 of their bfloat16 time (swiftvr.bench_fp8), about 5% of a chunk, for an output that is
no longer the release's. The module stays for those two benchmarks and for whoever takes FP8 into the compiled
package (swiftvr.compiled), the one place where the quantisation would be fused.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

E4M3_MAX = 448.0   # largest finite float8 e4m3fn value


class Fp8Linear(nn.Module):
    """nn.Linear with its weight in float8 e4m3 (row-wise scales) and activations quantised per row."""

    def __init__(self, linear: nn.Linear):
        super().__init__()
        w = linear.weight.detach().float()
        scale = w.abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / E4M3_MAX          # [out, 1]
        self.register_buffer("weight_fp8", (w / scale).to(torch.float8_e4m3fn).contiguous())
        self.register_buffer("weight_scale", scale.t().contiguous())                     # [1, out] float32
        self.bias = None if linear.bias is None else nn.Parameter(linear.bias.detach().clone(), requires_grad=False)
        self.out_features = linear.out_features
        self.e4m3_max = E4M3_MAX   # an attribute: TorchScript does not read module-level floats

    def _apply(self, fn, recurse=True):
        # Module.to(dtype), which the export applies to the whole restorer, converts every floating-point buffer:
        # the FP8 weight and its float32 scales keep their dtype and only follow the device.
        kept = dict(self._buffers)
        super()._apply(fn, recurse)
        for name, before in kept.items():
            after = self._buffers[name]
            if after is not None and before is not None and after.dtype != before.dtype:
                self._buffers[name] = before.to(after.device)
        return self

    def forward(self, x: Tensor) -> Tensor:
        rows = x.reshape(-1, x.size(-1))
        scale = rows.abs().amax(dim=1, keepdim=True).float().clamp(min=1e-12) / self.e4m3_max  # [rows, 1]
        q = (rows.float() / scale).to(torch.float8_e4m3fn)
        # the weight as the column-major right operand the FP8 GEMM wants: a transposed view, no copy
        y = torch._scaled_mm(q, self.weight_fp8.t(), scale_a=scale, scale_b=self.weight_scale,
                             out_dtype=x.dtype)
        bias = self.bias
        if bias is not None:
            y = y + bias
        shape = list(x.shape[:-1])
        shape.append(self.out_features)
        return y.view(shape)


def use_fp8_linears(model: nn.Module) -> int:
    """Replaces every nn.Linear inside the DiT's blocks (attention, cross-attention and FFN projections; not the
    small condition embedder or the output projection) with an Fp8Linear, in place; returns how many."""
    count = 0
    for block in model.dit.blocks:
        for name, child in list(block.named_modules()):
            for attr, sub in list(child.named_children()):
                if isinstance(sub, nn.Linear):
                    setattr(child, attr, Fp8Linear(sub))
                    count += 1
    return count
