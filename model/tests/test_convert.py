"""The converter maps every tensor of an official-shaped checkpoint onto our restorer, once."""

import pytest
import torch

from official_layout import D, LAYERS, TEXT_DIM, TEXT_LEN, on_meta, reae_shapes, transformer_shapes
from swiftvr.config import tiny
from swiftvr.convert_official import check_against_model, config_for, convert, transformer_mapping
from swiftvr.restorer import build_restorer
from swiftvr.safetensors_io import load_safetensors, save_safetensors


def test_official_checkpoint_maps_completely_with_equal_shapes():
    prompt = torch.empty(1, TEXT_LEN, TEXT_DIM, device="meta")
    converted = convert(on_meta(transformer_shapes()), on_meta(reae_shapes()), prompt, LAYERS)
    check_against_model(converted, config_for(prompt))   # every name of ours, equal shapes, nothing extra
    assert converted["dit.blocks.7.attn1.to_qkv.weight"].shape == (3 * D, D)
    assert converted["dit.blocks.7.attn2.to_kv.bias"].shape == (2 * D,)
    n_params = sum(t.numel() for k, t in converted.items() if k.startswith("dit."))
    assert 4.9e9 < n_params < 5.1e9      # Wan2.2-TI2V-5B


def test_missing_and_leftover_tensors_are_errors():
    prompt = torch.empty(1, TEXT_LEN, TEXT_DIM, device="meta")
    transformer = on_meta(transformer_shapes())
    del transformer["blocks.3.attn2.to_v.weight"]
    with pytest.raises(KeyError, match="lacks"):
        convert(transformer, on_meta(reae_shapes()), prompt, LAYERS)
    reae = on_meta(reae_shapes())
    reae["decoder.23.weight"] = torch.empty(3, device="meta")
    with pytest.raises(KeyError, match="no place"):
        convert(on_meta(transformer_shapes()), reae, prompt, LAYERS)


def test_fused_projections_keep_q_k_v_order():
    """The fused self-attention projection must be [q; k; v] and the cross one [k; v], in the
    order SelfAttention/CrossAttention split them with chunk()."""
    mapping = dict(transformer_mapping(1))
    assert mapping["dit.blocks.0.attn1.to_qkv.weight"] == [
        "blocks.0.attn1.to_q.weight", "blocks.0.attn1.to_k.weight", "blocks.0.attn1.to_v.weight"]
    assert mapping["dit.blocks.0.attn2.to_kv.bias"] == ["blocks.0.attn2.to_k.bias", "blocks.0.attn2.to_v.bias"]
    q, k, v = (torch.randn(4, 3) for _ in range(3))
    converted = convert_subset({"blocks.0.attn1.to_q.weight": q, "blocks.0.attn1.to_k.weight": k,
                                "blocks.0.attn1.to_v.weight": v}, "dit.blocks.0.attn1.to_qkv.weight", mapping)
    got_q, got_k, got_v = converted.chunk(3, dim=0)
    assert torch.equal(got_q, q) and torch.equal(got_k, k) and torch.equal(got_v, v)


def convert_subset(source, name, mapping):
    return torch.cat([source[s] for s in mapping[name]])


def test_safetensors_round_trip(tmp_path):
    tensors = {"a": torch.randn(3, 4), "b": torch.randn(5).to(torch.bfloat16), "c": torch.arange(6).view(2, 3)}
    path = str(tmp_path / "x.safetensors")
    save_safetensors(tensors, path)
    back = load_safetensors(path)
    assert set(back) == set(tensors)
    for k in tensors:
        assert back[k].dtype == tensors[k].dtype and torch.equal(back[k], tensors[k])


def test_our_state_dict_loads_back_strictly():
    model = build_restorer(tiny(), calibrate=False)
    again = build_restorer(tiny(), seed=1, calibrate=False)
    again.load_state_dict(model.state_dict(), strict=True)
    assert torch.equal(again.prompt_emb, model.prompt_emb)
