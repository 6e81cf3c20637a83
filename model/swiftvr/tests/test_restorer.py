"""The fused restorer: contract signature, streaming vs unchunked reference, TorchScript, warm-up."""

import io

import pytest
import torch

from swiftvr.bundle import synthetic_clip
from swiftvr.config import STATE_TENSORS, tiny
from swiftvr.dit import SelfAttention
from swiftvr.reae import empty_states
from swiftvr.restorer import build_restorer, empty_state
from swiftvr.rope import rope_tables
from swiftvr.stream import chunk_sizes, chunk_starts, latent_offset, measure_warmup, run_stream
from swiftvr.windows import window_partition
from swiftvr.testing.attention import masked_reference_attention


@pytest.fixture(scope="module")
def model():
    return build_restorer(tiny(), seed=0)


@pytest.fixture(scope="module")
def model64():
    return build_restorer(tiny(), seed=0).double()


def call(m, frames, out_size, t_offset=0, float_output=1, states=None):
    states = empty_state() if states is None else states
    return m(frames, torch.tensor(out_size), torch.tensor([t_offset]), torch.tensor([float_output]), *states)


def test_contract_shapes_and_state_count(model):
    frames = synthetic_clip(28, 10, 14, seed=1)
    out = call(model, frames, [40, 72])
    assert len(out) == 1 + STATE_TENSORS == 20
    assert out[0].shape == (28, 40, 72, 3) and out[0].dtype == torch.float32
    assert 0.0 <= out[0].min() and out[0].max() <= 1.0
    assert all(s.shape[0] == 1 and s.numel() > 0 for s in out[1:19])       # one frame per MemBlock
    assert out[19].shape == (4, 3, 64, 96)       # the detail path's history: 4 resized, padded frames
    # fed back, the states are accepted for the next chunk at the same output size
    nxt = call(model, synthetic_clip(24, 10, 14, seed=2), [40, 72], t_offset=7, states=list(out[1:]))
    assert nxt[0].shape == (24, 40, 72, 3)


def test_uint8_output_is_the_rounded_float_output(model):
    frames = synthetic_clip(4, 8, 8, seed=3)
    f = call(model, frames, [33, 47], float_output=1)[0]
    u = call(model, frames, [33, 47], float_output=0)[0]
    assert u.dtype == torch.uint8 and u.shape == (4, 33, 47, 3)
    assert torch.equal(u, (f * 255).round().to(torch.uint8))


def test_rejects_chunks_that_are_not_multiples_of_4(model):
    with pytest.raises(RuntimeError, match="multiple of 4"):
        call(model, synthetic_clip(6, 8, 8, seed=0), [32, 32])


def unchunked_reference(m, clip, out_size, n):
    """The ReAE and the detail path over the whole clip at once, the DiT over each chunk's latents
    with that chunk's t_offset. Returns (float frames, the whole clip's latents)."""
    with torch.no_grad():
        x = m.preprocess(clip, *out_size)
        latents, _ = m.encode(x, empty_states(9))
        restored = []
        for start, size in zip(chunk_starts(n), chunk_sizes(n)):
            lo = latent_offset(start)
            restored.append(m.transform(latents[lo:lo + size // 4], lo))
        y, _ = m.decode(torch.cat(restored), empty_states(9))
        y, _ = m.refine(x, y, torch.empty(0))                  # the detail path, whole clip too
        return m.postprocess(y, *out_size, True), latents


def test_streaming_equals_unchunked_reference(model64):
    """The ReAE runs over the whole clip at once, the DiT over each chunk's latents with that chunk's
    t_offset: chunked streaming with carried state must give the same frames."""
    m = model64
    n = 3
    clip = synthetic_clip(sum(chunk_sizes(n)), 12, 20, seed=4)
    out_size = (40, 72)
    streamed = run_stream(m, clip, out_size, n)
    reference, latents = unchunked_reference(m, clip, out_size, n)
    got = torch.cat([streamed[k] for k in range(n)])
    torch.testing.assert_close(got, reference.to(got.dtype), rtol=1e-9, atol=1e-9)
    # and the DiT really differs per chunk: one DiT pass over all latents is not the same thing
    with torch.no_grad():
        y_whole, _ = m.decode(m.transform(latents, 0), empty_states(9))
    assert (m.postprocess(y_whole, *out_size, True) - reference).abs().max() > 1e-4


def test_dit_depends_on_relative_time_only(model64):
    """RoPE with absolute coordinates before the window gather: shifting every token's time by the
    same offset leaves all attention scores, hence the output, unchanged."""
    z = torch.randn(1, 8, 6, 4, 6, dtype=torch.float64)
    t = torch.ones(1, dtype=torch.float64)
    with torch.no_grad():
        a = model64.dit(z, t, 0, model64.prompt_emb)
        b = model64.dit(z, t, 12345, model64.prompt_emb)
        c = model64.dit(z.flip(2), t, 0, model64.prompt_emb)
    # RoPE tables and rotations are float32 by design (angles are float64), hence 1e-6, not 1e-12
    torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-6)
    assert (a - c.flip(2)).abs().max() > 1e-3      # but time order matters


def test_self_attention_equals_rope_then_masked_windows():
    torch.manual_seed(5)
    attn = SelfAttention(16, 2, 1e-6).double()
    frames, height, width = 2, 3, 5
    x = torch.randn(1, frames * height * width, 16, dtype=torch.float64)
    rotations = rope_tables(frames, height, width, 9, 8, 10000.0, torch.device("cpu"))
    for shifted in (False, True):
        gather, owner, nw, lw = window_partition(frames, height, width, 2, 2, shifted, torch.device("cpu"))
        got = attn(x, rotations, gather, owner, nw, lw)
        q, k, v = attn.to_qkv(x).chunk(3, -1)
        shape = (1, frames * height * width, 2, 8)
        q = apply_rope_reference(attn.norm_q(q).view(shape), rotations)
        k = apply_rope_reference(attn.norm_k(k).view(shape), rotations)
        ref = masked_reference_attention(q, k, v.reshape(shape), frames, height, width, 2, 2, shifted)
        torch.testing.assert_close(got, attn.to_out(ref), rtol=1e-10, atol=1e-10)


def apply_rope_reference(x, rotations):
    """Real-valued rotation of the pairs (2i, 2i+1) by the angles of `rotations`."""
    cos, sin = rotations.real.double(), rotations.imag.double()
    x1, x2 = x[..., 0::2], x[..., 1::2]
    c, s = cos[None, :, None, :], sin[None, :, None, :]
    return torch.stack([x1 * c - x2 * s, x1 * s + x2 * c], dim=-1).flatten(-2)


def test_rope_angles_follow_wan_axis_split():
    rot = rope_tables(3, 4, 5, 10, 16, 10000.0, torch.device("cpu"))      # axis dims 8 / 4 / 4
    assert rot.shape == (60, 8) and rot.dtype == torch.complex64
    angles = rot.angle().view(3, 4, 5, 8)
    # pair 0 of each axis has frequency 1: the angle is the (wrapped) coordinate itself
    torch.testing.assert_close(angles[:, 0, 0, 0], torch.remainder(torch.tensor([10., 11., 12.]) + torch.pi,
                                                                   2 * torch.pi) - torch.pi)
    torch.testing.assert_close(angles[0, :, 0, 4], torch.tensor([0., 1., 2., 3.]))
    torch.testing.assert_close(angles[0, 0, :, 6], torch.tensor([0., 1., 2., 3., -2.2831853]))
    # temporal pair 1: frequency 10000^(-2/8)
    torch.testing.assert_close(angles[1, 0, 0, 1], torch.tensor(11 * 10000 ** -0.25))


def test_scripted_module_equals_eager_after_save_and_load(model):
    scripted = torch.jit.script(model)
    buf = io.BytesIO()
    torch.jit.save(scripted, buf)
    buf.seek(0)
    loaded = torch.jit.load(buf)
    clip = synthetic_clip(sum(chunk_sizes(2)), 9, 13, seed=6)
    eager = run_stream(model, clip, (36, 70), 2)
    script = run_stream(loaded, clip, (36, 70), 2)
    for k in eager:
        assert torch.equal(eager[k], script[k])


def test_channels_last_gives_the_same_frames():
    plain = build_restorer(tiny(), seed=0)
    nhwc = build_restorer(tiny(), seed=0, channels_last=True)
    clip = synthetic_clip(28, 9, 13, seed=8)
    a = run_stream(plain, clip, (36, 70), 1)[0]
    b = run_stream(torch.jit.script(nhwc), clip, (36, 70), 1)[0]
    torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-5)


def test_warmup_is_measured_not_assumed(model):
    """Restarting with empty state w chunks early reproduces chunk k exactly only once w covers the
    ReAE's temporal receptive field through the DiT's chunk-wide attention; with fewer, it differs."""
    clip = synthetic_clip(sum(chunk_sizes(7)), 8, 8, seed=9)
    result = measure_warmup(model, clip, (32, 64), 7, threshold=0.0)
    assert result.warmup_chunks == 4
    assert result.max_abs_diff_by_warmup[1] > 1e-4
    assert result.max_abs_diff_by_warmup[3] > 0.0
    assert result.max_abs_diff_by_warmup[4] == 0.0 and result.max_abs_diff_by_warmup[5] == 0.0


def test_detail_path_sees_the_centre_frame_and_its_neighbours():
    """Output frame j restores input frame j - 3 from frames j - 4, j - 3, j - 2 (and the latent
    path's output): with the residual and the latent path zeroed it is exactly the resized frame j - 3."""
    from swiftvr.detail import DetailNet
    m = build_restorer(tiny(), seed=0).double()
    with torch.no_grad():
        m.detail.conv_out.weight.zero_()
        m.detail.conv_out.bias.zero_()
    frames = synthetic_clip(28, 8, 8, seed=4)
    out = call(m, frames, [8, 8])[0]                         # same size: the resize is the identity
    x = frames.float() / 255.0
    torch.testing.assert_close(out[3:], x[:25])
    torch.testing.assert_close(out[:3], x[:1].expand(3, -1, -1, -1))   # history of the first frame
    # the residual reads the neighbours: changing frame j - 2 alone changes output j with random weights
    r = build_restorer(tiny(), seed=0).double()
    changed = frames.clone()
    changed[10] = 255 - changed[10]
    a, b = call(r, frames, [8, 8])[0], call(r, changed, [8, 8])[0]
    assert (a[12] - b[12]).abs().max() > 1e-3                # output 12 restores frame 9; 10 is its next
    assert isinstance(r.detail, DetailNet)


def multilevel_tiny():
    """tiny() with a detail path of three levels (the shape `small` ships since its fifth version)."""
    import dataclasses
    from swiftvr.config import DetailConfig
    return dataclasses.replace(tiny(), detail=DetailConfig(channels=8, blocks=1, widths=(12, 16)))


def assert_streams_exactly_and_scripts(m):
    """Chunked streaming of the float64 module m equals the whole clip, and the scripted module
    (what Java runs) gives the eager module's frames (m is left in float32)."""
    n = 2
    clip = synthetic_clip(sum(chunk_sizes(n)), 12, 20, seed=6)
    out_size = (40, 72)
    streamed = torch.cat([f for f in run_stream(m, clip, out_size, n).values()])
    reference, _ = unchunked_reference(m, clip, out_size, n)
    torch.testing.assert_close(streamed, reference.to(streamed.dtype), rtol=1e-9, atol=1e-9)
    frames = synthetic_clip(8, 12, 20, seed=7)
    eager = call(m.float(), frames, [40, 72])
    script = torch.jit.script(m)
    scripted = call(script, frames, [40, 72])
    for a, b in zip(eager, scripted):
        torch.testing.assert_close(a, b)
    # and a second call that starts from the state the first one returned
    following = synthetic_clip(8, 12, 20, seed=8)
    eager = call(m, following, [40, 72], t_offset=2, states=list(eager[1:]))
    scripted = call(script, following, [40, 72], t_offset=2, states=list(scripted[1:]))
    for a, b in zip(eager, scripted):
        torch.testing.assert_close(a, b)


def test_multilevel_detail_path_streams_exactly_and_scripts():
    """Coarser detail levels change no contract: chunked streaming still equals the whole clip, and
    the scripted module (what Java runs) gives the eager module's frames."""
    m = build_restorer(multilevel_tiny(), seed=0).double()
    assert len(m.detail.downs) == 2 and len(m.detail.ups) == 2
    assert_streams_exactly_and_scripts(m)


def test_coarse_detail_levels_widen_what_a_pixel_sees():
    """One pixel of the input changes output pixels further away with the coarser levels than
    the one-level net of the same top width and blocks can reach."""
    from swiftvr.detail import DetailNet
    import dataclasses
    reach = {}
    for widths in [(), (12, 16)]:
        torch.manual_seed(0)
        net = DetailNet(dataclasses.replace(multilevel_tiny().detail, widths=widths)).double()
        torch.nn.init.normal_(net.conv_out.weight, std=0.1)
        x = torch.zeros(1, 3, 64, 64, dtype=torch.float64)
        poked = x.clone()
        poked[..., 32, 32] = 1.0
        with torch.no_grad():
            diff = (net.residual([poked] * 3, poked) - net.residual([x] * 3, x)).abs().amax(dim=(0, 1))
        cols = (diff > 1e-12).any(0).nonzero()
        reach[widths] = int((cols - 32).abs().max())
    assert reach[(12, 16)] > reach[()] + 8, reach


def wide_window_tiny():
    """multilevel_tiny() reading two input frames on each side of the restored one."""
    import dataclasses
    base = multilevel_tiny()
    return dataclasses.replace(base, detail=dataclasses.replace(base.detail, frames_before=2, frames_after=2))


def detail_path_only(m):
    """m with its latent path zeroed (a constant output), so that only the detail path reads the input."""
    with torch.no_grad():
        for p in list(m.encoder.parameters()) + list(m.decoder.parameters()) + list(m.dit.parameters()):
            p.zero_()
    return m


def assert_output_reads(m, frames, offsets, tolerance: float = 0.0, lag: int = 3):
    """For each (offset, reads): output j = 14 of m on `frames` (restoring c = j - lag) changes by more than
    `tolerance` when input frame c + offset is inverted, exactly when `reads`."""
    base = call(m, frames, [8, 8])[0]
    j = 14
    c = j - lag
    for offset, reads in offsets:
        changed = frames.clone()
        changed[c + offset] = 255 - changed[c + offset]
        diff = (call(m, changed, [8, 8])[0][j] - base[j]).abs().max().item()
        assert (diff > tolerance) == reads, (offset, diff)


def test_wider_detail_window_reads_exactly_its_frames_streams_and_scripts():
    """With frames_before = frames_after = 2, output j (restoring c = j - 3) changes when input
    frame c - 2 or c + 2 changes and not when c - 3 or c + 3 does (the latent path zeroed, so only
    the detail path reads the input); the history grows by one frame; chunked streaming still equals
    the whole clip, and the scripted module gives the eager module's frames."""
    m = detail_path_only(build_restorer(wide_window_tiny(), seed=0).double())
    frames = synthetic_clip(28, 8, 8, seed=4)
    assert_output_reads(m, frames, [(-3, False), (-2, True), (2, True), (3, False)], tolerance=1e-6)
    assert call(m, frames, [8, 8])[-1].shape[0] == 5                # history: lag 3 + 2 frames before

    m = build_restorer(wide_window_tiny(), seed=0).double()
    assert_streams_exactly_and_scripts(m)


def propagating_tiny(channels: int = 12):
    """multilevel_tiny() whose detail path carries features and its restored frame along the clip."""
    import dataclasses
    base = multilevel_tiny()
    return dataclasses.replace(base, detail=dataclasses.replace(base.detail, propagate=channels))


def test_warp_moves_a_picture_by_its_flow():
    """warp samples the image at p + flow(p): a flow of (+2, -1) pixels everywhere brings pixel (y - 1, x + 2)
    to (y, x), and edges repeat (top row, right column); resize_flow scales both components with the size."""
    from swiftvr.flow import resize_flow, warp
    img = torch.arange(2 * 3 * 8 * 10, dtype=torch.float64).view(2, 3, 8, 10)
    flow = torch.zeros(2, 2, 8, 10)
    flow[:, 0], flow[:, 1] = 2.0, -1.0
    out = warp(img, flow)
    assert out.dtype == torch.float64
    # positions are computed in float32: exact to about 1e-7 of the image's values (up to 479 here)
    torch.testing.assert_close(out[:, :, 1:, :8], img[:, :, :7, 2:], atol=1e-4, rtol=0)
    torch.testing.assert_close(out[:, :, 0, :8], img[:, :, 0, 2:], atol=1e-4, rtol=0)   # row -1 repeats row 0
    torch.testing.assert_close(out[:, :, 1:, 8:], img[:, :, :7, 9:].expand(-1, -1, -1, 2), atol=1e-4, rtol=0)  # and column 9
    big = resize_flow(flow, 16, 20)
    assert big.shape == (2, 2, 16, 20)
    assert torch.allclose(big[:, 0], torch.full((2, 16, 20), 4.0)) and torch.allclose(big[:, 1], torch.full((2, 16, 20), -2.0))


def test_pyramid_flow_finds_the_motion_of_camera_paths():
    """PyramidFlow's flow between consecutive frames of a slow pan with zoom and of a fast hand-held path (exact
    flow: data/camera.py path_flow) is within a fraction of a pixel where the photo has texture, a small share of
    the motion itself, and it returns one flow per level at that level's size."""
    import os
    from swiftvr.data.camera import handheld_path, path_flow, random_path, render
    from swiftvr.flow import FLOW_SCALES, PyramidFlow, resize_flow
    torch.manual_seed(0)
    photo = torch.nn.functional.avg_pool2d(torch.rand(1, 3, 600, 800), 3, stride=1, padding=1)[0]
    inner = (..., slice(16, -16), slice(16, -16))
    for make in (random_path, handheld_path):
        path = make(6, 128, 160, 600, 800, torch.Generator().manual_seed(5))
        clip, true = render(photo, path, 128, 160), path_flow(path, 128, 160)
        flows = PyramidFlow()(clip[:-1], clip[1:])
        assert [tuple(f.shape[-2:]) for f in flows] == [(128 // s, 160 // s) for s in FLOW_SCALES]
        error = (resize_flow(flows[-1], 128, 160) - true).norm(dim=1)[inner].median()
        motion = true.norm(dim=1)[inner].median()
        assert motion > 0.5 and error < 0.25 * motion and error < 0.5, (make, error, motion)


def test_propagating_detail_path_reaches_back_along_the_clip_streams_and_scripts():
    """With propagation, output j (restoring c = j - 3) changes when input frame c - 3, outside its window, changes
    (it travels on in the carried frame and features) and not when c + 2 does (the stream stays causal within the
    lag); the state holds the history, the restored frame and the features (12 channels: one slot); chunked
    streaming equals the whole clip, and the scripted module gives the eager module's frames."""
    m = detail_path_only(build_restorer(propagating_tiny(), seed=0).double())
    frames = synthetic_clip(28, 8, 8, seed=4)
    assert call(m, frames, [8, 8])[-1].shape == (4 + 1 + 1, 3, 32, 32)
    assert_output_reads(m, frames, [(-3, True), (-6, True), (2, False)])
    assert_streams_exactly_and_scripts(build_restorer(propagating_tiny(24), seed=0).double())


def fusing_tiny(channels: int = 8, propagate: int = 0, lookahead: int = 0):
    """multilevel_tiny() with a temporal fusion at the end of its detail path (and propagation, or a look-ahead,
    when asked)."""
    import dataclasses
    base = multilevel_tiny()
    return dataclasses.replace(base, detail=dataclasses.replace(base.detail, fuse=channels, propagate=propagate,
                                                                lookahead=lookahead))


def test_temporal_fusion_carries_the_past_streams_and_scripts():
    """With temporal fusion, output j also depends on input frames long before its window (the fused past travels
    on), never on frames beyond the lag; the state ends with the fused and the unfused last frame; chunked streaming
    equals the whole clip and the scripted module gives the eager module's frames, also together with propagation.
    A gate that takes nothing of the past (weight 0) gives the path without fusion."""
    m = detail_path_only(build_restorer(fusing_tiny(), seed=0).double())
    with torch.no_grad():
        torch.nn.init.constant_(m.detail.fusion.conv_out.bias, 0.0)   # take half of the past
    frames = synthetic_clip(28, 8, 8, seed=4)
    assert call(m, frames, [8, 8])[-1].shape == (4 + 3, 3, 32, 32)      # history, then fused, unfused, input
    assert_output_reads(m, frames, [(-6, True), (-9, True), (2, False)])
    assert_streams_exactly_and_scripts(m)
    assert_streams_exactly_and_scripts(build_restorer(fusing_tiny(propagate=12), seed=0).double())
    import dataclasses
    plain = build_restorer(multilevel_tiny(), seed=0).double()
    fused = build_restorer(fusing_tiny(), seed=0).double()
    fused.load_state_dict(plain.state_dict(), strict=False)
    with torch.no_grad():
        torch.nn.init.constant_(fused.detail.fusion.conv_out.bias, -1e4)
    torch.testing.assert_close(call(fused, frames, [8, 8])[0], call(plain, frames, [8, 8])[0], atol=1e-12, rtol=0)
    with pytest.raises(ValueError, match="fusion needs frames_before"):
        dataclasses.replace(multilevel_tiny().detail, fuse=8, frames_before=0)


def test_fusion_lookahead_reads_the_frames_after_streams_and_scripts():
    """With a look-ahead of 2 the stream lags 5 frames: output j restores c = j - 5 and now also reads input frame
    c + 3 (in the detail window of restored frame c + 2, which the backward average reaches), not c + 4; the
    state keeps 2 fused, 2 unfused and 2 input frames; chunked streaming equals the whole clip and the scripted module
    gives the eager module's frames. The same weights run with and without it, and with a gate that takes nothing
    it is the path without fusion, two frames later. A look-ahead needs a fusion and a lag within the first chunk."""
    import dataclasses
    cfg = fusing_tiny(lookahead=2)
    assert cfg.output_lag == 5 and fusing_tiny().output_lag == 3
    m = detail_path_only(build_restorer(cfg, seed=0).double())
    with torch.no_grad():
        torch.nn.init.constant_(m.detail.fusion.conv_out.bias, 0.0)
    frames = synthetic_clip(28, 8, 8, seed=4)
    assert call(m, frames, [8, 8])[-1].shape == (4 + 6, 3, 32, 32)
    assert_output_reads(m, frames, [(-6, True), (2, True), (3, True), (4, False)], lag=5)
    assert_streams_exactly_and_scripts(m)

    plain = build_restorer(multilevel_tiny(), seed=0).double()
    looking = build_restorer(cfg, seed=0).double()
    looking.load_state_dict(plain.state_dict(), strict=False)
    with torch.no_grad():
        torch.nn.init.constant_(looking.detail.fusion.conv_out.bias, -1e4)
    torch.testing.assert_close(call(looking, frames, [8, 8])[0][5:], call(plain, frames, [8, 8])[0][3:-2],
                               atol=1e-12, rtol=0)
    with pytest.raises(ValueError, match="only with a temporal fusion"):
        dataclasses.replace(multilevel_tiny().detail, lookahead=2)
    with pytest.raises(ValueError, match="within the first chunk"):
        fusing_tiny(lookahead=25)


def test_cheap_fusion_streams_scripts_and_reads_one_frame_ahead():
    """The default model's cheaper fusion (issue 29): the gate at half resolution, flows down to 1/4, the look-ahead's
    flows back inverted from the flows forward. With a look-ahead of 1 the stream lags 4 frames and output j
    (restoring c = j - 4) reads input frame c + 2 (in the window of restored frame c + 1), not c + 3; chunked streaming
    equals the whole clip and the scripted module gives the eager module's frames, also with a look-ahead of 2 (whose
    first pair back in each call inverts a flow forward of the call before, estimated again). Inverting a uniform flow
    gives its negative; the pyramid stops at 1/4."""
    import dataclasses
    from swiftvr.flow import PyramidFlow, invert_flow
    def cheap(lookahead):
        cfg = fusing_tiny(lookahead=lookahead)
        return dataclasses.replace(cfg, detail=dataclasses.replace(cfg.detail, gate_scale=2, flow_scale=4,
                                                                   invert_flow=True))
    cfg = cheap(1)
    assert cfg.output_lag == 4
    m = detail_path_only(build_restorer(cfg, seed=0).double())
    with torch.no_grad():
        torch.nn.init.constant_(m.detail.fusion.conv_out.bias, 0.0)
    frames = synthetic_clip(28, 8, 8, seed=4)
    assert call(m, frames, [8, 8])[-1].shape == (4 + 3, 3, 32, 32)
    assert_output_reads(m, frames, [(-6, True), (2, True), (3, False)], lag=4)
    assert_streams_exactly_and_scripts(m)
    assert_streams_exactly_and_scripts(build_restorer(cheap(2), seed=0).double())
    uniform = torch.tensor([1.5, -0.75]).view(1, 2, 1, 1).expand(2, 2, 8, 12).contiguous()
    torch.testing.assert_close(invert_flow(uniform), -uniform)
    levels = PyramidFlow(finest=4)(torch.rand(2, 3, 32, 32), torch.rand(2, 3, 32, 32))
    assert [tuple(f.shape[-2:]) for f in levels] == [(2, 2), (4, 4), (8, 8)]
    with pytest.raises(ValueError, match="fusion gate at 1/3"):
        dataclasses.replace(cfg.detail, gate_scale=3)
