"""Bundle export: manifest per docs/bundle-format.md, checksums, goldens replayed by a fresh load."""

import dataclasses
import json
import os
import zipfile

import numpy as np
import pytest
import torch

from swiftvr.bundle import GoldenSpec, check_goldens, read_goldens, verify_manifest_checksums
from swiftvr import export
from swiftvr.config import official, small, tiny
from swiftvr.export import default_channels_last, export_bundle
from swiftvr.paths import REPO_DIR as REPO
from swiftvr.restorer import build_restorer

SHIPPED_TINY = os.path.join(REPO, "udf", "src", "test", "resources", "bundles", "tiny")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("bundle"))
    manifest = export_bundle(build_restorer(tiny(), seed=0, channels_last=True), tiny(), out, "swiftvr-tiny",
                             "random weights, for tests", bf16=True, golden=GoldenSpec((6, 22), (8, 72)),
                             warmup_chunks_clip=7, warmup_in_size=(8, 8), warmup_out_size=(32, 64),
                             log=lambda *_: None)
    return out, manifest


def test_manifest_follows_the_contract(bundle):
    out, manifest = bundle
    assert manifest["format"] == "swiftvr-bundle" and manifest["format_version"] == 1
    assert manifest["stream"] == {"pixel_multiple": 32, "temporal_factor": 4, "first_chunk_frames": 28,
                                  "chunk_frames": 24, "decoder_lag_frames": 3, "state_tensors": 19,
                                  "warmup_chunks": 4, "sample_bits": [8, 16]}
    assert set(manifest["modules"]) == {"float32", "bfloat16"}
    assert manifest["modules"]["float32"]["file"] == "restorer.pt"
    assert manifest["golden"]["file"] == "golden/golden.json"
    assert manifest["config"]["dit"]["window"] == [2, 2]
    with open(os.path.join(out, "manifest.json")) as f:
        assert json.load(f) == manifest
    verify_manifest_checksums(out)


def test_tampered_file_fails_the_checksum(bundle, tmp_path):
    out, _ = bundle
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("manifest.json", "restorer.pt", "restorer-bf16.pt"):
        (copy / name).write_bytes(open(os.path.join(out, name), "rb").read())
    (copy / "golden").mkdir()
    for name in os.listdir(os.path.join(out, "golden")):
        (copy / "golden" / name).write_bytes(open(os.path.join(out, "golden", name), "rb").read())
    data = bytearray((copy / "restorer.pt").read_bytes())
    data[len(data) // 2] ^= 1
    (copy / "restorer.pt").write_bytes(bytes(data))
    with pytest.raises(AssertionError, match="sha256"):
        verify_manifest_checksums(str(copy))


def test_goldens_are_reproduced_by_a_fresh_load(bundle):
    out, _ = bundle
    golden, inputs, outputs = read_goldens(out)
    assert [c["t_offset"] for c in golden["chunks"]] == [0, 7]
    assert [tuple(i.shape) for i in inputs] == [(28, 6, 22, 3), (24, 6, 22, 3)]
    assert [tuple(o.shape) for o in outputs] == [(28, 8, 72, 3), (24, 8, 72, 3)]
    assert all(0.0 < o.std() and 0.0 <= o.min() and o.max() <= 1.0 for o in outputs)
    assert check_goldens(torch.jit.load(os.path.join(out, "restorer.pt")), out) == 0.0


def test_goldens_detect_a_different_model(bundle):
    out, _ = bundle
    other = torch.jit.script(build_restorer(tiny(), seed=1))
    with pytest.raises(AssertionError, match="golden mismatch"):
        check_goldens(other, out)


def test_bf16_module_runs_and_stays_close(bundle):
    out, manifest = bundle
    bf16 = torch.jit.load(os.path.join(out, "restorer-bf16.pt"))
    golden, inputs, outputs = read_goldens(out)
    states = [torch.empty(0)] * 19
    res = bf16(inputs[0], torch.tensor(golden["out_size"]), torch.tensor([0]), torch.tensor([1]), *states)
    assert res[0].dtype == torch.float32 and res[0].shape == outputs[0].shape
    assert all(s.dtype == torch.bfloat16 for s in res[1:])
    assert (res[0] - outputs[0]).abs().max() < 0.1


def test_shipped_form_keeps_only_a_deflated_bf16_module(tmp_path):
    out = str(tmp_path)
    manifest = export_bundle(build_restorer(tiny(), seed=0, channels_last=True), tiny(), out, "swiftvr-tiny",
                             "random weights, for tests", bf16=True, warmup_chunks_clip=7, warmup_in_size=(8, 8),
                             warmup_out_size=(32, 64), log=lambda *_: None, keep_float32=False)
    assert sorted(os.listdir(out)) == ["manifest.json", "restorer-bf16.pt"]
    with zipfile.ZipFile(os.path.join(out, "restorer-bf16.pt")) as archive:
        assert {e.compress_type for e in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    verify_manifest_checksums(out)
    assert list(manifest["modules"]) == ["bfloat16"]
    torch.jit.load(os.path.join(out, "restorer-bf16.pt"))


@pytest.mark.skipif(not os.path.isdir(SHIPPED_TINY), reason="tiny bundle not exported yet")
def test_shipped_tiny_bundle_matches_its_goldens():
    manifest = verify_manifest_checksums(SHIPPED_TINY)
    assert manifest["stream"]["state_tensors"] == 19
    assert "random weights" in manifest["description"]
    check_goldens(torch.jit.load(os.path.join(SHIPPED_TINY, "restorer.pt")), SHIPPED_TINY)
    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(SHIPPED_TINY) for f in fs)
    assert total < 2 * 1024 * 1024
    # goldens are raw little-endian float32 of the declared shape
    golden, _, _ = read_goldens(SHIPPED_TINY)
    chunk = golden["chunks"][0]
    raw = np.fromfile(os.path.join(SHIPPED_TINY, "golden", chunk["output"]), dtype="<f4")
    assert raw.size == np.prod(chunk["output_shape"])


def test_conv_layout_defaults_to_nchw_for_the_official_size_only():
    # NCHW is faster for the official-size bfloat16 module on an H100 (docs/speed-profile.md); a converted
    # checkpoint's config (another name, the same network) gets it too
    assert default_channels_last(official()) is False
    assert default_channels_last(dataclasses.replace(official(), name="converted")) is False
    assert default_channels_last(small()) is True and default_channels_last(tiny()) is True


@pytest.mark.parametrize("flag,channels_last", [([], True), (["--no-channels-last"], False), (["--channels-last"], True)])
def test_bf16_only_export_keeps_the_asked_conv_layout(tmp_path, flag, channels_last):
    out = tmp_path / "bundle"
    assert export.main(["--config", "tiny", "--bf16-only", "--warmup-chunks", "4", "--out", str(out), *flag]) == 0
    manifest = verify_manifest_checksums(str(out))
    assert manifest["export"]["conv_layout"] == ("channels_last" if channels_last else "nchw")
    scripted = torch.jit.load(str(out / "restorer-bf16.pt"))
    assert scripted.channels_last is channels_last
    weights = {n: w for n, w in scripted.named_parameters() if n.endswith(".weight") and w.dim() == 4
               and w.shape[1] > 1 and w.shape[2] * w.shape[3] > 1}
    assert weights and all(w.dtype == torch.bfloat16 for w in weights.values())
    assert all(w.is_contiguous(memory_format=torch.channels_last) == channels_last for w in weights.values())
