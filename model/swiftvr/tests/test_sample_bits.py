"""16-bit samples through the module (the contract's stream.sample_bits): [T,H,W,3,2] bytes of 16-bit samples in
(low byte first, FFmpeg's rgb48le), the same out, for 10-bit sources that must not be cut to 8 bits on the way
through the model."""

import dataclasses

import pytest
import torch

from swiftvr.bundle import synthetic_clip
from swiftvr.config import tiny
from swiftvr.restorer import OUTPUT_FLOAT32, OUTPUT_UINT16, OUTPUT_UINT8, build_restorer, empty_state
from swiftvr.stream import restore_official


@pytest.fixture(scope="module")
def model():
    return build_restorer(tiny(), seed=0)


def call(m, frames, out_size, output, states=None):
    states = empty_state() if states is None else states
    return m(frames, torch.tensor(out_size), torch.tensor([0]), torch.tensor([output]), *states)


def as_rgb48le(samples16: torch.Tensor) -> torch.Tensor:
    """0..65535 (int32) [..., 3] -> [..., 3, 2] uint8, low byte first: the bytes of FFmpeg's rgb48le."""
    return torch.stack([samples16 & 0xFF, samples16 >> 8], -1).to(torch.uint8)


def unsigned(pairs: torch.Tensor) -> torch.Tensor:
    p = pairs.to(torch.int32)
    return p[..., 0] + p[..., 1] * 256


def ramp16(frames=4, h=8, w=40):
    """A smooth horizontal ramp over 1/8 of the range in 16-bit samples: 8192 levels that 8 bits cut to 33."""
    x = torch.linspace(20000, 28191, w).round().to(torch.int32)
    return x[None, None, :, None].expand(frames, h, w, 3).contiguous()


def test_16bit_output_is_the_float_output_rounded_to_65535_levels(model):
    frames = synthetic_clip(4, 8, 8, seed=3)
    f = call(model, frames, [33, 47], OUTPUT_FLOAT32)[0]
    u16 = call(model, frames, [33, 47], OUTPUT_UINT16)[0]
    assert u16.dtype == torch.uint8 and u16.shape == (4, 33, 47, 3, 2)
    assert torch.equal(unsigned(u16), (f * 65535).round().to(torch.int32))
    assert (u16[..., 1] >= 128).any() and (u16[..., 0] != 0).any(), "both bytes carry the sample"


def test_8bit_values_in_16_bits_restore_as_the_8bit_input(model):
    frames = synthetic_clip(4, 8, 8, seed=5)
    as16 = as_rgb48le(frames.to(torch.int32) * 257)    # v * 257 / 65535 == v / 255
    f8 = call(model, frames, [16, 16], OUTPUT_FLOAT32)[0]
    f16 = call(model, as16, [16, 16], OUTPUT_FLOAT32)[0]
    assert (f8 - f16).abs().max() < 1e-5


def test_the_bits_below_8_reach_the_output(model):
    ramp = ramp16()
    cut = (ramp + 128) // 257 * 257            # the same ramp cut to 8 bits and widened again
    assert (ramp != cut).any()
    full = call(model, as_rgb48le(ramp), [8, 40], OUTPUT_FLOAT32)[0]
    coarse = call(model, as_rgb48le(cut), [8, 40], OUTPUT_FLOAT32)[0]
    # the inputs differ by up to 128 / 65535 (2e-3); float32 rounding alone moves outputs by ~1e-7
    assert (full - coarse).abs().max() > 1e-4


def test_uint8_output_from_16bit_input_is_rounded_as_from_floats(model):
    frames = as_rgb48le(ramp16())
    f = call(model, frames, [8, 40], OUTPUT_FLOAT32)[0]
    u8 = call(model, frames, [8, 40], OUTPUT_UINT8)[0]
    assert u8.dtype == torch.uint8 and torch.equal(u8, (f * 255).round().to(torch.uint8))


def test_scripted_module_takes_and_returns_16bit_samples(model):
    scripted = torch.jit.script(model)
    frames = as_rgb48le(ramp16())
    want = call(model, frames, [8, 40], OUTPUT_UINT16)
    got = call(scripted, frames, [8, 40], OUTPUT_UINT16)
    assert got[0].shape == (4, 8, 40, 3, 2) and torch.equal(got[0], want[0])
    nxt = call(scripted, frames, [8, 40], OUTPUT_UINT16, states=list(got[1:]))   # the state carries on
    assert nxt[0].shape == (4, 8, 40, 3, 2)


def test_other_sample_types_are_refused(model):
    with pytest.raises(RuntimeError, match="must be uint8"):
        call(model, synthetic_clip(4, 8, 8, seed=0).float(), [8, 8], OUTPUT_FLOAT32)
    with pytest.raises(RuntimeError, match="3, 2"):
        call(model, synthetic_clip(4, 8, 8, seed=0)[..., None].expand(4, 8, 8, 3, 3), [8, 8], OUTPUT_FLOAT32)


def test_official_protocol_takes_16bit_samples():
    cfg = dataclasses.replace(tiny(), name="tiny-official", detail=None)
    m = torch.jit.script(build_restorer(cfg, seed=4, protocol="official"))
    clip = synthetic_clip(9, 16, 16, seed=9)
    f8 = restore_official(m, clip, (32, 32), 0)
    f16 = restore_official(m, as_rgb48le(clip.to(torch.int32) * 257), (32, 32), 0)
    assert f8.shape == f16.shape == (9, 32, 32, 3)
    assert (f8 - f16).abs().max() < 1e-5
