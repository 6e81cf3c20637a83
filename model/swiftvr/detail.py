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

Propagation (config `propagate` > 0; tried after the ninth shipped version, not in the shipped model):
the window above is read without alignment, so the path averages noise over it but cannot use the
sub-pixel shifts of a moving camera, which carry detail no single frame has (docs/quality.md, "What
neighbouring frames are worth"). With propagation the path also reads what it made of the previous
frame: the restored frame c - 1 and a feature map of `propagate` channels at half resolution, both
warped onto frame c by an optical flow estimated from input frames c - 1 and c (PyramidFlow:
Lucas-Kanade, coarse to fine at 1/16 to 1/2 of the output size; no weights). What one frame learns
travels on along the clip, one frame at a time (forward only: the stream is causal), so the path's
outputs are computed frame by frame instead of all at once. The new inputs enter the first conv
through weights that start at zero, so a path grown from one without propagation starts as exactly it.

Streaming: it needs the last 3 + b resized input frames of the previous chunk (the lag, plus the
frames it reads before the centre), kept as one state tensor [3 + b, 3, Hp, Wp] in the module's
dtype; with propagation the same tensor holds, after them, the last restored frame and the carried
features (propagate / 12 more [3, Hp, Wp] slots: the half-resolution map pixel-shuffled to full
resolution). At the start of a stream (empty state) the history is the first frame repeated, as the
tail is padded with the last one; the restored frame before it is that frame too, the features zero.

Temporal fusion (config `fuse` > 0; since the tenth shipped version): the path's output then goes through
fusion.py, which averages each restored frame with the fused ones before it (and, with a look-ahead, the frames
after it), warped onto it, where a small gate CNN finds that safe; its frames (the last max(lookahead, 1) fused,
unfused and input frames, all float32) follow everything above in the state.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .config import DECODER_LAG_FRAMES, PROPAGATE_MULTIPLE, DetailConfig
from .flow import PyramidFlow, resize_flow, warp
from .fusion import TemporalFusion

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
        # input frames x[c - before] .. x[c + after], then the latent path's output, then (with propagation) the
        # previous restored frame and the carried features, both warped onto frame c
        self.conv_in = nn.Conv2d((cfg.window + 1) * per_frame + cfg.carried_inputs, cfg.channels, 3, padding=1)
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
        self.propagate = cfg.propagate
        self.flow: Optional[PyramidFlow] = PyramidFlow() if cfg.propagate else None
        # the carried features, from the top level's last features; tanh keeps a recurrence that runs for a
        # whole video (trained on 16-frame clips) from drifting out of range
        self.carry_out: Optional[nn.Conv2d] = nn.Conv2d(cfg.channels, cfg.propagate, 3, padding=1) \
            if cfg.propagate else None
        # state slots [3, Hp, Wp] after the history: the last restored frame, then the features
        self.carried_slots = 1 + cfg.propagate // PROPAGATE_MULTIPLE if cfg.propagate else 0
        # the last stage: restored frames averaged with the warped past where a small CNN finds it safe (fusion.py)
        self.fusion: Optional[TemporalFusion] = TemporalFusion(cfg.fuse, cfg.lookahead, cfg.gate_scale, cfg.flow_scale,
                                                                        cfg.invert_flow) if cfg.fuse else None

    def calibration_residual(self, x: Tensor, latent_out: Tensor) -> Tensor:
        """The residual for a still clip x [N, 3, Hp, Wp] with nothing carried yet (build_restorer
        scales the random output conv with it)."""
        if self.propagate == 0:
            return self.residual([x] * self.window, latent_out)
        carry = torch.zeros([x.size(0), self.propagate, x.size(2) // 2, x.size(3) // 2], dtype=x.dtype, device=x.device)
        return self.to_residual(self.features(self.propagated_input([x] * self.window, latent_out, x, carry)))

    def residual(self, window: List[Tensor], latent_out: Tensor) -> Tensor:
        """window: the input frames x[c - before] .. x[c + after] in time order; all tensors [..., 3,
        Hp, Wp] (Hp, Wp multiples of 2 ** (levels + 1), which the 32-pixel padding gives for up to 4
        levels; any leading dims). Returns the residual to add to the centre frame (the path without
        propagation)."""
        lead = list(latent_out.shape[:-3])
        frame = list(latent_out.shape[-3:])
        h = self.features(self.unshuffled(window, latent_out))
        return self.to_residual(h).reshape(lead + frame)

    def unshuffled(self, window: List[Tensor], latent_out: Tensor) -> Tensor:
        """The first conv's input without the carried part: [N, (window + 1) * 12, Hp / 2, Wp / 2].
        Inputs are centred on 0; the latent path's output is clamped to the picture range first, so an
        untrained or drifting latent path cannot swamp the first conv."""
        frame = list(latent_out.shape[-3:])
        return torch.cat([F.pixel_unshuffle(v.reshape([-1] + frame) - 0.5, self.unshuffle)
                          for v in window + [latent_out.clamp(0.0, 1.0)]], 1)

    def propagated_input(self, window: List[Tensor], latent_out: Tensor, restored: Tensor, carry: Tensor) -> Tensor:
        """The first conv's input with propagation: unshuffled() followed by the previous restored frame
        [N, 3, Hp, Wp] and the carried features [N, propagate, Hp / 2, Wp / 2], both already warped."""
        return torch.cat([self.unshuffled(window, latent_out), F.pixel_unshuffle(restored - 0.5, self.unshuffle),
                          carry], 1)

    def features(self, h: Tensor) -> Tensor:
        """The U-Net from the first conv's input to the top level's last features [N, channels, ...]."""
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
        return F.leaky_relu(h, 0.1)

    def to_residual(self, h: Tensor) -> Tensor:
        return F.pixel_shuffle(self.conv_out(h), self.unshuffle)

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

    def forward(self, x: Tensor, latent_out: Tensor, state: Tensor) -> Tuple[Tensor, Tensor]:
        """x: resized input [..., T, 3, Hp, Wp]; latent_out: the decoder's output for the same call,
        same shape (frame i restores stream frame i - 3); state: the detail state (empty at the start of
        a stream). Returns (restored frames, new state)."""
        fusion = self.fusion
        if fusion is None:
            y, new_state, _ = self.unfused(x, latent_out, state)
            return y, new_state
        own, fusion_state = self.split_fusion_state(state)
        y, new_own, frames = self.unfused(x, latent_out, own)
        # the fusion reads the input frame each output restores (and keeps the ones before in its own state)
        t = x.size(-4)
        lead = list(x.shape[:-4])
        frame = list(x.shape[-3:])
        shape = [-1, t] + frame
        fused, new_fusion_state = fusion(y.reshape(shape), frames.narrow(-4, self.frames_before, t).reshape(shape),
                                         fusion_state.reshape([-1, fusion.slots] + frame) if fusion_state.numel()
                                         else fusion_state)
        # the fusion keeps its frames in float32 (fusion.py), so the whole detail state is float32
        new_state = torch.cat([new_own.float(), new_fusion_state.reshape(lead + [fusion.slots] + frame)], -4)
        return fused.reshape(y.shape), new_state

    def unfused(self, x: Tensor, latent_out: Tensor, state: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        """forward() before the temporal fusion, with the state's part for it. Returns (restored frames, new state,
        the stream's frames from history_frames before the call: with_history's, for the fusion)."""
        if self.propagate == 0:
            frames, new_history = self.with_history(x, state)
            window = self.window_frames(frames, x.size(-4))
            centre = window[self.frames_before]
            return centre + self.residual(window, latent_out.to(centre.dtype)), new_history, frames
        return self.propagated(x, latent_out, state)

    def split_fusion_state(self, state: Tensor) -> Tuple[Tensor, Tensor]:
        """(the state of the path before the fusion, the fusion's slots at the end); both empty at the start of a
        stream."""
        fusion = self.fusion
        assert fusion is not None
        if state.numel() == 0:
            return state, state
        own = self.history_frames + self.carried_slots
        if state.dim() < 4 or state.size(-4) != own + fusion.slots:
            raise RuntimeError("detail state of shape " + str(state.shape) + " has not the " + str(own)
                               + " frames of the detail path and " + str(fusion.slots)
                               + " of its temporal fusion: state from another model?")
        return state.narrow(-4, 0, own), state.narrow(-4, own, fusion.slots)

    def propagated(self, x: Tensor, latent_out: Tensor, state: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        """unfused() with propagation: one output frame after the other, each reading the previous one's
        restored frame and features warped onto its own."""
        flow_net = self.flow
        carry_out = self.carry_out
        assert flow_net is not None and carry_out is not None
        t = x.size(-4)
        lead = list(x.shape[:-4])
        frame = list(x.shape[-3:])
        k = self.history_frames
        history, carried = self.split_state(state)
        frames, new_history = self.with_history(x, history)
        frames = frames.reshape([-1, k + t] + frame)
        latent = latent_out.to(x.dtype).reshape([-1, t] + frame)
        n = frames.size(0)
        hp, wp = frame[1], frame[2]
        if carried.numel() == 0:
            restored = frames[:, 0]
            carry = torch.zeros([n, self.propagate, hp // 2, wp // 2], dtype=x.dtype, device=x.device)
        else:
            carried = carried.to(x.dtype).reshape([n, self.carried_slots] + frame)
            restored = carried[:, 0]
            carry = F.pixel_unshuffle(carried[:, 1:].reshape([n, -1, hp, wp]), self.unshuffle)
        # output i restores frames[i + before]; its flow is from the frame before that one
        b = self.frames_before
        previous = frames.narrow(1, b - 1, t).reshape([n * t] + frame)
        current = frames.narrow(1, b, t).reshape([n * t] + frame)
        finest = flow_net(previous, current)[-1]
        flows = finest.reshape([n, t, 2, finest.size(2), finest.size(3)])
        outs: List[Tensor] = []
        for i in range(t):
            window = [frames[:, i + j] for j in range(self.window)]
            flow = flows[:, i]
            restored = warp(restored, resize_flow(flow, hp, wp))
            carry = warp(carry, resize_flow(flow, hp // 2, wp // 2))
            h = self.features(self.propagated_input(window, latent[:, i], restored, carry))
            out = window[b] + self.to_residual(h)
            outs.append(out)
            restored = out.clamp(0.0, 1.0)
            carry = torch.tanh(carry_out(h))
        y = torch.stack(outs, 1).reshape(lead + [t] + frame)
        packed = torch.cat([restored.unsqueeze(1),
                            F.pixel_shuffle(carry, self.unshuffle).reshape([n, self.carried_slots - 1] + frame)], 1)
        new_state = torch.cat([new_history.reshape([n, k] + frame), packed], 1).reshape(
            lead + [k + self.carried_slots] + frame)
        return y, new_state, frames

    def split_state(self, state: Tensor) -> Tuple[Tensor, Tensor]:
        """(the frame history for with_history, the carried slots) of a detail state with propagation;
        both empty at the start of a stream."""
        if state.numel() == 0:
            return state, torch.zeros(0)
        k = self.history_frames
        if state.dim() < 4 or state.size(-4) != k + self.carried_slots:
            raise RuntimeError("detail state of shape " + str(state.shape) + " has not the " + str(k)
                               + " history frames and " + str(self.carried_slots)
                               + " carried slots of this model: state from another model?")
        return state.narrow(-4, 0, k), state.narrow(-4, k, self.carried_slots)

    def window_frames(self, frames: Tensor, t: int) -> List[Tensor]:
        """frames: [..., history_frames + t, 3, Hp, Wp], the stream from history_frames before the
        call. Output i of the call restores stream frame (call start + i - 3) = frames[i + before];
        its window x[c - before] .. x[c + after] is frames[i] .. frames[i + before + after], which
        the call has for every i because after <= the lag."""
        return [frames.narrow(-4, k, t) for k in range(self.window)]
