"""ReAE streaming: chunked encode/decode with carried state equals the whole clip."""

import pytest
import torch
import torch.nn.functional as F

from swiftvr.config import DECODER_LAG_FRAMES, tiny
from swiftvr.reae import MemBlock, ReAEDecoder, ReAEEncoder, TGrow, TPool, empty_states
from swiftvr.restorer import _init_reae_

TOL = dict(rtol=1e-5, atol=1e-5)


def make(cls):
    torch.manual_seed(0)
    m = cls(tiny().reae).double().eval()
    _init_reae_(m)
    return m


def run_chunks(module, clip, sizes):
    states = empty_states(9)
    outs = []
    start = 0
    for n in sizes:
        out, states = module(clip[start:start + n], states)
        outs.append(out)
        start += n
    return torch.cat(outs), states


def test_encoder_chunked_equals_whole_clip():
    enc = make(ReAEEncoder)
    clip = torch.rand(28 + 24 + 24, 3, 64, 96, dtype=torch.float64)
    with torch.no_grad():
        whole, whole_states = enc(clip, empty_states(9))
        chunked, chunk_states = run_chunks(enc, clip, [28, 24, 24])
    assert whole.shape == (19, 8, 4, 6)
    torch.testing.assert_close(chunked, whole, **TOL)
    for a, b in zip(chunk_states, whole_states):
        torch.testing.assert_close(a, b, **TOL)


def test_decoder_chunked_equals_whole_clip_with_first_chunk_trim():
    dec = make(ReAEDecoder)
    latents = torch.randn(7 + 6 + 6, 8, 3, 4, dtype=torch.float64)
    with torch.no_grad():
        whole, _ = dec(latents, empty_states(9))
        chunked, _ = run_chunks(dec, latents, [7, 6, 6])
    assert whole.shape == (76, 3, 48, 64)
    torch.testing.assert_close(chunked, whole, **TOL)
    # the stream's first 3 decoded frames are causal padding; what remains lines up exactly
    torch.testing.assert_close(chunked[DECODER_LAG_FRAMES:], whole[DECODER_LAG_FRAMES:], **TOL)
    assert chunked[DECODER_LAG_FRAMES:].shape[0] == 76 - 3


def test_state_is_what_makes_chunks_agree():
    """Dropping the state between chunks must change the result (the test above can fail)."""
    dec = make(ReAEDecoder)
    latents = torch.randn(12, 8, 3, 4, dtype=torch.float64)
    with torch.no_grad():
        whole, _ = dec(latents, empty_states(9))
        first, _ = dec(latents[:6], empty_states(9))
        second_cold, _ = dec(latents[6:], empty_states(9))
    assert (second_cold - whole[24:]).abs().max() > 1e-3
    torch.testing.assert_close(first, whole[:24], **TOL)


def test_memblock_uses_its_previous_input():
    torch.manual_seed(1)
    block = MemBlock(4).double()
    x = torch.randn(5, 4, 6, 6, dtype=torch.float64)
    with torch.no_grad():
        out, state = block(x, torch.empty(0))
        for t in range(5):
            past = x[t - 1:t] if t > 0 else torch.zeros_like(x[:1])
            y = F.relu(block.conv_in(torch.cat([x[t:t + 1], past], 1)))
            y = block.conv_out(F.relu(block.conv_mid(y)))
            torch.testing.assert_close(out[t:t + 1], F.relu(y + x[t:t + 1]))
    assert torch.equal(state, x[-1:])


def test_tgrow_equals_nearest_repeat_then_grouped_conv3d():
    torch.manual_seed(2)
    grow = TGrow(5, 2).double()
    x = torch.randn(3, 5, 4, 4, dtype=torch.float64)
    # reference: nearest x2 in time inside each frame's group, Conv3d (3,1,1) zero-padded per group
    groups = x.unsqueeze(2).expand(3, 5, 2, 4, 4)
    ref = F.conv3d(groups, grow.weight, padding=(1, 0, 0))           # [3, C, 2, H, W]
    ref = ref.permute(0, 2, 1, 3, 4).reshape(6, 5, 4, 4)
    torch.testing.assert_close(grow(x), ref)


def test_tpool_and_encoder_reject_partial_groups():
    with pytest.raises(RuntimeError, match="multiple of 2"):
        TPool(4, 2)(torch.zeros(3, 4, 8, 8))
    enc = make(ReAEEncoder)
    with pytest.raises(RuntimeError, match="multiple of 4"):
        enc(torch.zeros(6, 3, 32, 32, dtype=torch.float64), empty_states(9))


def test_state_from_another_resolution_is_rejected():
    enc = make(ReAEEncoder)
    _, states = enc(torch.zeros(4, 3, 32, 32, dtype=torch.float64), empty_states(9))
    with pytest.raises(RuntimeError, match="another resolution"):
        enc(torch.zeros(4, 3, 64, 32, dtype=torch.float64), states)
