"""ReAE: the restoration-aware autoencoder (TAEHV-style 2D convs with temporal MemBlocks).

Tensors are [frames, channels, height, width]: time is the batch dimension of every 2D conv,
and only MemBlocks, TPool and TGrow look across frames.

Streaming: a MemBlock's only memory is the previous frame of its own *input* (it is a causal
kernel-2 temporal conv, not a recurrence), so the state of the whole ReAE is one frame per
MemBlock: 9 in the encoder and 9 in the decoder. TPool groups 2 frames; chunks are multiples of
4 frames, so pooling never leaves frames over and carries no state. Running a clip chunk by
chunk with the state carried therefore gives the same result as running it whole.
An empty state tensor (numel 0) means "start of stream": the block uses zeros.
"""

from __future__ import annotations

from typing import List, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .config import DECODER_TIME_GROW, ENCODER_TIME_POOL, MEMBLOCKS_PER_STAGE, ReAEConfig


def conv3x3(c_in: int, c_out: int, stride: int = 1, bias: bool = True) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=bias)


class MemBlock(nn.Module):
    """out_t = ReLU(convs(cat(x_t, x_{t-1})) + x_t), x_{t-1} being this block's previous input."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv_in = conv3x3(2 * channels, channels)
        self.conv_mid = conv3x3(channels, channels)
        self.conv_out = conv3x3(channels, channels)

    def forward(self, x: Tensor, past: Tensor) -> Tuple[Tensor, Tensor]:
        if past.numel() == 0:
            first_past = torch.zeros_like(x[:1])
        else:
            if past.shape[1:] != x.shape[1:]:
                raise RuntimeError("MemBlock state of shape " + str(past.shape) + " does not fit frames of shape "
                                   + str(x.shape) + ": state from another resolution or model?")
            first_past = past.to(x.dtype)
        previous = torch.cat([first_past, x[:-1]], 0)
        y = F.relu(self.conv_in(torch.cat([x, previous], 1)))
        y = F.relu(self.conv_mid(y))
        y = self.conv_out(y)
        # clone: the returned state must not keep the whole chunk's activation alive
        return F.relu(y + x), x[-1:].clone()


class TPool(nn.Module):
    """Temporal pooling: a 1x1 conv over `stride` consecutive frames stacked on channels."""

    def __init__(self, channels: int, stride: int):
        super().__init__()
        self.stride = stride
        self.conv = nn.Conv2d(channels * stride, channels, 1, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        t, c, h, w = x.shape
        if t % self.stride != 0:
            raise RuntimeError("TPool: " + str(t) + " frames is not a multiple of " + str(self.stride))
        return self.conv(x.reshape(t // self.stride, self.stride * c, h, w))


class TGrow(nn.Module):
    """Temporal growth by `stride`: nearest repeat in time, then a (3,1,1) temporal conv inside
    each group of repeated frames (zero-padded at the group edges, so groups stay independent).

    Because the `stride` frames of a group are copies of one frame, that conv collapses to a 1x1
    conv producing `stride` frames at once; we run it that way (exactly the same arithmetic
    terms, `stride` times fewer input reads). stride 1 is a plain 1x1 projection.
    Weight: [C, C, 1, 1] for stride 1, [C, C, 3, 1, 1] (the Conv3d layout) for stride 2.
    """

    def __init__(self, channels: int, stride: int):
        super().__init__()
        if stride not in (1, 2):
            raise ValueError("TGrow supports stride 1 or 2")
        self.stride = stride
        shape = [channels, channels, 1, 1] if stride == 1 else [channels, channels, 3, 1, 1]
        self.weight = nn.Parameter(torch.empty(shape))
        nn.init.kaiming_uniform_(self.weight.view(channels, -1), a=5 ** 0.5)
        # official numerics (dit.set_official_numerics): stride 2 as the release computes it, a (3,1,1) Conv3d over
        # each frame repeated twice, so a bfloat16 module does not round the summed taps to bfloat16 first
        self.official = False

    def grouped_weight(self) -> Tensor:
        if self.stride == 1:
            return self.weight
        w = self.weight[:, :, :, 0, 0]          # [C_out, C_in, 3]: taps at group offsets -1, 0, +1
        # frame 0 of a group sees itself (tap 1) and frame 1 (tap 2); frame 1 sees frame 0 (tap 0)
        # and itself (tap 1); the taps reaching outside the group read zero padding.
        first = w[:, :, 1] + w[:, :, 2]
        second = w[:, :, 0] + w[:, :, 1]
        return torch.cat([first, second], 0)[:, :, None, None]

    def forward(self, x: Tensor) -> Tensor:
        t, c, h, w = x.shape
        if self.official and self.stride == 2:
            repeated = x.contiguous().unsqueeze(2).expand(t, c, 2, h, w)
            y = F.conv3d(repeated, self.weight.to(x.dtype), padding=[1, 0, 0])     # [t, c, 2, h, w]
            return y.permute(0, 2, 1, 3, 4).reshape(t * 2, c, h, w)
        y = F.conv2d(x, self.grouped_weight().to(x.dtype))
        if self.stride == 1:
            return y
        return y.reshape(t * self.stride, c, h, w)


class EncoderStage(nn.Module):
    def __init__(self, c_in: int, c_out: int, time_pool: int):
        super().__init__()
        self.tpool = TPool(c_in, time_pool)
        self.down = conv3x3(c_in, c_out, stride=2, bias=False)
        self.blocks = nn.ModuleList([MemBlock(c_out) for _ in range(MEMBLOCKS_PER_STAGE)])

    def forward(self, x: Tensor, states: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        x = self.down(self.tpool(x))
        new_states: List[Tensor] = []
        i = 0
        for block in self.blocks:
            x, s = block(x, states[i])
            new_states.append(s)
            i += 1
        return x, new_states


class DecoderStage(nn.Module):
    def __init__(self, c_in: int, c_out: int, time_grow: int):
        super().__init__()
        self.blocks = nn.ModuleList([MemBlock(c_in) for _ in range(MEMBLOCKS_PER_STAGE)])
        self.tgrow = TGrow(c_in, time_grow)
        self.conv = conv3x3(c_in, c_out, bias=False)

    def forward(self, x: Tensor, states: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        new_states: List[Tensor] = []
        i = 0
        for block in self.blocks:
            x, s = block(x, states[i])
            new_states.append(s)
            i += 1
        # TGrow is pointwise in space, so it commutes exactly with the nearest x2 upsampling;
        # growing first does its 1x1 conv on 4x fewer pixels.
        # aten ops directly: a scripted F.interpolate drags in every mode's branch, including ops
        # (lanczos) that DJL's libtorch 2.7.1 cannot load.
        x = self.tgrow(x)
        x = torch.ops.aten.upsample_nearest2d(x, [x.size(2) * 2, x.size(3) * 2])
        return self.conv(x), new_states


class ReAEEncoder(nn.Module):
    """[T, 3, H, W] in [0, 1] -> [T/4, latent, H/16, W/16]."""

    def __init__(self, cfg: ReAEConfig):
        super().__init__()
        w = cfg.encoder_widths
        self.blocks_per_stage = MEMBLOCKS_PER_STAGE
        self.conv_in = conv3x3(3 * 4, w[0])
        self.stages = nn.ModuleList(
            [EncoderStage(w[i], w[i + 1], ENCODER_TIME_POOL[i]) for i in range(len(ENCODER_TIME_POOL))])
        self.conv_out = conv3x3(w[-1], cfg.latent_channels)

    def forward(self, x: Tensor, states: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        if x.size(0) % 4 != 0:
            raise RuntimeError("ReAE encoder: chunk of " + str(x.size(0)) + " frames is not a multiple of 4")
        x = F.relu(self.conv_in(F.pixel_unshuffle(x, 2)))
        new_states: List[Tensor] = []
        i = 0
        for stage in self.stages:
            x, s = stage(x, states[i:i + self.blocks_per_stage])
            new_states += s
            i += self.blocks_per_stage
        return self.conv_out(x), new_states


class ReAEDecoder(nn.Module):
    """[T', latent, h, w] -> [4 T', 3, 16 h, 16 w] (unclamped; ~[0, 1])."""

    def __init__(self, cfg: ReAEConfig):
        super().__init__()
        n = cfg.decoder_widths
        self.blocks_per_stage = MEMBLOCKS_PER_STAGE
        self.conv_in = conv3x3(cfg.latent_channels, n[0])
        self.stages = nn.ModuleList(
            [DecoderStage(n[i], n[i + 1], DECODER_TIME_GROW[i]) for i in range(len(DECODER_TIME_GROW))])
        self.conv_out = conv3x3(n[-1], 3 * 4)

    def forward(self, z: Tensor, states: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        x = F.relu(self.conv_in(torch.tanh(z / 3.0) * 3.0))   # soft clamp of the latents to +-3
        new_states: List[Tensor] = []
        i = 0
        for stage in self.stages:
            x, s = stage(x, states[i:i + self.blocks_per_stage])
            new_states += s
            i += self.blocks_per_stage
        return F.pixel_shuffle(self.conv_out(F.relu(x)), 2), new_states


def empty_states(n: int, device: torch.device = torch.device("cpu")) -> List[Tensor]:
    return [torch.empty(0, device=device) for _ in range(n)]
