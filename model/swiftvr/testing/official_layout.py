"""Names and shapes of the published SwiftVR checkpoint, written down independently of the
converter: diffusers' WanTransformer3DModel (Wan2.2-TI2V-5B dims, as saved with a top-level
scale_shift_table), the ReAE's nn.Sequential indices (TAEHV layout, swiftvr/models/reae.py) and
the empty-prompt embedding. Tensors live on the meta device: shapes without memory."""

import json
import os

import torch

from swiftvr.safetensors_io import save_safetensors

D, HEADS, FFN, LAYERS, LATENT, TEXT_DIM, FREQ_DIM, TEXT_LEN = 3072, 24, 14336, 30, 48, 4096, 256, 512


def transformer_shapes():
    s = {
        "patch_embedding.weight": (D, LATENT, 1, 2, 2), "patch_embedding.bias": (D,),
        "condition_embedder.time_embedder.linear_1.weight": (D, FREQ_DIM),
        "condition_embedder.time_embedder.linear_1.bias": (D,),
        "condition_embedder.time_embedder.linear_2.weight": (D, D),
        "condition_embedder.time_embedder.linear_2.bias": (D,),
        "condition_embedder.time_proj.weight": (6 * D, D), "condition_embedder.time_proj.bias": (6 * D,),
        "condition_embedder.text_embedder.linear_1.weight": (D, TEXT_DIM),
        "condition_embedder.text_embedder.linear_1.bias": (D,),
        "condition_embedder.text_embedder.linear_2.weight": (D, D),
        "condition_embedder.text_embedder.linear_2.bias": (D,),
        "scale_shift_table": (1, 2, D),
        "proj_out.weight": (LATENT * 4, D), "proj_out.bias": (LATENT * 4,),
    }
    for i in range(LAYERS):
        b = f"blocks.{i}"
        for attn in ("attn1", "attn2"):
            for proj in ("to_q", "to_k", "to_v", "to_out.0"):
                s[f"{b}.{attn}.{proj}.weight"] = (D, D)
                s[f"{b}.{attn}.{proj}.bias"] = (D,)
            s[f"{b}.{attn}.norm_q.weight"] = (D,)
            s[f"{b}.{attn}.norm_k.weight"] = (D,)
        s[f"{b}.norm2.weight"] = (D,)
        s[f"{b}.norm2.bias"] = (D,)
        s[f"{b}.ffn.net.0.proj.weight"] = (FFN, D)
        s[f"{b}.ffn.net.0.proj.bias"] = (FFN,)
        s[f"{b}.ffn.net.2.weight"] = (D, FFN)
        s[f"{b}.ffn.net.2.bias"] = (D,)
        s[f"{b}.scale_shift_table"] = (1, 6, D)
    return s


def _memblock(s, prefix, c):
    s[f"{prefix}.conv.0.weight"] = (c, 2 * c, 3, 3)
    s[f"{prefix}.conv.0.bias"] = (c,)
    for k in (2, 4):
        s[f"{prefix}.conv.{k}.weight"] = (c, c, 3, 3)
        s[f"{prefix}.conv.{k}.bias"] = (c,)


def reae_shapes():
    return _reae_shapes(64, (512, 256, 128, 64), LATENT)


def _reae_shapes(e, n_f, lat):
    """The ReAE's tensors with encoder width e, decoder widths n_f (four levels) and lat latent channels."""
    s = {"encoder.0.weight": (e, 12, 3, 3), "encoder.0.bias": (e,)}
    for stage, (pool, base) in enumerate(((2, 2), (2, 7), (1, 12))):
        s[f"encoder.{base}.conv.weight"] = (e, e * pool, 1, 1)     # TPool
        s[f"encoder.{base + 1}.weight"] = (e, e, 3, 3)             # conv stride 2, no bias
        for j in range(3):
            _memblock(s, f"encoder.{base + 2 + j}", e)
    s["encoder.17.weight"] = (lat, e, 3, 3)
    s["encoder.17.bias"] = (lat,)

    s["decoder.1.weight"] = (n_f[0], lat, 3, 3)
    s["decoder.1.bias"] = (n_f[0],)
    for stage, base in enumerate((3, 9, 15)):
        c = n_f[stage]
        for j in range(3):
            _memblock(s, f"decoder.{base + j}", c)
        # base + 3 is the Upsample (no parameters)
        if stage == 0:
            s[f"decoder.{base + 4}.proj.weight"] = (c, c, 1, 1)        # TGrow(1)
        else:
            s[f"decoder.{base + 4}.conv3d.weight"] = (c, c, 3, 1, 1)   # TGrow(2)
        s[f"decoder.{base + 5}.weight"] = (n_f[stage + 1], c, 3, 3)
    s["decoder.22.weight"] = (12, n_f[3], 3, 3)
    s["decoder.22.bias"] = (12,)
    return s


def on_meta(shapes):
    return {k: torch.empty(v, device="meta") for k, v in shapes.items()}


# ----- small checkpoints in the official file layout (random weights), for converter tests -----

def transformer_shapes_for(cfg):
    """transformer_shapes() for any of our configs: the diffusers WanTransformer3DModel names at cfg's dims."""
    d, f, lat, n = cfg.dit.dim, cfg.dit.ffn_dim, cfg.reae.latent_channels, cfg.dit.num_layers
    s = {}
    for name, shape in transformer_shapes().items():
        if name.startswith("blocks.") and int(name.split(".")[1]) >= n:
            continue
        sub = {D: d, FFN: f, LATENT * 4: lat * 4, 6 * D: 6 * d, FREQ_DIM: cfg.dit.freq_dim, TEXT_DIM: cfg.dit.text_dim,
               LATENT: lat}
        s[name] = tuple(sub.get(x, x) for x in shape)
    for i in range(LAYERS, n):
        for name, shape in transformer_shapes().items():
            if name.startswith("blocks.0."):
                s[name.replace("blocks.0.", f"blocks.{i}.")] = s[name]
    return s


def reae_shapes_for(cfg):
    """reae_shapes() at cfg's ReAE widths (the encoder keeps one width, as the official ReAE does)."""
    e = cfg.reae.encoder_widths[0]
    assert all(w == e for w in cfg.reae.encoder_widths), "the official encoder has one width"
    return _reae_shapes(e, list(cfg.reae.decoder_widths), cfg.reae.latent_channels)


def legacy_reae_shapes_for(cfg):
    """The unused TGrow 1x1 convs that ReAE files written before 2026-06-10 carry: Conv2d(n_f, n_f * stride, 1)."""
    n_f = cfg.reae.decoder_widths
    return {"decoder.7.conv.weight": (n_f[0], n_f[0], 1, 1), "decoder.13.conv.weight": (n_f[1] * 2, n_f[1], 1, 1),
            "decoder.19.conv.weight": (n_f[2] * 2, n_f[2], 1, 1)}


def transformer_config_for(cfg):
    """transformer/config.json as diffusers' save_pretrained writes it for the official class at cfg's dims."""
    return {
        "_class_name": "WanTransformer3DModel", "_diffusers_version": "0.36.0",
        "patch_size": [1, 2, 2], "num_attention_heads": cfg.dit.num_heads, "attention_head_dim": cfg.dit.head_dim,
        "in_channels": cfg.reae.latent_channels, "out_channels": cfg.reae.latent_channels,
        "text_dim": cfg.dit.text_dim, "freq_dim": cfg.dit.freq_dim, "ffn_dim": cfg.dit.ffn_dim,
        "num_layers": cfg.dit.num_layers, "cross_attn_norm": True, "qk_norm": "rms_norm_across_heads",
        "eps": cfg.dit.eps, "image_dim": None, "added_kv_proj_dim": None, "rope_max_seq_len": 1024,
        "pos_embed_seq_len": None, "enable_swa": True, "self_attn_window_hw": list(cfg.dit.window),
        "use_torch_compile": True, "compile_mode": "default",
    }


def write_official_checkpoint(root, cfg, seed=0, legacy=False, config_changes=None, prompt_count=1, drop=()):
    """A seeded random checkpoint in the release's file layout under `root`; returns the tensors written."""
    g = torch.Generator().manual_seed(seed)
    rand = lambda shape: torch.randn(shape, generator=g) * 0.1  # noqa: E731
    os.makedirs(os.path.join(root, "transformer"), exist_ok=True)
    transformer = {k: rand(v) for k, v in transformer_shapes_for(cfg).items()}
    reae_shapes = dict(reae_shapes_for(cfg))
    if legacy:
        reae_shapes.update(legacy_reae_shapes_for(cfg))
    prompt = rand((prompt_count, cfg.dit.text_len, cfg.dit.text_dim))
    reae = {k: rand(v) for k, v in reae_shapes.items() if k not in drop}    # drawn last: legacy ones at the end
    config = transformer_config_for(cfg)
    for k, v in (config_changes or {}).items():
        if v is ABSENT:
            config.pop(k)
        else:
            config[k] = v
    with open(os.path.join(root, "transformer", "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    save_safetensors(transformer, os.path.join(root, "transformer", "diffusion_pytorch_model.safetensors"))
    save_safetensors(reae, os.path.join(root, "reae.safetensors"))
    save_safetensors({"prompt_emb": prompt}, os.path.join(root, "prompt_embedding.safetensors"))
    return transformer, reae, prompt


ABSENT = object()
"""A config_changes value that removes the field from config.json."""
