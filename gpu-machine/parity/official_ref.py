"""The official SwiftVR release as an external reference: importing it beside our package, writing a seeded
random checkpoint in its file layout, and restoring frames with its offline (restore_video) path.

Nothing of the release is in this repository: run_gpu.sh unpacks it (github H-oliday/SwiftVR at 7cb5de2, and
diffusers v0.36.0's src/ on which it builds) from the ignored folder .ref/ into /tmp/ref. Its package is also called
`swiftvr`, so it is loaded here under the name `swiftvr_official` (its imports are relative)."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import unittest.mock
from typing import Dict, List, Tuple

import torch
from torch import nn

OFFICIAL = "swiftvr_official"
# the release's transformer/config.json for the Wan2.2-TI2V-5B dims (num_layers set by the caller)
TRANSFORMER_CONFIG = dict(patch_size=(1, 2, 2), num_attention_heads=24, attention_head_dim=128, in_channels=48,
                          out_channels=48, text_dim=4096, freq_dim=256, ffn_dim=14336, num_layers=30,
                          cross_attn_norm=True, qk_norm="rms_norm_across_heads", eps=1e-6, image_dim=None,
                          added_kv_proj_dim=None, rope_max_seq_len=1024, pos_embed_seq_len=None, enable_swa=True,
                          self_attn_window_hw=(16, 16), use_torch_compile=False, compile_mode="default")


def import_official(ref_dir: str):
    """The release's package from ref_dir/swiftvr, diffusers from ref_dir/src. decord and imageio_ffmpeg (file
    reading and writing, unused here) are replaced by mocks, as the release imports them at module level."""
    if OFFICIAL in sys.modules:
        return sys.modules[OFFICIAL]
    sys.path.insert(0, os.path.join(ref_dir, "src"))
    for name in ("decord", "imageio_ffmpeg"):
        sys.modules.setdefault(name, unittest.mock.MagicMock())
    spec = importlib.util.spec_from_file_location(
        OFFICIAL, os.path.join(ref_dir, "swiftvr", "__init__.py"),
        submodule_search_locations=[os.path.join(ref_dir, "swiftvr")])
    module = importlib.util.module_from_spec(spec)
    sys.modules[OFFICIAL] = module
    spec.loader.exec_module(module)
    return module


def _reinit_reae_(reae: nn.Module) -> None:
    """He init with zero biases for the ReAE's convs, the MemBlocks' last conv at half gain, TGrow's Conv3d at
    1/sqrt(fan_in): the rule of our build_restorer, so that signal survives the 18 MemBlocks."""
    with torch.no_grad():
        for name, m in reae.named_modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                if m.bias is not None:
                    m.bias.zero_()
                if name.endswith("conv.4"):
                    m.weight.mul_(0.5)
            elif isinstance(m, nn.Conv3d):
                nn.init.normal_(m.weight, std=(1.0 / m.weight[0].numel()) ** 0.5)


def make_checkpoint(ref_dir: str, out_dir: str, num_layers: int, seed: int, device: str, log=print) -> Dict[str, float]:
    """Writes out_dir/{reae.safetensors, prompt_embedding.safetensors, transformer/} in the release's layout: the
    release's own modules built from `seed` (ReAE re-initialised by _reinit_reae_), then calibrated with our
    calibrate_ on the same network converted, so every stage carries signal. Returns the calibration scales."""
    official = import_official(ref_dir)
    from safetensors.torch import save_file
    from swiftvr.config import official as official_config
    from swiftvr.convert_official import config_for, convert
    from swiftvr.restorer import OfficialRestorer, _calibration_clip, calibrate_

    torch.manual_seed(seed)
    with torch.device(device):
        transformer = official.models.WanTransformer3DModel(**dict(TRANSFORMER_CONFIG, num_layers=num_layers))
        reae = official.models.ReAE()
        prompt = torch.randn(1, 512, 4096)
    _reinit_reae_(reae)
    clip = _calibration_clip()
    t_sd = transformer.state_dict()
    r_sd = reae.state_dict()
    cfg = config_for(prompt, official_config())
    import dataclasses
    cfg = dataclasses.replace(cfg, dit=dataclasses.replace(cfg.dit, num_layers=num_layers))
    with torch.device(device):
        ours = OfficialRestorer(cfg)
    ours.load_state_dict(convert(t_sd, r_sd, prompt, num_layers, log=lambda m: None), strict=True)
    ours.eval()
    before = {k: v.detach().clone() for k, v in (("encoder.17.weight", r_sd["encoder.17.weight"]),
                                                  ("proj_out.weight", t_sd["proj_out.weight"]))}
    calibrate_(ours, clip)
    with torch.no_grad():
        for theirs, mine, sd in (("encoder.17", ours.encoder.conv_out, r_sd), ("decoder.22", ours.decoder.conv_out, r_sd),
                                 ("proj_out", ours.dit.proj_out, t_sd)):
            sd[f"{theirs}.weight"].copy_(mine.weight)
            sd[f"{theirs}.bias"].copy_(mine.bias)
    scales = {k: (r_sd.get(k, t_sd.get(k)).norm() / v.norm()).item() for k, v in before.items()}
    del ours
    os.makedirs(out_dir, exist_ok=True)
    save_file({k: v.detach().cpu().contiguous() for k, v in r_sd.items()}, os.path.join(out_dir, "reae.safetensors"))
    save_file({"prompt_emb": prompt.cpu()}, os.path.join(out_dir, "prompt_embedding.safetensors"))
    transformer.save_pretrained(os.path.join(out_dir, "transformer"), safe_serialization=True, max_shard_size="50GB")
    with open(os.path.join(out_dir, "transformer", "config.json")) as f:
        saved = json.load(f)
    log(f"checkpoint in the release's layout at {out_dir}: {len(t_sd)} transformer tensors "
        f"({sum(v.numel() for v in t_sd.values()) / 1e9:.2f} B parameters), {len(r_sd)} ReAE tensors; "
        f"config num_layers {saved['num_layers']}; calibration scales {scales}")
    del transformer, reae
    return scales


class Capture:
    """Stands in for the release's video writer and uint8 conversion, keeping its float output frames."""

    def __init__(self):
        self.float_frames: List[torch.Tensor] = []
        self.uint8_frames = []


def official_pipeline(ref_dir: str, ckpt_dir: str, device: str, dtype: torch.dtype):
    official = import_official(ref_dir)
    pipe = official.SwiftVRPipeline.from_pretrained(ckpt_dir)
    pipe.to(device, dtype=dtype)
    return pipe


def official_restore(pipe, frames_u8: torch.Tensor, resolution: Tuple[int, int] | None, upscale: int,
                     dit_overlap: int, tf32: bool = False) -> Tuple[torch.Tensor, torch.Tensor]:
    """The release's restore_video (its four-thread runner, chunk specs, LAST-chunk DiT, writer thread) on frames
    [n, H, W, 3] uint8 held in memory: the reader yields the release's chunks of them (the reader's crop to a
    multiple of 8 included) and the writer keeps the frames. Returns (float frames [m, h, w, 3] in [0, 1] as the
    release hands them to its uint8 conversion, its uint8 frames), m = 4a + 1."""
    runner, pipeline_mod, io_mod, chunk_mod = (importlib.import_module(f"{OFFICIAL}.{name}")
                                               for name in ("runner", "pipeline", "io", "streaming.chunk"))
    n, h, w, _ = frames_u8.shape
    crop_h, crop_w = io_mod._crop_size_to_multiple(h, w, io_mod.CROP_LQ_MULTIPLE)
    capture = Capture()

    def clips(video_path, clip_len, total_frames, crop_h, crop_w):
        for spec in chunk_mod.build_chunk_specs(total_frames, clip_len):
            chunk = frames_u8[spec.frame_start:spec.frame_start + spec.frame_count]
            yield spec, chunk[:, :crop_h, :crop_w, :].contiguous()

    def to_uint8(video):
        if video is not None and video.numel() and video.shape[1]:
            capture.float_frames.append(video[0].permute(0, 2, 3, 1).float().clone())
        return original_to_uint8(video)

    class Writer:
        def append_data(self, frame):
            capture.uint8_frames.append(torch.from_numpy(frame.copy()))

        def close(self):
            pass

    original_to_uint8 = io_mod.ntchw_to_uint8_frames
    patches = [(pipeline_mod, "get_video_info", lambda path, fallback_fps=30: (n, crop_h, crop_w, 30.0)),
               (runner, "iter_video_clips_fixed_scheme", clips),
               (runner, "ntchw_to_uint8_frames", to_uint8),
               (runner, "open_stream_video_writer", lambda *a, **k: Writer())]
    saved = [(mod, name, getattr(mod, name)) for mod, name, _ in patches]
    try:
        for mod, name, value in patches:
            setattr(mod, name, value)
        pipe.restore_video("in-memory.mp4", "/tmp/parity-unused/out.mp4", resolution=resolution, upscale=upscale,
                           dit_overlap=dit_overlap, verbose=False)
    finally:
        for mod, name, value in saved:
            setattr(mod, name, value)
    return torch.cat(capture.float_frames), torch.stack(capture.uint8_frames)


def set_tf32(enabled: bool) -> None:
    """The release's .to() turns TF32 on (matmuls and cuDNN); float32 parity is measured with it off on both sides."""
    torch.backends.cuda.matmul.allow_tf32 = enabled
    torch.backends.cudnn.allow_tf32 = enabled
    torch.set_float32_matmul_precision("high" if enabled else "highest")
