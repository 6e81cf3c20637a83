"""Names and shapes of the published SwiftVR checkpoint, written down independently of the
converter: diffusers' WanTransformer3DModel (Wan2.2-TI2V-5B dims, as saved with a top-level
scale_shift_table), the ReAE's nn.Sequential indices (TAEHV layout, swiftvr/models/reae.py) and
the empty-prompt embedding. Tensors live on the meta device: shapes without memory."""

import torch

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
    s = {"encoder.0.weight": (64, 12, 3, 3), "encoder.0.bias": (64,)}
    for stage, (pool, base) in enumerate(((2, 2), (2, 7), (1, 12))):
        s[f"encoder.{base}.conv.weight"] = (64, 64 * pool, 1, 1)     # TPool
        s[f"encoder.{base + 1}.weight"] = (64, 64, 3, 3)             # conv stride 2, no bias
        for j in range(3):
            _memblock(s, f"encoder.{base + 2 + j}", 64)
    s["encoder.17.weight"] = (LATENT, 64, 3, 3)
    s["encoder.17.bias"] = (LATENT,)

    n_f = [512, 256, 128, 64]
    s["decoder.1.weight"] = (n_f[0], LATENT, 3, 3)
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
    s["decoder.22.weight"] = (12, 64, 3, 3)
    s["decoder.22.bias"] = (12,)
    return s


def on_meta(shapes):
    return {k: torch.empty(v, device="meta") for k, v in shapes.items()}
