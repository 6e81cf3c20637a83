"""The compiled chunk function's source (swiftvr.compiled, issue 28): MiddleChunk is the official restorer's middle
chunk with the RoPE offset as a tensor. Compiling it (AOTInductor) is checked on the GPU against the TorchScript
module (python3 -m swiftvr.compiled BUNDLE; docs/benchmarks-gpu.md); here, that what it compiles is that call."""

import dataclasses

import torch

from swiftvr.compiled import MiddleChunk, parse_sizes, steady_states
from swiftvr.config import tiny
from swiftvr.restorer import build_restorer
from swiftvr.rope import rope_cos_sin, rope_cos_sin_at, rope_tables

CFG = dataclasses.replace(tiny(), name="tiny-official", detail=None)


def test_middle_chunk_is_the_modules_middle_chunk_call():
    model = build_restorer(CFG, seed=3, protocol="official")
    states = steady_states(model, (24, 16), (96, 64), torch.device("cpu"))
    assert all(s.numel() > 0 for s in states[:18]) and states[19].size(0) == 6
    frames = torch.randint(0, 256, (24, 16, 24, 3), dtype=torch.uint8, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        expected = model(frames, torch.tensor([64, 96]), torch.tensor([13]), torch.tensor([0]), *states)
        got = MiddleChunk(model, 64, 96)(frames, torch.tensor([13]), *states)
    assert len(got) == len(expected) == 21
    assert got[0].dtype == torch.uint8
    for a, b in zip(got, expected):
        assert a.shape == b.shape and torch.equal(a, b)
    with torch.no_grad():   # the offset is an input, not baked in: another offset, other frames
        other = MiddleChunk(model, 64, 96)(frames, torch.tensor([14]), *states)
    assert not torch.equal(other[0], got[0])


def test_tensor_offset_tables_equal_the_modules():
    t = torch.arange(5, dtype=torch.float64) + 123456.0
    tables = rope_cos_sin_at(t, 3, 4, 16, 10000.0)
    assert torch.equal(tables, rope_cos_sin(5, 3, 4, 123456, 16, 10000.0, torch.device("cpu")))
    complex_tables = rope_tables(5, 3, 4, 123456, 16, 10000.0, torch.device("cpu"))
    assert torch.equal(tables[..., 0], complex_tables.real) and torch.equal(tables[..., 1], complex_tables.imag)


def test_sizes_spec():
    assert parse_sizes("640x360:2560x1440") == ((640, 360), (2560, 1440))
