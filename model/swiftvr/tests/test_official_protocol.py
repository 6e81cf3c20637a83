"""The official stream protocol (docs/bundle-format.md, "Stream protocols"): the release's chunking, tail chunk,
dit_overlap, preprocessing and uint8 conversion, with every input frame kept; TorchScript; sharded = sequential."""

import dataclasses
import json

import pytest
import torch

from swiftvr.bundle import synthetic_clip
from swiftvr.config import tiny
from swiftvr.restorer import FLAG_LAST, OfficialRestorer, build_restorer, empty_state
from swiftvr.stream import (assemble, measure_warmup_official, official_calls, restore_official, run_official)

CFG = dataclasses.replace(tiny(), name="tiny-official", detail=None)


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return build_restorer(CFG, seed=4, protocol="official")


def release_chunks(m):
    """The release's chunks of a 4a+1-frame video (facts of swiftvr/streaming/chunk.py): (start, real frames, last)."""
    if m <= 28:
        return [(0, m, True)]
    out, pos = [(0, 28, False)], 28
    while m - pos > 24:
        out.append((pos, 24, False))
        pos += 24
    return out + [(pos, m - pos, True)]


@pytest.mark.parametrize("frames", list(range(1, 140)))
def test_calls_keep_every_frame_once_and_follow_the_release_on_the_4a1_prefix(frames):
    calls = official_calls(frames)
    m = 4 * ((frames - 1) // 4) + 1
    emitted = [v for c in calls for v in c.emits if v >= 0]
    assert emitted == list(range(frames))                    # every frame once, in order
    sources = [s for c in calls for s in c.sources]
    assert sources == sorted(sources) and sources[-1] == frames - 1
    assert all(len(c.sources) % 4 == 0 and c.start % 4 == 0 for c in calls)
    release = release_chunks(m)
    for c, (start, real, last) in zip(calls, release):
        assert c.start == start and (c.flags & FLAG_LAST != 0) == last
        assert c.sources[:real] == list(range(start, start + real))
        assert c.sources[real:] == ([m - 1] * 3 if last else [])
    extra = calls[len(release):]
    if frames == m:
        assert extra == []
    else:
        (c,) = extra
        assert c.flags & FLAG_LAST and len(c.sources) == (4 if frames - m == 1 else 8)
        assert c.sources[:frames - m] == list(range(m, frames))
        assert [v for v in c.emits if v >= 0] == list(range(m, frames))


def test_frames_past_4a1_leave_the_release_prefix_untouched(model):
    clip = synthetic_clip(60, 16, 24, seed=1)
    for overlap in (0, 1):
        full = restore_official(model, clip, (40, 56), overlap)
        truncated = restore_official(model, clip[:57], (40, 56), overlap)
        assert full.shape[0] == 60
        assert torch.equal(full[:57], truncated)


def _manual_dit(model, latents, t):
    return model.transform(latents, t)


def test_single_chunk_tail_is_front_padded_with_zeros_to_seven_latents(model):
    clip = synthetic_clip(9, 16, 24, seed=2)
    out = restore_official(model, clip, (32, 48))
    with torch.no_grad():
        frames = clip[[*range(9), 8, 8, 8]]
        x = model.preprocess_official(frames, 32, 48)
        lat, _ = model.encode(x, empty_state()[:9])
        z = torch.cat([torch.zeros(4, *lat.shape[1:]), lat])
        hq = model.transform(z, 0)[4:]
        y, _ = model.decode(hq, empty_state()[:9])
        want = model.postprocess_official(y, 32, 48, True)[3:]   # the decoder's 3 lag frames
    assert torch.equal(out, want)


def test_last_chunk_is_padded_with_the_previous_lq_latents_and_overlap_prepends_one(model):
    clip = synthetic_clip(57, 16, 24, seed=3)
    states = empty_state(20)
    calls = official_calls(57, 1)
    with torch.no_grad():
        enc = empty_state()[:9]
        lat0, enc = model.encode(model.preprocess_official(clip[:28], 32, 48), enc)
        lat1, enc = model.encode(model.preprocess_official(clip[28:52], 32, 48), enc)
        lat2, enc = model.encode(model.preprocess_official(clip[calls[2].sources], 32, 48), enc)
        want1 = model.transform(torch.cat([lat0[-1:], lat1]), 7 - 1)[1:]          # overlap: one LQ latent before
        want2 = model.transform(torch.cat([lat1[-5:], lat2]), 13 - 5)[5:]         # tail: 2 latents + 5 before
        got = {}
        for k, c in enumerate(calls):
            frames = clip[c.sources]
            x = model.preprocess_official(frames, 32, 48)
            lat, _ = model.encode(x, states[:9])
            hq, carried = model.transform_official(lat, c.start // 4, c.flags, states[19])
            result = model(frames, torch.tensor([32, 48]), torch.tensor([c.start // 4, c.flags]), torch.tensor([1]),
                           *states)
            states = list(result[1:])
            got[k] = hq
            assert torch.equal(states[19], carried)
    assert torch.allclose(got[1], want1, atol=0, rtol=0)
    assert torch.allclose(got[2], want2, atol=0, rtol=0)


def test_overlap_changes_only_chunks_after_the_first(model):
    clip = synthetic_clip(57, 16, 24, seed=5)
    a = restore_official(model, clip, (32, 48), 0)
    b = restore_official(model, clip, (32, 48), 1)
    assert torch.equal(a[:25], b[:25])          # the first chunk's outputs (28 - 3 lag)
    assert (a[25:49] - b[25:49]).abs().max() > 1e-4


def test_preprocessing_crops_to_8_resizes_and_pads_with_zeros(model):
    clip = synthetic_clip(4, 21, 30, seed=6)
    x = model.preprocess_official(clip, 40, 50)
    assert torch.equal(x, model.preprocess_official(clip[:, :16, :24].contiguous(), 40, 50))
    assert x.shape[-2:] == (64, 64)
    assert x[:, :, 40:].abs().max() == 0 and x[:, :, :, 50:].abs().max() == 0
    with pytest.raises(RuntimeError, match="smaller than the official protocol's crop multiple"):
        model.preprocess_official(clip[:, :7], 40, 50)


def test_uint8_output_truncates(model):
    y = (torch.arange(256).float() + 0.9) / 255.0
    out = model.postprocess_official(y.view(1, 1, 1, 256).expand(1, 3, 1, 256), 1, 256, False)
    assert torch.equal(out[0, 0, :, 0].long(), torch.arange(256).clamp(max=255))


def test_torchscript_equals_eager_and_shards_equal_the_sequential_pass(model, tmp_path):
    path = str(tmp_path / "m.pt")
    torch.jit.script(model).save(path)
    scripted = torch.jit.load(path)
    clip = synthetic_clip(28 + 3 * 24 + 7, 16, 16, seed=7)
    for overlap in (0, 1):
        assert torch.equal(restore_official(scripted, clip, (64, 64), overlap),
                           restore_official(model, clip, (64, 64), overlap))
        warm = measure_warmup_official(scripted, clip, (64, 64), overlap)
        assert warm.warmup_chunks >= 1
        assert warm.max_abs_diff_by_warmup[warm.warmup_chunks] == 0.0
        # a restart one call too late is not exact: the carried state matters
        if warm.warmup_chunks > 1:
            assert warm.max_abs_diff_by_warmup[warm.warmup_chunks - 1] > 0
        calls = official_calls(clip.size(0), overlap)
        seq = run_official(scripted, clip, (64, 64), overlap, calls=calls)
        s = len(calls) - 1 - warm.warmup_chunks
        restarted = run_official(scripted, clip, (64, 64), overlap, first_call=s, calls=calls)
        for k in range(s + warm.warmup_chunks, len(calls)):
            assert torch.equal(restarted[k], seq[k])


def test_export_writes_the_protocol_into_the_manifest(tmp_path):
    from swiftvr import export
    from swiftvr.bundle import verify_manifest_checksums
    cfg_path = tmp_path / "converted.json"
    d = CFG.to_dict()
    d["stream_protocol"] = "official"
    d["converted_from"] = {"files": [{"file": "reae.safetensors", "sha256": "ab" * 32, "bytes": 1}]}
    cfg_path.write_text(json.dumps(d))
    model = build_restorer(CFG, seed=1, protocol="official")
    ckpt = tmp_path / "converted.pt"
    torch.save(model.state_dict(), str(ckpt))
    out = tmp_path / "bundle"
    assert export.main(["--config", str(cfg_path), "--checkpoint", str(ckpt), "--out", str(out), "--dit-overlap", "1",
                        "--warmup-clip-chunks", "6"]) == 0
    manifest = verify_manifest_checksums(str(out))
    assert manifest["stream"]["protocol"] == "official" and manifest["stream"]["dit_overlap"] == 1
    assert manifest["stream"]["state_tensors"] == 20 and manifest["stream"]["lq_crop_multiple"] == 8
    assert manifest["export"]["converted_from"]["files"][0]["sha256"] == "ab" * 32
    assert "golden" not in manifest
    assert manifest["stream"]["warmup_chunks"] >= 1
    scripted = torch.jit.load(str(out / "restorer.pt"))
    clip = synthetic_clip(30, 16, 16, seed=9)
    # the exported module runs channels-last convs (export.py's default): equal to rounding
    diff = (restore_official(scripted, clip, (32, 32), 1) - restore_official(model, clip, (32, 32), 1)).abs().max()
    assert diff < 1e-5


def test_official_protocol_refuses_a_detail_path():
    with pytest.raises(ValueError, match="no detail path"):
        OfficialRestorer(tiny())
