"""Architecture experiments run beside the real training, to show the model owners what a change
would bring. Nothing here is exported: the bundle contract's restorer is swiftvr.restorer.

`unet`: the stock ReAE squeezes every 16x16 pixels x 4 frames through 32 latent channels, and its
decoder sees nothing else, so fine detail the input still has is lost on the way (measured: see
model/training/README.md). This variant keeps the encoder, DiT and decoder and their weights, and
adds (a) the bilinear-resized input to the output (a global residual) and (b) encoder-to-decoder
skips at 1/2, 1/4 and 1/8 resolution, each a zero-initialised 1x1 conv added to the decoder stage
output of the same resolution and frame rate. Those skips need the decoder to restore the frames
it is given (decoder lag 0), not frames 3 earlier, so this variant trains with lag 0; with the
contract's lag of 3 they would need 3 frames of extra streaming state.
"""

from __future__ import annotations

from typing import List

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.func import vmap

from swiftvr.config import MEMBLOCKS_PER_STAGE
from swiftvr.restorer import SwiftVRRestorer
from swiftvr.training import batched


class UNetSkips(nn.Module):
    """The extra weights of the `unet` variant (1x1 convs, zero at the start)."""

    def __init__(self, model: SwiftVRRestorer):
        super().__init__()
        enc_w = [model.encoder.conv_in.out_channels] + [s.down.out_channels for s in model.encoder.stages]
        dec_out = [s.conv.out_channels for s in model.decoder.stages]
        # decoder stage k output has the resolution of encoder level 2 - k (1/8, 1/4, 1/2)
        self.proj = nn.ModuleList([nn.Conv2d(enc_w[2 - k], dec_out[k], 1) for k in range(3)])
        for p in self.proj:
            nn.init.zeros_(p.weight)
            nn.init.zeros_(p.bias)


def _empty(n: int) -> List[Tensor]:
    return [torch.empty(0) for _ in range(n)]


def _encode_levels(model: SwiftVRRestorer, x: Tensor) -> List[Tensor]:
    """One clip [T, 3, H, W] -> [conv_in output, stage 0, stage 1, latents]."""
    enc = model.encoder
    h = F.relu(enc.conv_in(F.pixel_unshuffle(x, 2)))
    levels = [h]
    for stage in enc.stages:
        h, _ = stage(h, _empty(MEMBLOCKS_PER_STAGE))
        levels.append(h)
    levels[-1] = enc.conv_out(levels[-1])
    return levels


def _decode_with_skips(model: SwiftVRRestorer, skips: UNetSkips, z: Tensor, levels: List[Tensor]) -> Tensor:
    dec = model.decoder
    h = F.relu(dec.conv_in(torch.tanh(z / 3.0) * 3.0))
    for k, stage in enumerate(dec.stages):
        h, _ = stage(h, _empty(MEMBLOCKS_PER_STAGE))
        h = h + skips.proj[k](levels[2 - k])
    return F.pixel_shuffle(dec.conv_out(F.relu(h)), 2)


def unet_restore(model: SwiftVRRestorer, skips: UNetSkips, lq_u8: Tensor, out_h: int, out_w: int,
                 t_offset: int) -> Tensor:
    """[B, T, h, w, 3] uint8 -> [B, T, 3, out_h, out_w], lag 0, float32 ReAE (see batched.encode)."""
    x = batched.preprocess(model, lq_u8, out_h, out_w)
    with torch.autocast(x.device.type, enabled=False):
        levels = vmap(lambda clip: _encode_levels(model, clip))(x.float())
    z_lq = levels[-1]
    t = torch.ones(z_lq.shape[0], device=z_lq.device)
    z_hq = z_lq - batched.velocity(model, z_lq, t, t_offset)
    with torch.autocast(x.device.type, enabled=False):
        y = vmap(lambda lat, l0, l1, l2: _decode_with_skips(model, skips, lat, [l0, l1, l2]))(
            z_hq.float(), levels[0], levels[1], levels[2])
    return (y + x)[..., :out_h, :out_w]


def check_stock_equivalence(model: SwiftVRRestorer) -> float:
    """With zero skips and no residual the variant's encoder/decoder equal the stock ones: returns
    the max abs difference of the latents (a guard against drifting from swiftvr.reae)."""
    x = torch.rand(1, 8, 3, 64, 64, device=model.prompt_emb.device)
    with torch.no_grad():
        ours = vmap(lambda clip: _encode_levels(model, clip))(x)[-1]
        stock = batched.encode(model, x)
    return (ours - stock).abs().max().item()

