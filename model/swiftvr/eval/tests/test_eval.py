"""Evaluation: metrics, reference upscalers and the Java-style chunk loop over a real bundle."""

import os

import numpy as np
import pytest
import torch

from swiftvr.bundle import synthetic_clip
from swiftvr.config import tiny
from swiftvr.eval.metrics import error_change_per_pair, psnr_per_frame, ssim_per_frame, upscale
from swiftvr.eval.soft_check import soft_ground_truth
from swiftvr.evaluate import Bundle, side_by_side
from swiftvr.export import export_bundle
from swiftvr.restorer import build_restorer
from swiftvr.stream import run_stream


def clip(frames=5, h=24, w=32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (frames, h, w, 3), dtype=np.uint8)


def test_identical_clips_score_perfectly():
    c = clip()
    assert (psnr_per_frame(c, c) > 99).all()
    assert np.allclose(ssim_per_frame(c, c), 1.0)
    assert np.allclose(error_change_per_pair(c, c), 0.0)


def test_psnr_of_a_known_error():
    a = np.full((1, 8, 8, 3), 100, np.uint8)
    b = a + 10
    assert psnr_per_frame(a, b)[0] == pytest.approx(10 * np.log10(255 ** 2 / 100), abs=1e-4)


def test_flicker_sees_a_changing_error_but_not_a_constant_one():
    gt = clip(6)
    steady = np.clip(gt.astype(int) + 5, 0, 255).astype(np.uint8)
    blink = gt.copy()
    blink[3] = np.clip(gt[3].astype(int) + 20, 0, 255)
    assert error_change_per_pair(steady, gt).max() < error_change_per_pair(blink, gt).max()


@pytest.mark.parametrize("method", ["bicubic", "lanczos", "bilinear"])
def test_upscalers_keep_flat_images_and_size(method):
    flat = np.full((2, 10, 12, 3), 77, np.uint8)
    out = upscale(flat, (20, 24), method)
    assert out.shape == (2, 20, 24, 3) and (out == 77).all()


def test_lanczos_at_scale_one_is_the_identity():
    c = clip(1)
    assert np.array_equal(upscale(c, c.shape[1:3], "lanczos"), c)


def test_side_by_side_has_five_panels():
    gt = clip(3, 32, 40)
    lq = clip(3, 16, 20, seed=1)
    results = {"bicubic": gt, "lanczos": gt, "model": gt}
    row = side_by_side(lq, results, gt, 1, crop=16, zoom=2)
    assert row.shape == (32, 5 * 32 + 4 * 4, 3)


@pytest.fixture(scope="module")
def tiny_bundle(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("bundle"))
    export_bundle(build_restorer(tiny(), seed=0), tiny(), out, "swiftvr-tiny", "random, for tests",
                  warmup_chunks_clip=7, warmup_in_size=(8, 8), warmup_out_size=(32, 64), log=lambda *_: None)
    return out


def test_chunk_plan_follows_the_contract(tiny_bundle):
    b = Bundle(tiny_bundle)
    assert b.chunk_plan(49) == [(0, 28), (28, 24)]             # 52-frame stream
    assert b.chunk_plan(50) == [(0, 28), (28, 24), (52, 24)]   # 56 frames: a padded last chunk
    assert b.chunk_plan(10) == [(0, 28)]
    assert b.boundary_pairs(49) == [25]


def test_restore_equals_the_reference_stream_runner(tiny_bundle):
    b = Bundle(tiny_bundle)
    n = 49
    video = synthetic_clip(52, 8, 12, seed=3).numpy()
    video[n:] = video[n - 1]                                   # the stream pads with the last frame
    out = b.restore(video[:n], (16, 24))
    assert out.shape == (n, 16, 24, 3) and out.dtype == np.uint8
    ref = run_stream(b.module, torch.from_numpy(video), (16, 24), 2, float_output=False)
    stream = torch.cat([ref[0], ref[1]]).numpy()
    assert np.array_equal(out, stream[3:3 + n])                # output lags the input by 3 frames


def test_codec_variants_of_the_eval_set_keep_shape_and_differ_as_named():
    """make_eval_set --codec: the proxy works on sizes that are not whole 16x16 blocks (the real
    clips' 320x180) and loses information; `none` hands the frames back untouched."""
    from swiftvr.eval import make_eval_set
    frames = clip(frames=4, h=36, w=40, seed=3)
    coded = make_eval_set.CODECS["proxy"](frames, 36)
    assert coded.shape == frames.shape and coded.dtype == np.uint8
    assert np.abs(coded.astype(int) - frames).mean() > 1.0
    assert make_eval_set.CODECS["none"](frames, 36) is frames
    assert make_eval_set.codec_name(make_eval_set.CODECS["proxy"]) == "proxy"


def test_the_tuning_split_uses_only_training_sources():
    """make_eval_set --split train: photos of the training split, the training clip and the tuning-only clip;
    none of the held-out ones."""
    from swiftvr.eval import make_eval_set
    from swiftvr.data.photos import read_footage_list, read_photo_list
    split = {p.id: p.split for p in read_photo_list()}
    split.update({c.id: c.split for c in read_footage_list()})
    photos_of, clips = make_eval_set.SPLITS["train"]
    try:
        ids = [os.path.splitext(os.path.basename(p))[0] for p in photos_of()]
    except FileNotFoundError:
        pytest.skip("photo pack not built (model/data/fetch_photos.sh, swiftvr.data.build_pack)")
    assert len(ids) == 8 and all(split[i] == "train" for i in ids)
    assert sorted(split[os.path.splitext(c)[0]] for c in clips) == ["train", "tuning"]
    held_photos, held_clips = make_eval_set.SPLITS["heldout"]
    assert all(split[os.path.splitext(os.path.basename(p))[0]] == "heldout" for p in held_photos())
    assert all(split[os.path.splitext(c)[0]] == "heldout" for c in held_clips)


def test_soft_ground_truth_blurs_only_when_asked():
    rng = np.random.default_rng(3)
    gt = rng.integers(0, 256, (2, 24, 32, 3), dtype=np.uint8)
    plain = soft_ground_truth(gt, 0.0)
    assert torch.equal(plain, torch.from_numpy(gt).permute(0, 3, 1, 2).float() / 255)
    soft = soft_ground_truth(gt, 1.2)
    assert soft.shape == plain.shape
    # noise loses most of its pixel-to-pixel variation; the mean level stays (replicate padding, unit-sum kernel)
    assert soft.std() < 0.4 * plain.std()
    assert abs(soft.mean().item() - plain.mean().item()) < 0.01
    flat = soft_ground_truth(np.full((1, 8, 8, 3), 77, np.uint8), 2.0)
    assert torch.allclose(flat, torch.full_like(flat, 77 / 255))


def test_motion_check_clips_differ_only_in_speed(tmp_path, tiny_bundle):
    """The same draws at every speed: faster swings change more from frame to frame; the scores run."""
    from swiftvr.eval import motion_check
    from swiftvr.data.imagefiles import write_png
    rng = np.random.default_rng(0)
    photo = rng.integers(0, 256, (40, 60, 3), dtype=np.uint8).repeat(20, 0).repeat(20, 1)   # 1200x800, blocky
    write_png(str(tmp_path / "p.png"), photo)
    motion = []
    for speed in (0.5, 6.0, 20.0):
        gt, lq = motion_check.clean_pair(str(tmp_path / "p.png"), speed, seed=1)
        assert gt.shape == (motion_check.FRAMES, 256, 384, 3) and lq.shape == (motion_check.FRAMES, 128, 192, 3)
        motion.append(np.abs(np.diff(gt.astype(np.float32), axis=0)).mean())
    assert motion[0] < motion[1] < motion[2]
    model, bicubic, worst = motion_check.check(Bundle(tiny_bundle), [str(tmp_path / "p.png")], 6.0)
    assert np.isfinite(model) and 10 < bicubic < 60 and worst == pytest.approx(model - bicubic, abs=0.05)


def test_a_flip_ensemble_of_a_mirror_symmetric_clip_is_mirror_symmetric(tiny_bundle):
    b = Bundle(tiny_bundle)
    half = synthetic_clip(30, 8, 6, seed=5).numpy()
    video = np.concatenate([half, half[:, :, ::-1]], 2)        # each frame its own left-right mirror
    plain = b.restore(video, (16, 24))
    assert b.restore_flipped(video, (16, 24), 1).tolist() == plain.tolist()
    assert not np.array_equal(plain, plain[:, :, ::-1])       # random weights: the model is not symmetric
    ensemble = b.restore_flipped(video, (16, 24), 2)
    assert np.array_equal(ensemble, ensemble[:, :, ::-1])     # the mean of a run and its mirror is
    both = b.restore_flipped(video, (16, 24), 4)
    assert both.shape == plain.shape and both.dtype == np.uint8
    with pytest.raises(ValueError):
        b.restore_flipped(video, (16, 24), 3)


def test_neighbour_check_scores_frame_k_alone_from_frame_k_only(tiny_bundle):
    from swiftvr.eval.neighbour_check import in_clip_and_alone
    b = Bundle(tiny_bundle)
    lq = synthetic_clip(30, 8, 12, seed=3).numpy()
    gt = synthetic_clip(30, 16, 24, seed=4).numpy()
    [(in_clip, alone)] = in_clip_and_alone(b, lq, gt, [20])
    other = lq.copy()
    other[:20], other[21:] = 255 - other[:20], 255 - other[21:]   # every frame but k changed
    [(in_other, alone_other)] = in_clip_and_alone(b, other, gt, [20])
    assert alone_other == alone                # the still clip is made of frame k alone
    assert in_other != in_clip                 # in its clip, frame k's restoration sees the others
    k_changed = lq.copy()
    k_changed[20] = 255 - k_changed[20]
    assert in_clip_and_alone(b, k_changed, gt, [20])[0][1] != alone
    assert in_clip_and_alone(b, lq, gt, [5, 20])[1] == (in_clip, alone)   # one clip run serves every k
