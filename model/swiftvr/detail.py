"""The detail path: a small full-resolution residual CNN beside the latent path (our addition;
the published SwiftVR has none, so the `official` config leaves it out).

Why: the ReAE squeezes every 16x16 pixels x 4 frames into a few dozen latent values. The
published model gets its detail back from a large, long-trained generative prior; a small model
trained for minutes cannot, and measured well below plain bicubic (docs/quality.md). This path
sees the resized input frames themselves, so the shipped model starts from the input and learns
a correction, never a whole picture.

What it computes, per output frame j of the stream (which restores input frame c = j - 3, the
decoder's lag): centre = x[c], plus a residual from x[c - 1], x[c], x[c + 1] (the neighbours give
it temporal context for denoising; x[c + 1] is already known when frame j is produced) and the
latent path's own output for c. It works at half the output resolution after a lossless 2x2
space-to-depth, so it costs a quarter of a full-resolution CNN of the same width.

Levels: the first shipped versions had one level (48 channels, 5 residual blocks), which sees
about 9 output pixels around each pixel: less than a JPEG block or an H.264 macroblock of a x2
input. A config with `widths` makes it a small U-Net: coarser levels at half the resolution of the
one above (2x2 stride-2 convs down, transposed convs up, skips added), each with its own residual
blocks. A level costs about what the top level costs when its width doubles (a quarter of the
pixels, four times the weights per pixel), and it widens the view to the whole frame at 3 levels.

Streaming: it needs the last HISTORY_FRAMES resized input frames of the previous chunk, kept as
one state tensor [HISTORY_FRAMES, 3, Hp, Wp] in the module's dtype. At the start of a stream
(empty state) the history is the first frame repeated, as the tail is padded with the last one.
"""

from __future__ import annotations

from typing import List, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .config import DECODER_LAG_FRAMES, DetailConfig

# frames of history: x[c - 1] for the first output of a chunk is DECODER_LAG_FRAMES + 1 back
HISTORY_FRAMES = DECODER_LAG_FRAMES + 1
NEIGHBOURS = 3          # x[c - 1], x[c], x[c + 1]
UNSHUFFLE = 2


# Leaky, not plain ReLU (slope 0.1): measured, a plain-ReLU trunk behind the zero-initialised output conv died
# within the first training steps (every unit negative, the residual stuck at its bias).



class ResBlock(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.conv2(F.leaky_relu(self.conv1(x), 0.1))


class Down(nn.Module):
    """One coarser level on the way down: residual blocks at this level's width, then a 2x2 stride-2
    conv to the next level's width. Returns (the skip kept for the way up, the next level's input)."""

    def __init__(self, channels: int, blocks: int, out_channels: int):
        super().__init__()
        self.blocks = nn.ModuleList([ResBlock(channels) for _ in range(blocks)])
        self.down = nn.Conv2d(channels, out_channels, 2, stride=2)

    def forward(self, h: Tensor) -> Tuple[Tensor, Tensor]:
        for block in self.blocks:
            h = block(h)
        return h, F.leaky_relu(self.down(h), 0.1)


class Up(nn.Module):
    """The way back up: a 2x2 stride-2 transposed conv to the finer level's width, its skip added,
    then residual blocks."""

    def __init__(self, channels: int, blocks: int, in_channels: int):
        super().__init__()
        self.up = nn.ConvTranspose2d(in_channels, channels, 2, stride=2)
        self.blocks = nn.ModuleList([ResBlock(channels) for _ in range(blocks)])

    def forward(self, h: Tensor, skip: Tensor) -> Tensor:
        h = F.leaky_relu(self.up(h), 0.1) + skip
        for block in self.blocks:
            h = block(h)
        return h


class DetailNet(nn.Module):
    def __init__(self, cfg: DetailConfig):
        super().__init__()
        per_frame = 3 * UNSHUFFLE * UNSHUFFLE
        widths = [cfg.channels] + list(cfg.widths)
        self.conv_in = nn.Conv2d((NEIGHBOURS + 1) * per_frame, cfg.channels, 3, padding=1)
        # coarser levels (config widths; none for the one-level net of the first shipped versions):
        # a wider view for compression blocks and noise at little cost, since each level has a
        # quarter of the pixels of the one above
        self.downs = nn.ModuleList([Down(widths[i], cfg.blocks, widths[i + 1]) for i in range(len(cfg.widths))])
        self.blocks = nn.ModuleList([ResBlock(widths[-1]) for _ in range(cfg.blocks)])
        # coarsest first, the order the way up visits them
        self.ups = nn.ModuleList([Up(widths[i], cfg.blocks, widths[i + 1])
                                  for i in reversed(range(len(cfg.widths)))])
        self.conv_out = nn.Conv2d(cfg.channels, per_frame, 3, padding=1)
        # the path starts as the identity on the centre frame: a trained model can only add to it
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)
        # TorchScript cannot read module-level ints: keep them as attributes
        self.history_frames = HISTORY_FRAMES
        self.unshuffle = UNSHUFFLE

    def residual(self, prev: Tensor, centre: Tensor, nxt: Tensor, latent_out: Tensor) -> Tensor:
        """All [..., 3, Hp, Wp] (Hp, Wp multiples of 2 ** (levels + 1), which the 32-pixel padding
        gives for up to 4 levels; any leading dims); returns the residual to add to `centre`. Inputs
        are centred on 0; the latent path's output is clamped to the picture range first, so an
        untrained or drifting latent path cannot swamp the first conv."""
        f = self.unshuffle
        lead = list(centre.shape[:-3])
        frame = list(centre.shape[-3:])
        h = torch.cat([F.pixel_unshuffle(v.reshape([-1] + frame) - 0.5, f)
                       for v in [prev, centre, nxt, latent_out.clamp(0.0, 1.0)]], 1)
        h = F.leaky_relu(self.conv_in(h), 0.1)
        skips: List[Tensor] = []
        for down in self.downs:
            skip, h = down(h)
            skips.append(skip)
        for block in self.blocks:
            h = block(h)
        level = len(skips)
        for up in self.ups:
            level -= 1
            h = up(h, skips[level])
        out = F.pixel_shuffle(self.conv_out(F.leaky_relu(h, 0.1)), f)
        return out.reshape(lead + frame)

    def with_history(self, x: Tensor, history: Tensor) -> Tuple[Tensor, Tensor]:
        """x: this call's resized frames [..., T, 3, Hp, Wp] (time at dim -4; a leading batch dim
        holds clips that each start a stream). Returns (the stream's frames from HISTORY_FRAMES
        before the call to its end, [..., T + HISTORY_FRAMES, ...]; the new history)."""
        if history.numel() == 0:
            # the start of a stream: the first frame repeated, as the tail is padded with the last one
            first = x.narrow(-4, 0, 1)
            history = torch.cat([first for _ in range(self.history_frames)], -4)
        elif list(history.shape) != list(x.shape[:-4]) + [self.history_frames] + list(x.shape[-3:]):
            raise RuntimeError("detail state of shape " + str(history.shape) + " does not fit frames of shape "
                               + str(x.shape) + ": state from another resolution or model?")
        frames = torch.cat([history.to(x.dtype), x], -4)
        return frames, frames.narrow(-4, frames.size(-4) - self.history_frames, self.history_frames).clone()

    def forward(self, x: Tensor, latent_out: Tensor, history: Tensor) -> Tuple[Tensor, Tensor]:
        """x: resized input [..., T, 3, Hp, Wp]; latent_out: the decoder's output for the same call,
        same shape (frame i restores stream frame i - 3). Returns (restored frames, new history)."""
        frames, new_history = self.with_history(x, history)
        prev, centre, nxt = self.neighbours(frames, x.size(-4))
        return centre + self.residual(prev, centre, nxt, latent_out.to(centre.dtype)), new_history

    def neighbours(self, frames: Tensor, t: int) -> Tuple[Tensor, Tensor, Tensor]:
        """frames: [..., HISTORY_FRAMES + t, 3, Hp, Wp], the stream from HISTORY_FRAMES before the call.
        Output i of the call restores stream frame (call start + i - 3) = frames[i + 1]."""
        return frames.narrow(-4, 0, t), frames.narrow(-4, 1, t), frames.narrow(-4, 2, t)
