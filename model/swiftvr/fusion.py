"""Temporal fusion: the last stage of the detail path (config `fuse` > 0; our addition, not in the published method).

Why: on noisy or compressed input the restored frames still carry an error that changes from frame to frame
while the picture, seen along the camera's motion, does not. Averaging each restored frame with the previous
result warped onto it along the motion removes part of that error; on clean input, or where the flow is wrong
(occlusions, fast motion), it would only blur or ghost. Hand-set blend weights could not have both: measured on
the tuning set, fixed-weight averages along the flow gained up to +0.58 dB on its x2 degraded clips and lost 0.1 to
2 dB on its clean ones and up to 9 dB on a clean hand-held one (docs/quality.md, "Tenth version"). So a small CNN
decides, per pixel, how much of the warped past to take, from what it sees there and from two per-frame estimates
of how noisy the input is.

Per output frame i (restored frame y_i, the input frame it restores u_i, resized to the output size, and the
one before u_{i-1}, kept from the previous call in the state like y_{i-1}):
  flow_i  = PyramidFlow(y_{i-1} -> y_i)                 from the unfused restored frames
  a_i     = warp(f_{i-1}, flow_i)                        the previous fused frame on frame i (bicubic)
  w_i     = gate(y_i, a_i - y_i, u_i, warp(u_{i-1}, flow_i) - u_i, noise_levels)   in (0, 1), one per pixel
  f_i     = y_i + w_i * (a_i - y_i)
The gate reads the input's own frame-to-frame difference along the same flow as evidence of how noisy the input
is there. f is a recursive (exponentially weighted) average along the motion, so what it carries fades with the
product of the weights: no finite warm-up reproduces it exactly (export.py --warmup-threshold).

Look-ahead (config `lookahead` = L > 0): the stream waits L more frames, and the same gate runs the recursion back
in time as well, from frame i + L down to frame i, giving b_i, an average of frame i and the L frames after it
along the motion. The output is f_i + b_i - y_i: each of f_i and b_i is y_i plus a step toward its side's warped
average, and the output takes both steps. No new weights (the gate's inputs look the same with time reversed), so a
fusion trained without look-ahead can run with it; each look-ahead frame adds one frame to the stream's lag
(SwiftVRConfig.output_lag). Measured on the tuning set with the tenth version's gate: +0.15 dB on x2 degraded
clips with L = 2 (docs/quality.md, "Eleventh version").

Cost (config `gate_scale`, `flow_scale`, `invert_flow`; issue 29): the eleventh version's fusion at full resolution
with a look-ahead of 2 was most of the model's time (on the 2-core CPU about two thirds: the gate's three 16-channel
convs at full resolution, run 3 times per frame, then two flows per frame). A gate_scale of 2 runs the gate at half
the resolution (its inputs box-averaged, the input frames, their warps and the noise estimates computed there too, the
weight resized back bilinearly); a flow_scale of 4 stops the flow pyramid at 1/4 of the frame; invert_flow takes the
look-ahead's flows back in time from the flows forward (flow.invert_flow) instead of a second PyramidFlow. The blends,
and the warps of the restored frames they blend, stay at full resolution in float32. Defaults (1, 2, False): the
eleventh version's, which the shipped model runs (docs/benchmarks-cpu.md, "Cheaper fusion settings").

Streaming: it carries the last max(L, 1) fused frames, unfused frames and input frames, in that order, at the end
of the detail state (input frames at full resolution). At the start of a stream the frames before the first are that
first frame itself.
"""

from __future__ import annotations

from typing import List, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .flow import PyramidFlow, invert_flow, resize_flow, warp

NOISE_FEATURES = 2   # per-frame noise estimates of the input, given to the gate as constant channels
NOISE_GAIN = 300.0   # brings them (about 0.00005 to 0.006 on the 0-1 scale) to the range of the other inputs


class TemporalFusion(nn.Module):
    def __init__(self, channels: int, lookahead: int = 0, gate_scale: int = 1, flow_scale: int = 2,
                 invert_flow: bool = False):
        super().__init__()
        self.flow = PyramidFlow(finest=flow_scale)
        # dilations 1, 2, 4: the gate sees about 15 px around each pixel at the resolution it runs at
        self.conv_in = nn.Conv2d(12 + NOISE_FEATURES, channels, 3, padding=1)
        self.mid = nn.Conv2d(channels, channels, 3, padding=2, dilation=2)
        self.wide = nn.Conv2d(channels, channels, 3, padding=4, dilation=4)
        self.conv_out = nn.Conv2d(channels, 1, 3, padding=1)
        # starts taking about 5% of the warped past everywhere: small, but with a gradient to learn from
        nn.init.zeros_(self.conv_out.weight)
        nn.init.constant_(self.conv_out.bias, -3.0)
        self.lookahead = lookahead
        # the gate runs on its inputs box-averaged to 1/gate_scale of the frame and its weight is resized back
        # (bilinear): a 2 costs a quarter of the full-resolution gate, which was most of the fusion's time
        self.gate_scale = gate_scale
        # the flows back in time that the look-ahead needs, from the flows forward (flow.invert_flow) instead of
        # a second PyramidFlow over the same pairs
        self.inverts_flow = invert_flow
        # frames of the stream kept from one call to the next: the lookahead's (at least the last one, which
        # the forward recursion continues from), three kinds each (fused, unfused, input)
        self.kept = max(lookahead, 1)
        self.slots = 3 * self.kept
        self.noise_gain = NOISE_GAIN   # TorchScript cannot read module-level constants

    def gate(self, y: Tensor, pulled: Tensor, u: Tensor, u_pulled: Tensor, noise: Tensor) -> Tensor:
        """The blend weight [N, 1, H, W] in float32; the convs run in the weights' dtype, at 1/gate_scale of the
        frame: y and pulled [N, 3, H, W] box-averaged to it, u and u_pulled given at that size, the weight resized
        back bilinearly."""
        h_full, w_full = y.size(2), y.size(3)
        s = self.gate_scale
        if s > 1:
            # u and u_pulled come at the gate's size already (at_gate_size, motion)
            y = F.avg_pool2d(y, s)
            pulled = F.avg_pool2d(pulled, s)
        noise = noise.view(noise.size(0), noise.size(1), 1, 1).expand(-1, -1, y.size(2), y.size(3))
        features = torch.cat([y - 0.5, pulled - y, u - 0.5, u_pulled - u, noise], 1).to(self.conv_in.weight.dtype)
        h = F.relu(self.conv_in(features))
        h = F.relu(self.mid(h)) + h
        h = F.relu(self.wide(h)) + h
        weight = torch.sigmoid(self.conv_out(h).float())
        if s > 1:
            # the aten op, as preprocess calls it: one op in the scripted graph (restorer.py)
            weight = torch.ops.aten.upsample_bilinear2d(weight, [h_full, w_full], False)
        return weight

    def forward(self, y: Tensor, inputs: Tensor, state: Tensor) -> Tuple[Tensor, Tensor]:
        """y: restored frames [N, T, 3, Hp, Wp]; inputs: the input frame each one restores, same shape; state:
        [N, slots, 3, Hp, Wp] or empty at the start of a stream.
        Returns (fused frames [N, T, 3, Hp, Wp], each restoring the frame `lookahead` frames before y's; the new
        state), both in float32 whatever the module's dtype: the blends move frames by fractions of a uint8 step,
        which bfloat16 (8 bits of mantissa) would round away (measured: the bfloat16 module lost 0.03 dB on the
        held-out x2 degraded clips against float32 when the fusion ran in bfloat16, docs/quality.md)."""
        y = y.float()
        inputs = inputs.float()
        n, t = y.size(0), y.size(1)
        frame = list(y.shape[2:])
        k = self.kept
        if state.numel() == 0:
            # the start of a stream: the first frame stands for the ones before it
            kept_fused = y[:, :1].expand([n, k] + frame)
            kept_y = kept_fused
            kept_u = inputs[:, :1].expand([n, k] + frame)
        else:
            state = state.float()
            kept_fused = state[:, :k]
            kept_y = state[:, k:2 * k]
            kept_u = state[:, 2 * k:]
        ys = torch.cat([kept_y, y], 1)
        us = torch.cat([kept_u, inputs], 1)
        # the input frames are read by the gate alone: at its size
        us_gate = self.at_gate_size(us)
        # the flows from each frame of the call to the next (pair i: ys[k - 1 + i] -> ys[k + i]), at the flow's
        # own resolution
        flows_on = self.pair_flows(ys[:, k - 1:k - 1 + t], ys[:, k:])
        fused = torch.cat([kept_fused, self.forward_pass(ys[:, k - 1:], us_gate[:, k - 1:], kept_fused[:, k - 1],
                                                        flows_on)],
                          1)
        new_state = torch.cat([fused[:, t:], ys[:, t:], us[:, t:]], 1)
        first = k - self.lookahead      # where this call's outputs start in fused / ys / us
        if self.lookahead == 0:
            return fused[:, first:first + t], new_state
        backward = self.backward_pass(ys, us_gate, t, flows_on)
        # y plus the forward recursion's step toward the past plus the backward one's toward the future
        return fused[:, :t] + backward - ys[:, :t], new_state

    def forward_pass(self, ys: Tensor, us: Tensor, fused: Tensor, flows_on: Tensor) -> Tensor:
        """The recursion along the stream: frames 1 .. T of ys [N, 1 + T, ...] (us: their input frames), each
        averaged with the previous result warped onto it, starting from `fused`, the fused frame 0; flows_on: the
        flows of the T pairs (pair_flows). Returns [N, T, 3, Hp, Wp]."""
        t = ys.size(1) - 1
        # all that does not depend on the recursion for every frame of the call at once (one batched op each
        # instead of one per frame: measured, the frame-by-frame loop is what the fusion costs on a GPU)
        flows, u_pulled, noise = self.motion(flows_on, us[:, :t], us[:, 1:], list(ys.shape[2:]))
        outs: List[Tensor] = []
        for i in range(t):
            fused = self.blend(ys[:, i + 1], fused, flows[:, i], us[:, i + 1], u_pulled[:, i], noise[:, i])
            outs.append(fused)
        return torch.stack(outs, 1)

    def backward_pass(self, ys: Tensor, us: Tensor, t: int, flows_on: Tensor) -> Tensor:
        """The same recursion run back in time over the lookahead: for each of the first t frames of ys
        [N, lookahead + t, ...] (us: their input frames), the lookahead frames after it averaged onto it, the last
        first, with the same gate. The t chains are independent, so they run side by side: lookahead steps of one
        batched gate call each. flows_on: the forward pass's flows, from ys[lookahead - 1 + i] to the frame after
        (used, inverted, where the config says invert_flow). Returns [N, t, 3, Hp, Wp]."""
        n = ys.size(0)
        frame = list(ys.shape[2:])
        # pair j: frame j + 1 onto frame j
        if self.inverts_flow:
            # every pair back is its flow forward turned round: pairs lookahead - 1 .. are the forward pass's; the
            # lookahead - 1 before them (none for a look-ahead of 1) were an earlier call's, so their flows forward
            # are estimated again (the same flows: a chunked stream stays equal to the whole clip)
            forward_on = flows_on
            if self.lookahead > 1:
                forward_on = torch.cat([self.pair_flows(ys[:, :self.lookahead - 1], ys[:, 1:self.lookahead]), flows_on], 1)
            p = forward_on.size(1)
            back_on = invert_flow(forward_on.reshape([n * p] + list(forward_on.shape[2:]))).reshape(forward_on.shape)
        else:
            back_on = self.pair_flows(ys[:, 1:], ys[:, :-1])
        flows, u_pulled, noise = self.motion(back_on, us[:, 1:], us[:, :-1], frame)
        flat = [n * t] + frame
        flat_u = [n * t] + list(us.shape[2:])
        back = ys[:, self.lookahead:self.lookahead + t].reshape(flat)
        for step in range(1, self.lookahead + 1):
            j = self.lookahead - step     # chain i is at frame i + j
            back = self.blend(ys[:, j:j + t].reshape(flat), back,
                              flows[:, j:j + t].reshape([n * t, 2, frame[1], frame[2]]),
                              us[:, j:j + t].reshape(flat_u), u_pulled[:, j:j + t].reshape(flat_u),
                              noise[:, j:j + t].reshape([n * t, noise.size(2)]))
        return back.reshape([n, t] + frame)

    def pair_flows(self, src: Tensor, dst: Tensor) -> Tensor:
        """The flows that warp restored frames src onto dst [N, P, 3, Hp, Wp]: [N, P, 2, Hp / s, Wp / s] at the
        flow's finest level s, in float32 and in pixels of that level."""
        n, p = src.size(0), src.size(1)
        flat = [n * p] + list(src.shape[2:])
        flows = self.flow(src.reshape(flat), dst.reshape(flat))[-1]
        return flows.reshape([n, p] + list(flows.shape[1:]))

    def motion(self, flows_on: Tensor, src_u: Tensor, dst_u: Tensor, frame: List[int]) -> Tuple[Tensor, Tensor, Tensor]:
        """For the flows of pairs of restored frames of size `frame` [3, Hp, Wp] (pair_flows) and the input frames
        src_u, dst_u of the pairs at the gate's size [N, P, 3, Hg, Wg] (at_gate_size): the flows at the frames' size
        [N, P, 2, Hp, Wp], src_u warped along them at the gate's size and dst_u's noise estimates against it [N, P, 2]."""
        n, p = src_u.size(0), src_u.size(1)
        small = list(src_u.shape[2:])
        flat_on = [n * p] + list(flows_on.shape[2:])
        flows = resize_flow(flows_on.reshape(flat_on), frame[1], frame[2])
        flows_u = flows if small[1] == frame[1] else resize_flow(flows_on.reshape(flat_on), small[1], small[2])
        u_pulled = warp(src_u.reshape([n * p] + small), flows_u, bicubic=True)
        noise = noise_levels(dst_u.reshape([n * p] + small), u_pulled, self.noise_gain)
        return (flows.reshape([n, p, 2, frame[1], frame[2]]), u_pulled.reshape([n, p] + small),
                noise.reshape([n, p, noise.size(1)]))

    def at_gate_size(self, frames: Tensor) -> Tensor:
        """Frames [N, K, 3, H, W] box-averaged to the gate's size (as they are for gate_scale 1)."""
        if self.gate_scale == 1:
            return frames
        n, k = frames.size(0), frames.size(1)
        small = F.avg_pool2d(frames.reshape([n * k] + list(frames.shape[2:])), self.gate_scale)
        return small.reshape([n, k] + list(small.shape[1:]))

    def blend(self, y: Tensor, neighbour: Tensor, flow: Tensor, u: Tensor, u_pulled: Tensor, noise: Tensor) -> Tensor:
        """One step of either recursion: y [N, 3, Hp, Wp] moved toward `neighbour` warped onto it along `flow`, by
        the gate's weight."""
        pulled = warp(neighbour, flow, bicubic=True)
        w = self.gate(y, pulled, u, u_pulled, noise)
        return y + w * (pulled - y)


def noise_levels(u: Tensor, u_pulled: Tensor, gain: float) -> Tensor:
    """[N, 2]: two estimates of how noisy each input frame u [N, 3, H, W] is, scaled by NOISE_GAIN. Spatial: the
    mean absolute response of the luma to a Laplacian that cancels smooth ramps (Immerkaer's estimator: texture
    raises it too). Temporal: the median absolute luma difference to the previous input frame warped onto it
    (u_pulled): low for a clean input where the flow holds, raised by noise, compression flicker and misalignment.
    Both times `gain` (NOISE_GAIN).
    A per-pixel gate cannot tell a clean clip from a noisy one where both are flat; these can."""
    luma = u.float().mean(1, keepdim=True)
    kernel = torch.tensor([[1.0, -2.0, 1.0], [-2.0, 4.0, -2.0], [1.0, -2.0, 1.0]], device=u.device).view(1, 1, 3, 3)
    spatial = F.conv2d(luma, kernel).abs().mean(dim=[1, 2, 3]) * 0.2089   # sqrt(pi / 2) / 6
    temporal = (u_pulled.float().mean(1) - luma[:, 0]).abs().flatten(1).median(dim=1).values
    return torch.stack([spatial, temporal], 1) * gain

