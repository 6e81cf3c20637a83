"""The converter maps every tensor of an official-shaped checkpoint onto our restorer, once."""

import json
import os

import pytest
import torch

from swiftvr.config import DiTConfig, ReAEConfig, SwiftVRConfig, tiny
from swiftvr.convert_official import (LEGACY_REAE_TENSORS, ConfigMismatch, check_against_model, config_for, convert,
                                      convert_files, main, prompt_embedding, transformer_mapping)
from swiftvr.restorer import SwiftVRRestorer, build_restorer
from swiftvr.safetensors_io import load_safetensors, save_safetensors
from swiftvr.testing.official_layout import (ABSENT, D, LAYERS, TEXT_DIM, TEXT_LEN, legacy_reae_shapes_for, on_meta,
                                             reae_shapes, transformer_shapes, write_official_checkpoint)


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


# ----- small random checkpoints written in the official file layout -----

SMALL = SwiftVRConfig(
    name="official-layout-test",
    reae=ReAEConfig(latent_channels=8, encoder_widths=(8, 8, 8, 8), decoder_widths=(16, 8, 8, 4)),
    dit=DiTConfig(num_layers=2, num_heads=2, head_dim=16, ffn_dim=64, text_dim=24, text_len=5, window=(2, 2),
                  freq_dim=32),
)


def _paths(root):
    return (os.path.join(root, "transformer"), os.path.join(root, "reae.safetensors"),
            os.path.join(root, "prompt_embedding.safetensors"))


def test_small_official_checkpoint_converts_and_loads_strictly(tmp_path):
    transformer, reae, prompt = write_official_checkpoint(str(tmp_path), SMALL, seed=3)
    converted, cfg, source = convert_files(*_paths(str(tmp_path)), expected=SMALL, log=lambda m: None)
    model = SwiftVRRestorer(cfg)
    model.load_state_dict(converted, strict=True)
    assert torch.equal(model.dit.blocks[1].attn1.to_qkv.weight,
                       torch.cat([transformer[f"blocks.1.attn1.to_{p}.weight"] for p in "qkv"]))
    assert torch.equal(model.dit.blocks[0].attn2.to_kv.bias,
                       torch.cat([transformer[f"blocks.0.attn2.to_{p}.bias"] for p in "kv"]))
    assert torch.equal(model.decoder.stages[2].tgrow.weight, reae["decoder.19.conv3d.weight"])
    assert torch.equal(model.encoder.stages[1].blocks[2].conv_mid.weight, reae["encoder.11.conv.2.weight"])
    assert torch.equal(model.prompt_emb, prompt)
    assert source["legacy_tensors_dropped"] == []
    assert source["transformer_config"]["num_layers"] == 2


def test_legacy_reae_tensors_are_dropped_by_name_and_logged(tmp_path):
    with_legacy, plain = tmp_path / "legacy", tmp_path / "plain"
    write_official_checkpoint(str(with_legacy), SMALL, seed=5, legacy=True)
    write_official_checkpoint(str(plain), SMALL, seed=5)
    log = []
    converted, _, source = convert_files(*_paths(str(with_legacy)), expected=SMALL, log=log.append)
    reference, _, _ = convert_files(*_paths(str(plain)), expected=SMALL, log=lambda m: None)
    assert source["legacy_tensors_dropped"] == list(LEGACY_REAE_TENSORS)
    assert [name for name in LEGACY_REAE_TENSORS if any(name in line for line in log)] == list(LEGACY_REAE_TENSORS)
    assert set(converted) == set(reference)
    # the seeded generator draws the legacy tensors last, so every other tensor is the same
    assert all(torch.equal(converted[k], reference[k]) for k in reference)
    assert set(legacy_reae_shapes_for(SMALL)) == set(LEGACY_REAE_TENSORS)


def test_only_the_known_legacy_tensors_are_dropped(tmp_path):
    write_official_checkpoint(str(tmp_path), SMALL, legacy=True)
    from swiftvr.safetensors_io import load_safetensors, save_safetensors
    reae = load_safetensors(str(tmp_path / "reae.safetensors"))
    reae["decoder.25.conv.weight"] = torch.zeros(4, 4, 1, 1)      # looks legacy, is not one of the three
    save_safetensors(reae, str(tmp_path / "reae.safetensors"))
    with pytest.raises(KeyError, match=r"reae checkpoint has 1 tensors with no place, e.g. \['decoder.25.conv.weight'\]"):
        convert_files(*_paths(str(tmp_path)), expected=SMALL, log=lambda m: None)


def test_a_missing_legacy_partner_is_still_an_error(tmp_path):
    write_official_checkpoint(str(tmp_path), SMALL, legacy=True, drop=("decoder.13.conv3d.weight",))
    with pytest.raises(KeyError, match=r"reae checkpoint lacks 1 tensors, e.g. \['decoder.13.conv3d.weight'\]"):
        convert_files(*_paths(str(tmp_path)), expected=SMALL, log=lambda m: None)


@pytest.mark.parametrize("field,value,message", [
    ("num_layers", 3, "num_layers is 3, expected 2: the converted network would compute something else"),
    ("attention_head_dim", 32, "attention_head_dim is 32, expected 16"),
    ("num_attention_heads", 4, "num_attention_heads is 4, expected 2"),
    ("ffn_dim", 65, "ffn_dim is 65, expected 64"),
    ("in_channels", 16, "in_channels is 16, expected 8"),
    ("out_channels", 16, "out_channels is 16, expected 8"),
    ("patch_size", [1, 4, 4], "patch_size is [1, 4, 4], expected [1, 2, 2]"),
    ("text_dim", 4096, "text_dim is 4096, expected 24"),
    ("freq_dim", 256, "freq_dim is 256, expected 32"),
    ("eps", 1e-5, "eps is 1e-05, expected 1e-06"),
    ("cross_attn_norm", False, "cross_attn_norm is false, expected true"),
    ("qk_norm", "rms_norm", "qk_norm is \"rms_norm\", expected \"rms_norm_across_heads\""),
    ("self_attn_window_hw", [8, 8], "self_attn_window_hw is [8, 8], expected [2, 2]"),
    ("enable_swa", False, "enable_swa is false, expected true: the converted network always uses shifted-window"),
    ("image_dim", 1280, "image_dim is 1280, expected null: the image-conditioning branch is not part of"),
    ("added_kv_proj_dim", 5120, "added_kv_proj_dim is 5120, expected null"),
    ("num_layers", ABSENT, "num_layers is 40 (absent: the official constructor's default), expected 2"),
])
def test_config_json_field_that_differs_is_named_with_both_values(tmp_path, field, value, message):
    write_official_checkpoint(str(tmp_path), SMALL, config_changes={field: value})
    config_path = os.path.join(str(tmp_path), "transformer", "config.json")
    with pytest.raises(ConfigMismatch) as e:
        convert_files(*_paths(str(tmp_path)), expected=SMALL, log=lambda m: None)
    assert str(e.value).startswith(f"{config_path}: {message}")


def test_out_channels_null_means_in_channels(tmp_path):
    write_official_checkpoint(str(tmp_path), SMALL, config_changes={"out_channels": None})
    convert_files(*_paths(str(tmp_path)), expected=SMALL, log=lambda m: None)


def test_prompt_embedding_takes_the_first_of_several(tmp_path):
    _, _, prompt = write_official_checkpoint(str(tmp_path), SMALL, prompt_count=3)
    log = []
    converted, _, _ = convert_files(*_paths(str(tmp_path)), expected=SMALL, log=log.append)
    assert torch.equal(converted["prompt_emb"], prompt[0:1])
    assert any("using the first" in line for line in log)
    with pytest.raises(ValueError, match=r"prompt_emb has shape \[5, 24\], expected \[N, tokens, text_dim\]"):
        prompt_embedding(torch.zeros(5, 24))


def test_command_line_writes_the_sources_hashes_and_refuses_a_mismatch(tmp_path, capsys):
    root = tmp_path / "SwiftVR"
    write_official_checkpoint(str(root), SMALL, legacy=True)
    expect = tmp_path / "expected.json"
    expect.write_text(json.dumps(SMALL.to_dict()))
    out = tmp_path / "converted.pt"
    assert main(["--checkpoint", str(root), "--out", str(out), "--expect-config", str(expect)]) == 0
    written = json.loads((tmp_path / "converted.json").read_text())
    assert written["stream_protocol"] == "official"
    files = {f["file"]: f for f in written["converted_from"]["files"]}
    assert set(files) == {"transformer/config.json", "transformer/diffusion_pytorch_model.safetensors",
                          "reae.safetensors", "prompt_embedding.safetensors"}
    import hashlib
    assert files["reae.safetensors"]["sha256"] == hashlib.sha256((root / "reae.safetensors").read_bytes()).hexdigest()
    assert written["converted_from"]["legacy_tensors_dropped"] == list(LEGACY_REAE_TENSORS)
    assert SwiftVRConfig.from_dict(written) == SMALL
    SwiftVRRestorer(SMALL).load_state_dict(torch.load(str(out)), strict=True)

    write_official_checkpoint(str(root), SMALL, config_changes={"ffn_dim": 128})
    assert main(["--checkpoint", str(root), "--out", str(tmp_path / "again.pt"), "--expect-config", str(expect)]) == 2
    assert "ffn_dim is 128, expected 64" in capsys.readouterr().err
    assert not (tmp_path / "again.pt").exists()
