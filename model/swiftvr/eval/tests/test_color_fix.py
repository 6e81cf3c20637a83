"""The colour fixes of the evaluation (swiftvr.eval.color_fix), the Java pipeline's twins: what they are, that the
Java test's golden is what they compute, and the colour difference they are measured with."""

import os

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from swiftvr.data.imagefiles import read_image
from swiftvr.eval import color_fix
from swiftvr.paths import REPO_DIR

GOLDEN = os.path.join(REPO_DIR, "udf", "src", "test", "resources", "color-fix")


def test_low_pass_is_the_dilated_binomial_blur_with_replicated_edges():
    """The separable form equals five 3x3 convolutions with [1 2 1]^T [1 2 1] / 16 dilated 1..16 over a
    replicate-padded frame (the form StableSR and SeedVR2 describe)."""
    x = torch.rand(2, 40, 56, 3, generator=torch.Generator().manual_seed(0))
    k = torch.tensor([1.0, 2.0, 1.0])
    kernel = (k[:, None] * k[None, :] / 16).expand(3, 1, 3, 3)
    y = x.permute(0, 3, 1, 2)
    for level in range(color_fix.WAVELET_LEVELS):
        d = 1 << level
        y = F.conv2d(F.pad(y, (d, d, d, d), mode="replicate"), kernel, dilation=d, groups=3)
    assert torch.allclose(color_fix.low_pass(x), y.permute(0, 2, 3, 1), atol=1e-6)


def test_adain_gives_the_references_channel_means_and_spread():
    gen = torch.Generator().manual_seed(1)
    out = torch.rand(1, 32, 48, 3, generator=gen) * 0.5 + 0.1
    ref = torch.rand(1, 32, 48, 3, generator=gen) * 0.3 + 0.4
    fixed = color_fix.adain(out, ref)
    assert torch.allclose(fixed.mean(dim=(1, 2)), ref.mean(dim=(1, 2)), atol=1e-5)
    assert torch.allclose(fixed.std(dim=(1, 2), unbiased=False), ref.std(dim=(1, 2), unbiased=False), atol=1e-4)


def test_wavelet_keeps_the_outputs_detail_on_the_references_colour():
    gen = torch.Generator().manual_seed(2)
    ref = torch.rand(1, 64, 64, 3, generator=gen) * 0.5 + 0.25
    out = (ref * 0.8 + 0.15).clamp(0, 1)     # a colour cast of the same picture
    fixed = color_fix.wavelet(out, ref)
    assert (fixed.mean(dim=(1, 2)) - ref.mean(dim=(1, 2))).abs().max() < 2e-3
    # nothing was clamped here, so the fixed frame is exactly the output's detail on the reference's low pass
    assert torch.allclose(fixed - color_fix.low_pass(ref), out - color_fix.low_pass(out), atol=1e-6)


def test_the_java_tests_golden_is_what_this_module_computes():
    """udf's ColorMatchAgreementTest compares the Java fixes with these files; they must stay this module's output
    (rewrite them with --write-golden after changing a fix)."""
    lq = torch.from_numpy(read_image(os.path.join(GOLDEN, "input.png")))[None]
    restored = torch.from_numpy(read_image(os.path.join(GOLDEN, "restored.png")))[None].float() / 255.0
    for name in ("wavelet", "adain"):
        expected = read_image(os.path.join(GOLDEN, f"{name}.png"))
        assert np.array_equal(color_fix.fix(name, restored, lq)[0].numpy(), expected), name


@pytest.mark.parametrize("lab1, lab2, expected", [
    # Sharma, Wu and Dalal (2005), table 1: pairs 1, 7, 13, 17 and 25
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0011), 7.2195),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
])
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected):
    assert color_fix.ciede2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


def test_srgb_white_and_black_in_lab():
    lab = color_fix.srgb_to_lab(np.array([[255, 255, 255], [0, 0, 0]], np.uint8))
    assert lab[0] == pytest.approx([100.0, 0.0, 0.0], abs=1e-3)
    assert lab[1] == pytest.approx([0.0, 0.0, 0.0], abs=1e-6)


def test_colour_shift_sees_a_cast_and_not_its_absence():
    gen = np.random.default_rng(3)
    gt = gen.integers(40, 200, (2, 32, 48, 3), dtype=np.uint8)
    cast = (gt.astype(int) + np.array([6, 0, -4])).clip(0, 255).astype(np.uint8)
    none = color_fix.colour_shift(gt, gt)
    shifted = color_fix.colour_shift(cast, gt)
    assert np.allclose(none["channel"], 0) and np.allclose(none["de2000"], 0)
    assert shifted["channel"] == pytest.approx(np.array([[6, 0, -4], [6, 0, -4]]), abs=1e-9)
    assert (shifted["de2000"] > 1).all()
