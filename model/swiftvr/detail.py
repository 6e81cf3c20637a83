"""The detail path: a small full-resolution residual CNN beside the latent path (our addition;
the published SwiftVR has none, so the `official` config leaves it out).

Why: the ReAE squeezes every 16x16 pixels x 4 frames into a few dozen latent values. The
published model gets its detail back from a large, long-trained generative prior; a small model
trained for minutes cannot, and measured well below plain bicubic (docs/quality.md). This path
sees the resized input frames themselves, so the shipped model starts from the input and learns
a correction, never a whole picture.

What it computes, per output frame j of the stream (which restores input frame c = j - 3, the
decoder's lag): centre = x[c], plus a residual from the input frames x[c - b] ... x[c + a] (the
config's window: b = frames_before, a = frames_after; the first versions read c - 1, c, c + 1) and
the latent path's own output for c. The neighbours give it temporal context against noise and
compression artefacts, which differ from frame to frame; frames up to x[c + 3] are already known
when frame j is produced, so looking ahead costs no latency. It works at half the output
resolution after a lossless 2x2 space-to-depth, so it costs a quarter of a full-resolution CNN of
the same width.

Levels: the first shipped versions had one level (48 channels, 5 residual blocks), which sees
about 9 output pixels around each pixel: less than a JPEG block or an H.264 macroblock of a x2
input. A config with `widths` makes it a small U-Net: coarser levels at half the resolution of the
one above (2x2 stride-2 convs down, transposed convs up, skips added), each with its own residual
blocks. A level costs about what the top level costs when its width doubles (a quarter of the
pixels, four times the weights per pixel), and it widens the view to the whole frame at 3 levels.

Streaming: it needs the last 3 + b resized input frames of the previous chunk (the lag, plus the
frames it reads before the centre), kept as one state tensor [3 + b, 3, Hp, Wp] in the module's
dtype. At the start of a stream
(empty state) the history is the first frame repeated, as the tail is padded with the last one.
"""

from __future__ import annotations

from typing import List, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .config import DECODER_LAG_FRAMES, DetailConfig

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
        # input frames x[c - before] .. x[c + after], then the latent path's output
        self.conv_in = nn.Conv2d((cfg.window + 1) * per_frame, cfg.channels, 3, padding=1)
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
        # frames of history: x[c - before] for the first output of a chunk is lag + before back
        self.history_frames = DECODER_LAG_FRAMES + cfg.frames_before
        self.frames_before = cfg.frames_before
        self.window = cfg.window
        self.unshuffle = UNSHUFFLE

    def residual(self, window: List[Tensor], latent_out: Tensor) -> Tensor:
        """window: the input frames x[c - before] .. x[c + after] in time order; all tensors [..., 3,
        Hp, Wp] (Hp, Wp multiples of 2 ** (levels + 1), which the 32-pixel padding gives for up to 4
        levels; any leading dims). Returns the residual to add to the centre frame. Inputs are
        centred on 0; the latent path's output is clamped to the picture range first, so an
        untrained or drifting latent path cannot swamp the first conv."""
        f = self.unshuffle
        lead = list(latent_out.shape[:-3])
        frame = list(latent_out.shape[-3:])
        h = torch.cat([F.pixel_unshuffle(v.reshape([-1] + frame) - 0.5, f)
                       for v in window + [latent_out.clamp(0.0, 1.0)]], 1)
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
        holds clips that each start a stream). Returns (the stream's frames from history_frames
        before the call to its end, [..., T + history_frames, ...]; the new history)."""
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
        window = self.window_frames(frames, x.size(-4))
        centre = window[self.frames_before]
        return centre + self.residual(window, latent_out.to(centre.dtype)), new_history

    def window_frames(self, frames: Tensor, t: int) -> List[Tensor]:
        """frames: [..., history_frames + t, 3, Hp, Wp], the stream from history_frames before the
        call. Output i of the call restores stream frame (call start + i - 3) = frames[i + before];
        its window x[c - before] .. x[c + after] is frames[i] .. frames[i + before + after], which
        the call has for every i because after <= the lag."""
        return [frames.narrow(-4, k, t) for k in range(self.window)]
