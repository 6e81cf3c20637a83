#!/usr/bin/env python3
"""Convert the published SwiftVR checkpoint into this package's restorer.

Inputs (huggingface.co/H-oliday/SwiftVR layout):
  transformer/                  diffusers WanTransformer3DModel (diffusion_pytorch_model*.safetensors)
  reae.safetensors              ReAE encoder/decoder as nn.Sequential indices (TAEHV layout)
  prompt_embedding.safetensors  key `prompt_emb`: the precomputed empty-prompt text embedding

Checks before anything is written (each failure names the file or field and both values):
  * transformer/config.json: every field that shapes the network (num_layers, num_attention_heads,
    attention_head_dim, ffn_dim, in/out_channels, patch_size, text_dim, freq_dim, eps, cross_attn_norm,
    qk_norm, enable_swa, self_attn_window_hw) equals our network's; image_dim, added_kv_proj_dim and
    pos_embed_seq_len are null. An absent field counts as the official constructor's default.
  * every source tensor is consumed exactly once and every parameter of ours is filled exactly once,
    with equal shapes; the only exception are the legacy ReAE tensors decoder.{7,13,19}.conv.weight
    (TGrow's unused 1x1 conv in files written before 2026-06-10), dropped and named in the log.
  * prompt_emb is [N, tokens, text_dim]; like the official pipeline we take prompt_emb[0].
Q/K/V (self-attention) and K/V (cross-attention) are concatenated into our fused projections;
everything else maps one to one. converted.json (beside converted.pt) is our config plus
`stream_protocol: official` and `converted_from` (each source file's sha256, the config.json fields,
the tensors dropped); export.py puts both into the bundle's manifest.

  python3 -m swiftvr.convert_official --checkpoint SwiftVR/ --out converted.pt
  python3 -m swiftvr.export --config converted.json --checkpoint converted.pt --out bundle/ --bf16 --no-goldens
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import sys
from typing import Callable, Dict, List, Tuple

import torch
from torch import Tensor

from .config import (DECODER_TIME_GROW, ENCODER_TIME_POOL, MEMBLOCKS_PER_STAGE, PATCH_SIZE, SwiftVRConfig, official,
                     preset)

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


# Tensors that ReAE files written before the release's 2026-06-10 code carry and nothing reads: TGrow's old 1x1
# `conv` (kept there only so old files loaded). Dropped by name; any other tensor without a place is an error.
LEGACY_REAE_TENSORS = ("decoder.7.conv.weight", "decoder.13.conv.weight", "decoder.19.conv.weight")

# The fields of transformer/config.json that shape the network, with the value the official constructor
# (WanTransformer3DModel) uses when a field is absent: diffusers fills absent fields with those defaults.
CONSTRUCTOR_DEFAULTS = {
    "patch_size": [1, 2, 2], "num_attention_heads": 40, "attention_head_dim": 128, "in_channels": 16,
    "out_channels": 16, "text_dim": 4096, "freq_dim": 256, "ffn_dim": 13824, "num_layers": 40,
    "cross_attn_norm": True, "qk_norm": "rms_norm_across_heads", "eps": 1e-6, "image_dim": None,
    "added_kv_proj_dim": None, "pos_embed_seq_len": None, "enable_swa": True, "self_attn_window_hw": [16, 16],
}


class ConfigMismatch(ValueError):
    """transformer/config.json describes a network other than the one this package builds."""


def expected_transformer_config(cfg: SwiftVRConfig) -> Dict[str, object]:
    """What transformer/config.json must say for `cfg` (our network), field by field."""
    return {
        "patch_size": list(PATCH_SIZE), "num_attention_heads": cfg.dit.num_heads,
        "attention_head_dim": cfg.dit.head_dim, "in_channels": cfg.reae.latent_channels,
        "out_channels": cfg.reae.latent_channels, "text_dim": cfg.dit.text_dim, "freq_dim": cfg.dit.freq_dim,
        "ffn_dim": cfg.dit.ffn_dim, "num_layers": cfg.dit.num_layers, "cross_attn_norm": True,
        "qk_norm": "rms_norm_across_heads", "eps": cfg.dit.eps, "image_dim": None, "added_kv_proj_dim": None,
        "pos_embed_seq_len": None, "enable_swa": True, "self_attn_window_hw": list(cfg.dit.window),
    }


def check_transformer_config(config: Dict[str, object], cfg: SwiftVRConfig, path: str = "transformer/config.json"
                             ) -> None:
    """Raises ConfigMismatch naming the first field of `config` (the official transformer's config.json) whose
    value differs from what our network `cfg` is, with both values. An absent field counts as the official
    constructor's default (what diffusers would build)."""
    expected = expected_transformer_config(cfg)
    for field, want in expected.items():
        present = field in config
        got = config[field] if present else CONSTRUCTOR_DEFAULTS[field]
        if field == "out_channels" and got is None:        # the official constructor: out_channels or in_channels
            got = config.get("in_channels", CONSTRUCTOR_DEFAULTS["in_channels"])
        if isinstance(got, tuple):
            got = list(got)
        same = (abs(float(got) - float(want)) <= 1e-12 * abs(float(want))
                if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool)
                else got == want)
        if not same:
            source = "" if present else " (absent: the official constructor's default)"
            if field in ("image_dim", "added_kv_proj_dim", "pos_embed_seq_len"):
                reason = "the image-conditioning branch is not part of SwiftVR's restorer; must be null"
            elif field == "enable_swa":
                reason = "the converted network always uses shifted-window self-attention"
            else:
                reason = "the converted network would compute something else"
            raise ConfigMismatch(f"{path}: {field} is {json.dumps(got)}{source}, expected {json.dumps(want)}: {reason}")


def prompt_embedding(prompt_emb: Tensor, path: str = "prompt_embedding.safetensors", log=print) -> Tensor:
    """The empty-prompt embedding as the official pipeline uses it: `prompt_emb[0]` of a [N, L, D] tensor."""
    if prompt_emb.dim() != 3:
        raise ValueError(f"{path}: prompt_emb has shape {list(prompt_emb.shape)}, expected [N, tokens, text_dim] "
                         "(the official pipeline takes prompt_emb[0])")
    if prompt_emb.shape[0] > 1:
        log(f"{path}: prompt_emb has {prompt_emb.shape[0]} embeddings; using the first, as the official pipeline does")
    return prompt_emb[0:1]


def convert(transformer_sd: Dict[str, Tensor], reae_sd: Dict[str, Tensor], prompt_emb: Tensor,
            num_layers: int, cat: Callable = torch.cat, log=print) -> Dict[str, Tensor]:
    """Maps the three official state dicts onto ours; raises on anything missing or left over, except the known
    legacy ReAE tensors (LEGACY_REAE_TENSORS), which are dropped and named in the log."""
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
        if label == "reae":
            legacy = [name for name in LEGACY_REAE_TENSORS if name in unused]
            for name in legacy:
                log(f"reae: dropping legacy tensor {name} {list(source[name].shape)} (TGrow's unused 1x1 conv "
                    "of files written before 2026-06-10)")
            unused -= set(legacy)
        if unused:
            raise KeyError(f"{label} checkpoint has {len(unused)} tensors with no place, e.g. {sorted(unused)[:5]}")
    if prompt_emb.dim() != 3 or prompt_emb.shape[0] != 1:
        raise ValueError(f"prompt embedding of shape {list(prompt_emb.shape)}: pass prompt_embedding() of the file's "
                         "tensor ([1, tokens, text_dim])")
    ours["prompt_emb"] = prompt_emb
    return ours


def config_for(prompt_emb: Tensor, base: SwiftVRConfig | None = None) -> SwiftVRConfig:
    """The official config (or `base`), with the prompt length of the shipped embedding."""
    cfg = base or official()
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


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def transformer_files(transformer: str) -> Tuple[str, List[str]]:
    """(config.json, weight files) of a diffusers transformer folder, or of a .safetensors file with its
    config.json beside it."""
    folder = transformer if os.path.isdir(transformer) else os.path.dirname(os.path.abspath(transformer))
    config = os.path.join(folder, "config.json")
    if not os.path.isfile(config):
        raise FileNotFoundError(f"{config}: missing; the transformer's config.json is needed to check its dimensions")
    if os.path.isfile(transformer):
        return config, [transformer]
    names = sorted(n for n in os.listdir(folder) if n.endswith(".safetensors") or n.endswith(".safetensors.index.json"))
    return config, [os.path.join(folder, n) for n in names]


def convert_files(transformer: str, reae: str, prompt: str, expected: SwiftVRConfig | None = None,
                  log=print) -> Tuple[Dict[str, Tensor], SwiftVRConfig, dict]:
    """Reads and checks the official files; returns (our state dict, our config, a record of the sources:
    every file's sha256, the config.json fields checked, the tensors dropped)."""
    from .safetensors_io import load_safetensors, load_sharded
    config_path, weight_files = transformer_files(transformer)
    with open(config_path) as f:
        config = json.load(f)
    prompt_tensor = prompt_embedding(load_safetensors(prompt)["prompt_emb"], prompt, log)
    cfg = config_for(prompt_tensor, expected)
    check_transformer_config(config, cfg, config_path)
    reae_sd = load_safetensors(reae)
    dropped = [name for name in LEGACY_REAE_TENSORS if name in reae_sd]
    converted = convert(load_sharded(transformer), reae_sd, prompt_tensor, cfg.dit.num_layers, log=log)
    check_against_model(converted, cfg)
    files = [os.path.abspath(f) for f in [config_path] + weight_files + [reae, prompt]]
    root = os.path.commonpath([os.path.dirname(f) for f in files])
    source = {
        "release": "official SwiftVR (github H-oliday/SwiftVR, huggingface H-oliday/SwiftVR layout)",
        "files": [{"file": os.path.relpath(f, root), "sha256": _sha256(f), "bytes": os.path.getsize(f)} for f in files],
        "legacy_tensors_dropped": dropped,
        "transformer_config": {k: config.get(k) for k in sorted(config) if not k.startswith("_")},
    }
    return converted, cfg, source


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", help="the downloaded release folder (transformer/, reae.safetensors, "
                                        "prompt_embedding.safetensors); or name the three below")
    p.add_argument("--transformer", help="diffusers transformer folder (config.json + *.safetensors)")
    p.add_argument("--reae", help="reae.safetensors")
    p.add_argument("--prompt", help="prompt_embedding.safetensors (key prompt_emb)")
    p.add_argument("--out", required=True, help="converted state dict (.pt); the config goes beside it (.json)")
    p.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    p.add_argument("--expect-config", default="official",
                   help="the network the checkpoint must be (a preset name or a JSON config; tests use small ones)")
    args = p.parse_args(argv)
    if args.checkpoint:
        args.transformer = args.transformer or os.path.join(args.checkpoint, "transformer")
        args.reae = args.reae or os.path.join(args.checkpoint, "reae.safetensors")
        args.prompt = args.prompt or os.path.join(args.checkpoint, "prompt_embedding.safetensors")
    if not (args.transformer and args.reae and args.prompt):
        p.error("name --checkpoint, or all of --transformer, --reae and --prompt")
    if args.expect_config.endswith(".json"):
        with open(args.expect_config) as f:
            expected = SwiftVRConfig.from_dict(json.load(f))
    else:
        expected = preset(args.expect_config)
    try:
        converted, cfg, source = convert_files(args.transformer, args.reae, args.prompt, expected)
    except (ConfigMismatch, KeyError, ValueError, FileNotFoundError) as e:
        print(f"conversion refused: {e.args[0] if isinstance(e, KeyError) else e}", file=sys.stderr)
        return 2
    dtype = getattr(torch, args.dtype)
    converted = {k: v.to(dtype) for k, v in converted.items()}
    torch.save(converted, args.out)
    config_out = cfg.to_dict()
    # read by export.py: the bundle made from this checkpoint streams with the official protocol by default and
    # records where its weights came from
    config_out["stream_protocol"] = "official"
    config_out["converted_from"] = source
    with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
        json.dump(config_out, f, indent=2)
    print(f"wrote {len(converted)} tensors to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
