"""CUDA checks (skipped without a GPU): the exported modules and MFSWA on the device."""

import os

import pytest
import torch

from swiftvr.bundle import read_goldens
from swiftvr.dit import mfswa_attention
from swiftvr.paths import REPO_DIR as REPO
from swiftvr.stream import run_stream
from swiftvr.testing.attention import masked_reference_attention
from swiftvr.windows import window_partition

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")

TINY = os.path.join(REPO, "udf", "src", "test", "resources", "bundles", "tiny")


@pytest.fixture(autouse=True)
def no_tf32():
    old = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    yield
    torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = old


def replay_on_cuda(path):
    module = torch.jit.load(path, map_location="cuda")
    golden, inputs, outputs = read_goldens(TINY)
    got = run_stream(module, torch.cat(inputs), golden["out_size"], len(inputs))
    return [(got[k].cpu(), want) for k, want in enumerate(outputs)]


def test_float32_bundle_reproduces_cpu_goldens_on_cuda():
    for got, want in replay_on_cuda(os.path.join(TINY, "restorer.pt")):
        assert got.dtype == torch.float32 and got.shape == want.shape
        assert (got - want).abs().max().item() < 1e-3


def test_bf16_bundle_runs_on_cuda():
    for got, want in replay_on_cuda(os.path.join(TINY, "restorer-bf16.pt")):
        assert (got - want).abs().max().item() < 0.1


@pytest.mark.parametrize("shifted", [False, True])
def test_mfswa_bf16_on_cuda_matches_masked_reference(shifted):
    frames, height, width = 2, 5, 7
    torch.manual_seed(0)
    q, k, v = (torch.randn(1, frames * height * width, 2, 64) for _ in range(3))
    part = window_partition(frames, height, width, 2, 3, shifted, torch.device("cuda"))
    got = mfswa_attention(*(t.cuda().bfloat16() for t in (q, k, v)), *part).float().cpu()
    want = masked_reference_attention(q, k, v, frames, height, width, 2, 3, shifted)
    assert (got - want).abs().max().item() < 3e-2


def test_window_indices_built_on_cuda_equal_cpu():
    for shifted in (False, True):
        a = window_partition(6, 45, 80, 16, 16, shifted, torch.device("cuda"))
        b = window_partition(6, 45, 80, 16, 16, shifted, torch.device("cpu"))
        assert a[0].is_cuda and torch.equal(a[0].cpu(), b[0]) and torch.equal(a[1].cpu(), b[1])
        assert a[2:] == b[2:]
