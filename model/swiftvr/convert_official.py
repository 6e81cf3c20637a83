#!/usr/bin/env python3
"""Convert the published SwiftVR checkpoint into this package's restorer.

Inputs (huggingface.co/H-oliday/SwiftVR layout):
  transformer/                  diffusers WanTransformer3DModel (diffusion_pytorch_model*.safetensors)
  reae.safetensors              ReAE encoder/decoder as nn.Sequential indices (TAEHV layout)
  prompt_embedding.safetensors  key `prompt_emb`: the precomputed empty-prompt text embedding

Every source tensor is consumed exactly once and every parameter of ours is filled exactly once;
anything else is an error. Q/K/V (self-attention) and K/V (cross-attention) are concatenated into
our fused projections; everything else maps one to one.

  python3 -m swiftvr.convert_official --transformer ckpt/transformer --reae ckpt/reae.safetensors \\
      --prompt ckpt/prompt_embedding.safetensors --out converted.pt
  python3 export.py --config converted.json --checkpoint converted.pt --out bundle/ --bf16
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from typing import Callable, Dict, List, Tuple

import torch
from torch import Tensor

from .config import DECODER_TIME_GROW, ENCODER_TIME_POOL, MEMBLOCKS_PER_STAGE, SwiftVRConfig, official

# (our name, [source names]); several sources are concatenated along dim 0
Mapping = List[Tuple[str, List[str]]]


def _linear(ours: str, theirs: str) -> Mapping:
    return [(f"{ours}.weight", [f"{theirs}.weight"]), (f"{ours}.bias", [f"{theirs}.bias"])]


def transformer_mapping(num_layers: int) -> Mapping:
    m: Mapping = []
    m += _linear("dit.patch_embedding", "patch_embedding")
    for sub in ("time_embedder.linear_1", "time_embedder.linear_2", "time_proj",
                "text_embedder.linear_1", "text_embedder.linear_2"):
        m += _linear(f"dit.condition_embedder.{sub}", f"condition_embedder.{sub}")
    for i in range(num_layers):
        o, t = f"dit.blocks.{i}", f"blocks.{i}"
        for part in ("weight", "bias"):
            m.append((f"{o}.attn1.to_qkv.{part}", [f"{t}.attn1.to_q.{part}", f"{t}.attn1.to_k.{part}",
                                                   f"{t}.attn1.to_v.{part}"]))
            m.append((f"{o}.attn2.to_kv.{part}", [f"{t}.attn2.to_k.{part}", f"{t}.attn2.to_v.{part}"]))
        m += _linear(f"{o}.attn2.to_q", f"{t}.attn2.to_q")
        for attn in ("attn1", "attn2"):
            m += _linear(f"{o}.{attn}.to_out", f"{t}.{attn}.to_out.0")
            m.append((f"{o}.{attn}.norm_q.weight", [f"{t}.{attn}.norm_q.weight"]))
            m.append((f"{o}.{attn}.norm_k.weight", [f"{t}.{attn}.norm_k.weight"]))
        m += _linear(f"{o}.norm2", f"{t}.norm2")
        m += _linear(f"{o}.ffn.proj_in", f"{t}.ffn.net.0.proj")
        m += _linear(f"{o}.ffn.proj_out", f"{t}.ffn.net.2")
        m.append((f"{o}.scale_shift_table", [f"{t}.scale_shift_table"]))
    m.append(("dit.scale_shift_table", ["scale_shift_table"]))
    m += _linear("dit.proj_out", "proj_out")
    return m


def _memblock(ours: str, theirs: str) -> Mapping:
    m: Mapping = []
    for our_conv, idx in (("conv_in", 0), ("conv_mid", 2), ("conv_out", 4)):
        m += _linear(f"{ours}.{our_conv}", f"{theirs}.conv.{idx}")
    return m


def reae_mapping() -> Mapping:
    """Indices of the official nn.Sequential: encoder = conv, ReLU, then per stage TPool, conv s2,
    3 MemBlocks, then the output conv; decoder = Clamp, conv, ReLU, then per stage 3 MemBlocks,
    Upsample, TGrow, conv, then ReLU and the output conv."""
    m: Mapping = _linear("encoder.conv_in", "encoder.0")
    idx = 2
    for s in range(len(ENCODER_TIME_POOL)):
        m.append((f"encoder.stages.{s}.tpool.conv.weight", [f"encoder.{idx}.conv.weight"]))
        m.append((f"encoder.stages.{s}.down.weight", [f"encoder.{idx + 1}.weight"]))
        for j in range(MEMBLOCKS_PER_STAGE):
            m += _memblock(f"encoder.stages.{s}.blocks.{j}", f"encoder.{idx + 2 + j}")
        idx += 2 + MEMBLOCKS_PER_STAGE
    m += _linear("encoder.conv_out", f"encoder.{idx}")

    m += _linear("decoder.conv_in", "decoder.1")
    idx = 3
    for s, grow in enumerate(DECODER_TIME_GROW):
        for j in range(MEMBLOCKS_PER_STAGE):
            m += _memblock(f"decoder.stages.{s}.blocks.{j}", f"decoder.{idx + j}")
        tgrow = f"decoder.{idx + MEMBLOCKS_PER_STAGE + 1}"        # after the (parameter-free) Upsample
        m.append((f"decoder.stages.{s}.tgrow.weight", [f"{tgrow}.proj.weight" if grow == 1 else f"{tgrow}.conv3d.weight"]))
        m.append((f"decoder.stages.{s}.conv.weight", [f"decoder.{idx + MEMBLOCKS_PER_STAGE + 2}.weight"]))
        idx += MEMBLOCKS_PER_STAGE + 3
    m += _linear("decoder.conv_out", f"decoder.{idx + 1}")       # after the ReLU
    return m


def convert(transformer_sd: Dict[str, Tensor], reae_sd: Dict[str, Tensor], prompt_emb: Tensor,
            num_layers: int, cat: Callable = torch.cat) -> Dict[str, Tensor]:
    """Maps the three official state dicts onto ours; raises on anything missing or left over."""
    ours: Dict[str, Tensor] = {}
    for mapping, source, label in ((transformer_mapping(num_layers), transformer_sd, "transformer"),
                                   (reae_mapping(), reae_sd, "reae")):
        unused = set(source)
        missing = []
        for name, sources in mapping:
            if any(s not in source for s in sources):
                missing += [s for s in sources if s not in source]
                continue
            parts = [source[s] for s in sources]
            ours[name] = parts[0] if len(parts) == 1 else cat(parts, 0)
            unused -= set(sources)
        if missing:
            raise KeyError(f"{label} checkpoint lacks {len(missing)} tensors, e.g. {missing[:5]}")
        if unused:
            raise KeyError(f"{label} checkpoint has {len(unused)} tensors with no place, e.g. {sorted(unused)[:5]}")
    ours["prompt_emb"] = prompt_emb.reshape(1, prompt_emb.shape[-2], prompt_emb.shape[-1])
    return ours


def config_for(prompt_emb: Tensor) -> SwiftVRConfig:
    """The official config, with the prompt length of the shipped embedding."""
    cfg = official()
    return dataclasses.replace(cfg, dit=dataclasses.replace(cfg.dit, text_len=int(prompt_emb.shape[-2])))


def check_against_model(converted: Dict[str, Tensor], cfg: SwiftVRConfig) -> None:
    """Builds our restorer on the meta device (no memory) and compares names and shapes."""
    from .restorer import SwiftVRRestorer
    with torch.device("meta"):
        model = SwiftVRRestorer(cfg)
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    got = {k: tuple(v.shape) for k, v in converted.items()}
    if set(expected) != set(got):
        raise KeyError(f"converted names differ: missing {sorted(set(expected) - set(got))[:5]}, "
                       f"extra {sorted(set(got) - set(expected))[:5]}")
    bad = [(k, got[k], expected[k]) for k in expected if got[k] != expected[k]]
    if bad:
        raise ValueError(f"{len(bad)} shape mismatches, e.g. {bad[:5]}")


def main(argv=None) -> int:
    from .safetensors_io import load_safetensors, load_sharded
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--transformer", required=True, help="diffusers transformer folder or .safetensors file")
    p.add_argument("--reae", required=True, help="reae.safetensors")
    p.add_argument("--prompt", required=True, help="prompt_embedding.safetensors (key prompt_emb)")
    p.add_argument("--out", required=True, help="converted state dict (.pt); the config goes beside it (.json)")
    p.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    args = p.parse_args(argv)

    prompt = load_safetensors(args.prompt)["prompt_emb"]
    cfg = config_for(prompt)
    converted = convert(load_sharded(args.transformer), load_safetensors(args.reae), prompt, cfg.dit.num_layers)
    check_against_model(converted, cfg)
    dtype = getattr(torch, args.dtype)
    converted = {k: v.to(dtype) for k, v in converted.items()}
    torch.save(converted, args.out)
    with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
        json.dump(cfg.to_dict(), f, indent=2)
    print(f"wrote {len(converted)} tensors to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
