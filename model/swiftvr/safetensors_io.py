"""Minimal safetensors reader/writer (the format is an 8-byte little-endian header length, a JSON
header {name: {dtype, shape, data_offsets}}, then the raw little-endian tensor bytes), so the
converter needs nothing beyond PyTorch. Handles bfloat16, which numpy cannot."""

from __future__ import annotations

import json
import os
import struct
from typing import Dict

import torch
from torch import Tensor

DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
    "BOOL": torch.bool,
}
NAMES = {v: k for k, v in DTYPES.items()}


def read_header(path: str) -> tuple:
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
    header.pop("__metadata__", None)
    return header, 8 + length


def load_safetensors(path: str) -> Dict[str, Tensor]:
    header, data_start = read_header(path)
    out: Dict[str, Tensor] = {}
    with open(path, "rb") as f:
        for name, entry in header.items():
            begin, end = entry["data_offsets"]
            f.seek(data_start + begin)
            raw = bytearray(f.read(end - begin))
            dtype = DTYPES[entry["dtype"]]
            t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
            out[name] = t.reshape(entry["shape"])
    return out


def load_sharded(path: str) -> Dict[str, Tensor]:
    """A .safetensors file, or a diffusers folder (single file or sharded with an index)."""
    if os.path.isfile(path):
        return load_safetensors(path)
    index = [n for n in os.listdir(path) if n.endswith(".safetensors.index.json")]
    if index:
        with open(os.path.join(path, index[0])) as f:
            shards = sorted(set(json.load(f)["weight_map"].values()))
    else:
        shards = sorted(n for n in os.listdir(path) if n.endswith(".safetensors"))
    if not shards:
        raise FileNotFoundError(f"no .safetensors files in {path}")
    merged: Dict[str, Tensor] = {}
    for shard in shards:
        merged.update(load_safetensors(os.path.join(path, shard)))
    return merged


def save_safetensors(tensors: Dict[str, Tensor], path: str) -> None:
    header = {}
    offset = 0
    blobs = []
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        data = t.view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)     # the format aligns the data start to 8 bytes
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)
