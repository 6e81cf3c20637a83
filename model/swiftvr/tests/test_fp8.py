"""The FP8 linear layers (swiftvr.fp8, issue 28; benchmarked, not shipped): they script, their weights stay FP8
through a dtype conversion of the whole module, and the output stays close to the bfloat16 module's on the tiny
official network (random weights)."""

import copy
import dataclasses

import torch

from swiftvr.config import tiny
from swiftvr.fp8 import Fp8Linear, use_fp8_linears
from swiftvr.restorer import build_restorer

CFG = dataclasses.replace(tiny(), name="tiny-official", detail=None)


def test_fp8_weights_survive_the_dtype_conversion():
    layer = Fp8Linear(torch.nn.Linear(32, 16)).to(torch.bfloat16)
    assert layer.weight_fp8.dtype == torch.float8_e4m3fn and layer.weight_scale.dtype == torch.float32
    assert layer.bias.dtype == torch.bfloat16


def test_scripted_fp8_restorer_stays_close_to_bf16(tmp_path):
    model = build_restorer(CFG, seed=3, protocol="official")
    fp8 = copy.deepcopy(model)
    assert use_fp8_linears(fp8) == 7 * CFG.dit.num_layers
    model, fp8 = model.to(torch.bfloat16), fp8.to(torch.bfloat16)
    torch.jit.save(torch.jit.script(fp8), str(tmp_path / "fp8.pt"))
    scripted = torch.jit.load(str(tmp_path / "fp8.pt"))
    frames = torch.randint(0, 256, (28, 16, 24, 3), dtype=torch.uint8, generator=torch.Generator().manual_seed(2))
    args = (frames, torch.tensor([64, 96]), torch.tensor([0]), torch.tensor([0]), *[torch.empty(0)] * 20)
    with torch.no_grad():
        reference = model(*args)[0].float()
        got = scripted(*args)[0].float()
    psnr = 10 * torch.log10(255.0 ** 2 / ((got - reference) ** 2).mean())
    print(f"tiny official network, FP8 linears vs bfloat16: PSNR {psnr:.2f} dB")
    assert 35.0 < psnr < 80.0   # close, and not the bf16 module itself
