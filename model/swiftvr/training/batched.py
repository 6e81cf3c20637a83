"""The restorer's stages over a batch of clips, with gradients, for training.

The ReAE modules take one clip [T, C, H, W] (time is their batch dimension and MemBlocks look at
the previous frame along it), so a batch of clips goes through torch.func.vmap: the same module
code runs on every clip, convolutions still batched underneath. The DiT takes a batch natively.
Every clip starts from empty streaming state, like the first chunk of a stream.
"""

from __future__ import annotations

import torch
from torch import Tensor
from torch.func import vmap

from swiftvr.config import DECODER_LAG_FRAMES, STATE_TENSORS
from swiftvr.restorer import SwiftVRRestorer

LAG = DECODER_LAG_FRAMES


def _empty(n: int):
    return [torch.empty(0) for _ in range(n)]


def preprocess(model: SwiftVRRestorer, lq_u8: Tensor, out_h: int, out_w: int) -> Tensor:
    """[B, T, h, w, 3] uint8 -> [B, T, 3, H, W] float: the module's own resize (and pad)."""
    return torch.stack([model.preprocess(clip, out_h, out_w) for clip in lq_u8])


def encode(model: SwiftVRRestorer, x: Tensor) -> Tensor:
    """[B, T, 3, H, W] -> latents [B, T/4, C, H/16, W/16], in float32: autocast does not reach
    the convolutions inside vmap (bf16 input would meet float32 weights), and the ReAE is
    small enough that TF32 convolutions cost little."""
    with torch.autocast(x.device.type, enabled=False):
        return vmap(lambda clip: model.encoder(clip, _empty(STATE_TENSORS // 2))[0])(x.float())


def decode(model: SwiftVRRestorer, z: Tensor) -> Tensor:
    """[B, T', C, h, w] -> frames [B, 4 T', 3, 16 h, 16 w], unclamped, float32 (see encode)."""
    with torch.autocast(z.device.type, enabled=False):
        return vmap(lambda lat: model.decoder(lat, _empty(STATE_TENSORS // 2))[0])(z.float())


def velocity(model: SwiftVRRestorer, z_t: Tensor, t: Tensor, t_offset: int) -> Tensor:
    """DiT prediction v(z_t, t) for latents [B, T', C, h, w]; t: [B] flow time in [0, 1]."""
    v = model.dit(z_t.permute(0, 2, 1, 3, 4), t, t_offset, model.prompt_emb)
    return v.permute(0, 2, 1, 3, 4).to(z_t.dtype)


def restore(model: SwiftVRRestorer, lq_u8: Tensor, out_h: int, out_w: int, t_offset: int,
            latent_grad: bool = True) -> Tensor:
    """The module's whole path (resize, encode, one step at t = 1, decode, detail) on a batch:
    [B, T, h, w, 3] uint8 -> [B, T, 3, out_h, out_w] float, unclamped, lagged by LAG frames.
    latent_grad=False runs the latent path without gradients (training the detail path alone)."""
    x = preprocess(model, lq_u8, out_h, out_w)
    with torch.set_grad_enabled(latent_grad and torch.is_grad_enabled()):
        z_lq = encode(model, x)
        t = torch.ones(z_lq.shape[0], device=z_lq.device)
        z_hq = z_lq - velocity(model, z_lq, t, t_offset)
        y = decode(model, z_hq)
    return refine(model, x, y)[..., :out_h, :out_w]


def refine(model: SwiftVRRestorer, x: Tensor, y: Tensor) -> Tensor:
    """The detail path over a batch (identity without one): x the resized input, y the decoder
    output, both [B, T, 3, H, W]; every clip starts a stream, as the module's first chunk does."""
    detail = model.detail
    if detail is None:
        return y
    return detail(x, y, torch.empty(0))[0]


def lagged_target(gt: Tensor) -> Tensor:
    """Ground truth aligned with the lagged output: output frame j restores input frame j - LAG,
    so outputs LAG .. T-1 are compared with ground truth 0 .. T-1-LAG."""
    return gt[:, : gt.shape[1] - LAG]


def lagged_output(y: Tensor) -> Tensor:
    return y[:, LAG:]
