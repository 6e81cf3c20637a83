"""Model configurations: `official` (SwiftVR / Wan2.2-TI2V-5B dims), `small` (the default shipped
model, sized for CPU inference) and `tiny` (unit tests and Java golden files).

Every config keeps the geometry the stream protocol depends on: x16 spatial and x4 temporal
compression in the ReAE and a (1, 2, 2) DiT patch, i.e. one DiT token per 32x32 output pixels and
one latent frame per 4 input frames. The ReAE topology (3 stages x 3 MemBlocks in the encoder and
in the decoder) is fixed too: 18 streaming state tensors, plus one for the optional detail path
(swiftvr/detail.py; empty when a config has none), so every bundle has the same 19 state tensors;
only widths change between configs.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

# Geometry shared by every config (the bundle contract relies on these).
PIXEL_MULTIPLE = 32          # output frames are padded to a multiple of this before encoding
TEMPORAL_FACTOR = 4          # input frames per latent frame
PATCH_SIZE = (1, 2, 2)       # DiT patch (t, h, w) in latent units
MEMBLOCKS_PER_STAGE = 3
ENCODER_TIME_POOL = (2, 2, 1)   # TPool stride of the 3 encoder stages
DECODER_TIME_GROW = (1, 2, 2)   # TGrow stride of the 3 decoder stages
REAE_STATE_TENSORS = 2 * len(ENCODER_TIME_POOL) * MEMBLOCKS_PER_STAGE   # one frame per MemBlock
STATE_TENSORS = REAE_STATE_TENSORS + 1   # + the detail path's frame history (empty without one)
DECODER_LAG_FRAMES = 3       # output frame j of a stream restores input frame j - 3
PROPAGATE_MULTIPLE = 12      # half-resolution feature channels that fill one [3, H, W] frame of state
FIRST_CHUNK_FRAMES = 28
CHUNK_FRAMES = 24


@dataclass(frozen=True)
class ReAEConfig:
    latent_channels: int
    # Encoder widths: after the input conv, then after the stride-2 conv of each of the 3 stages.
    encoder_widths: Tuple[int, int, int, int]
    # Decoder widths: the 3 MemBlock stages, then the last full-resolution conv.
    decoder_widths: Tuple[int, int, int, int]


@dataclass(frozen=True)
class DiTConfig:
    num_layers: int
    num_heads: int
    head_dim: int
    ffn_dim: int
    text_dim: int
    text_len: int                      # tokens of the fixed prompt embedding
    window: Tuple[int, int] = (16, 16)  # MFSWA window (h, w) in tokens
    freq_dim: int = 256                # sinusoidal timestep features
    eps: float = 1e-6
    rope_theta: float = 10000.0

    @property
    def dim(self) -> int:
        return self.num_heads * self.head_dim


@dataclass(frozen=True)
class DetailConfig:
    """The detail path beside the latent path (swiftvr/detail.py): width and residual blocks at the
    top level; `widths` adds coarser levels (each half the resolution of the one above, with these
    widths and `blocks` residual blocks on the way down and again on the way up). Empty: one level.
    `frames_before` / `frames_after`: the input frames around the one being restored that the path
    reads (the first versions read one on each side). Frames after it are free up to the decoder's
    lag (they have arrived by the time the output is due); each frame before it is one more frame
    of history in the detail state."""
    channels: int
    blocks: int
    widths: Tuple[int, ...] = ()
    frames_before: int = 1
    frames_after: int = 1
    # channels of the feature map carried from each restored frame to the next, aligned by optical flow
    # (swiftvr/detail.py, "Propagation"); 0: none, the path sees only its window of input frames
    propagate: int = 0
    # channels of the temporal fusion's gate at the end of the path (swiftvr/fusion.py); 0: no fusion
    fuse: int = 0
    # frames the temporal fusion waits for, to average each frame with the ones after it as well (fusion.py,
    # "Look-ahead"); each adds one frame to the stream's lag (SwiftVRConfig.output_lag)
    lookahead: int = 0
    # the temporal fusion's cost (fusion.py): its gate runs at 1/gate_scale of the frame; its flows stop at the
    # pyramid level 1/flow_scale (flow.FLOW_SCALES); invert_flow: the look-ahead's flows back in time are the flows
    # forward inverted (flow.invert_flow) instead of estimated again. 1, 2, False: the eleventh shipped version's
    gate_scale: int = 1
    flow_scale: int = 2
    invert_flow: bool = False

    @property
    def carried_inputs(self) -> int:
        """First-conv input channels for what propagation carries: the restored frame after the 2x2
        space-to-depth (PROPAGATE_MULTIPLE channels), then the features; 0 without propagation."""
        return PROPAGATE_MULTIPLE + self.propagate if self.propagate else 0

    @property
    def window(self) -> int:
        """Input frames the path reads for one output: frames_before, the restored one, frames_after."""
        return self.frames_before + 1 + self.frames_after

    def __post_init__(self):
        if self.frames_before < 0 or not 0 <= self.frames_after <= DECODER_LAG_FRAMES:
            raise ValueError(f"detail window: {self.frames_before} frames before (at least 0) and "
                             f"{self.frames_after} after (0 to the decoder lag, {DECODER_LAG_FRAMES})")
        if self.propagate < 0 or self.propagate % PROPAGATE_MULTIPLE:
            raise ValueError(f"propagate: {self.propagate} channels, need a multiple of {PROPAGATE_MULTIPLE} "
                             "(the carried features travel in the state as whole frames)")
        if self.propagate and self.frames_before < 1:
            raise ValueError("propagate needs frames_before >= 1: the flow to each frame is taken from the one before")
        if self.fuse < 0 or (self.fuse and self.frames_before < 1):
            raise ValueError(f"fuse: {self.fuse} channels (0: none); fusion needs frames_before >= 1, "
                             "it reads the input frame before each restored one")
        if self.lookahead < 0 or (self.lookahead and not self.fuse):
            raise ValueError(f"lookahead: {self.lookahead} frames; at least 0, and only with a temporal fusion (fuse)")
        if self.gate_scale not in (1, 2, 4) or self.flow_scale not in (2, 4, 8, 16):
            raise ValueError(f"fusion gate at 1/{self.gate_scale} (1, 2 or 4) and flow down to 1/{self.flow_scale} "
                             "(2, 4, 8 or 16) of the frame")


@dataclass(frozen=True)
class SwiftVRConfig:
    name: str
    reae: ReAEConfig
    dit: DiTConfig
    detail: Optional[DetailConfig] = None

    def __post_init__(self) -> None:
        if self.dit.head_dim % 2 != 0:
            raise ValueError("head_dim must be even for rotary embeddings")
        if min(self.dit.window) < 1:
            raise ValueError("window must be at least 1x1 token")
        if self.output_lag >= FIRST_CHUNK_FRAMES:
            raise ValueError(f"output lag {self.output_lag} frames: must be within the first chunk ({FIRST_CHUNK_FRAMES})")

    @property
    def latent_channels(self) -> int:
        return self.reae.latent_channels

    @property
    def output_lag(self) -> int:
        """Output frame j of a stream restores input frame j - output_lag: the decoder's lag plus the temporal
        fusion's look-ahead (the bundle's `decoder_lag_frames`)."""
        return DECODER_LAG_FRAMES + (self.detail.lookahead if self.detail is not None else 0)

    def to_dict(self) -> Dict[str, Any]:
        d = dataclasses.asdict(self)
        d["dit"]["dim"] = self.dit.dim
        d["geometry"] = {
            "pixel_multiple": PIXEL_MULTIPLE,
            "temporal_factor": TEMPORAL_FACTOR,
            "patch_size": list(PATCH_SIZE),
            "memblocks_per_stage": MEMBLOCKS_PER_STAGE,
            "encoder_time_pool": list(ENCODER_TIME_POOL),
            "decoder_time_grow": list(DECODER_TIME_GROW),
        }
        return json.loads(json.dumps(d))     # JSON-native (tuples become lists)

    @staticmethod
    def from_dict(d: Dict[str, Any]) -> "SwiftVRConfig":
        reae = d["reae"]
        dit = {k: v for k, v in d["dit"].items() if k != "dim"}
        dit["window"] = tuple(dit["window"])
        detail = d.get("detail")
        return SwiftVRConfig(
            name=d["name"],
            reae=ReAEConfig(
                latent_channels=reae["latent_channels"],
                encoder_widths=tuple(reae["encoder_widths"]),
                decoder_widths=tuple(reae["decoder_widths"]),
            ),
            dit=DiTConfig(**dit),
            detail=DetailConfig(detail["channels"], detail["blocks"], tuple(detail.get("widths", ())),
                                detail.get("frames_before", 1), detail.get("frames_after", 1),
                                detail.get("propagate", 0), detail.get("fuse", 0), detail.get("lookahead", 0),
                                detail.get("gate_scale", 1), detail.get("flow_scale", 2),
                                detail.get("invert_flow", False))
            if detail else None,
        )


def official() -> SwiftVRConfig:
    """SwiftVR as published: Wan2.2-TI2V-5B DiT, ReAE with 48 latent channels."""
    return SwiftVRConfig(
        name="official",
        reae=ReAEConfig(
            latent_channels=48,
            encoder_widths=(64, 64, 64, 64),
            decoder_widths=(512, 256, 128, 64),   # n_f = [256*2, 128*2, 64*2, 64]
        ),
        dit=DiTConfig(num_layers=30, num_heads=24, head_dim=128, ffn_dim=14336,
                      text_dim=4096, text_len=512, window=(16, 16)),
    )


def small() -> SwiftVRConfig:
    """The default shipped model: a 24-frame 640x480 output chunk in a few seconds on 2 CPU cores. Its detail
    path has three levels since the fifth shipped version (the first four had DetailConfig(48, 5))."""
    return SwiftVRConfig(
        name="small",
        reae=ReAEConfig(
            latent_channels=32,
            encoder_widths=(24, 24, 48, 64),
            decoder_widths=(128, 64, 32, 16),
        ),
        dit=DiTConfig(num_layers=6, num_heads=4, head_dim=64, ffn_dim=1024,
                      text_dim=256, text_len=16, window=(16, 16)),
        detail=DetailConfig(channels=48, blocks=2, widths=(96, 128)),
    )


def tiny() -> SwiftVRConfig:
    """For tests and golden files. The 2x2 window makes MFSWA windows overlap even on tiny frames."""
    return SwiftVRConfig(
        name="tiny",
        reae=ReAEConfig(
            latent_channels=8,
            encoder_widths=(4, 4, 8, 8),
            decoder_widths=(8, 8, 8, 4),
        ),
        dit=DiTConfig(num_layers=2, num_heads=2, head_dim=16, ffn_dim=64,
                      text_dim=16, text_len=4, window=(2, 2), freq_dim=32),
        detail=DetailConfig(channels=8, blocks=1),
    )


PRESETS = {"official": official, "small": small, "tiny": tiny}


def preset(name: str) -> SwiftVRConfig:
    try:
        return PRESETS[name]()
    except KeyError:
        raise ValueError(f"unknown config {name!r}; known: {sorted(PRESETS)}") from None
