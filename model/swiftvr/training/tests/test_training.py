"""Training helpers: the batched path equals the module's own streaming path, checkpoints round
trip, the U-Net experiment starts from the stock encoder, and a short CPU run completes."""

import dataclasses
import json
import os

import pytest
import torch

from swiftvr import train
from swiftvr.config import tiny
from swiftvr.data.photos import DEFAULT_PACK, pack_footage
from swiftvr.export import export_bundle
from swiftvr.reae import empty_states
from swiftvr.restorer import build_restorer
from swiftvr.training import average_weights, batched, checkpoint, experiments

# the short CPU runs: a tiny config on one small clip per batch
TINY_CPU_RUN = ["--config", "tiny", "--crop", "32", "--frames", "8", "--batch", "1", "--val-clips", "1",
                "--device", "cpu", "--log-every", "1", "--val-every", "1000"]


def photo_pack() -> str:
    """The photo pack of model/data/cache, or skip the test where it was not built."""
    if not os.path.exists(os.path.join(DEFAULT_PACK, "pack.json")):
        pytest.skip("photo pack not built (model/data/fetch_photos.sh, swiftvr.data.build_pack)")
    return DEFAULT_PACK


def test_batched_restore_equals_the_module_per_clip():
    model = build_restorer(tiny(), seed=1).eval()
    lq = torch.randint(0, 256, (2, 8, 16, 20, 3), dtype=torch.uint8)
    with torch.no_grad():
        y = batched.restore(model, lq, 32, 40, t_offset=5)
        for i in range(2):
            ref, _ = model.restore(lq[i], 32, 40, 5, True, empty_states(19))
            # the module clamps to [0, 1] and returns [T, H, W, 3]
            assert torch.allclose(y[i].clamp(0, 1).permute(0, 2, 3, 1), ref, atol=1e-5)


def test_lag_alignment():
    gt = torch.arange(8.0).view(1, 8, 1, 1, 1)
    assert batched.lagged_target(gt).flatten().tolist() == [0, 1, 2, 3, 4]
    assert batched.lagged_output(gt).flatten().tolist() == [3, 4, 5, 6, 7]


def test_checkpoint_round_trip_in_parts(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint, "PART_BYTES", 4096)
    state = {"a": torch.randn(60, 60), "b": torch.randn(3), "n": torch.tensor([7])}
    checkpoint.save(str(tmp_path), state, {"progress": {"x": 1}})
    assert len([f for f in os.listdir(tmp_path) if f.startswith("ckpt-")]) > 1
    loaded, info = checkpoint.load(str(tmp_path))
    assert info["progress"] == {"x": 1}
    assert torch.allclose(loaded["a"], state["a"], rtol=1e-3) and loaded["a"].dtype == torch.float32
    assert torch.equal(loaded["n"], state["n"])
    checkpoint.save(str(tmp_path), state, {}, float32=True)
    assert torch.equal(checkpoint.load(str(tmp_path))[0]["a"], state["a"])


def test_unet_experiment_shares_the_stock_encoder():
    assert experiments.check_stock_equivalence(build_restorer(tiny(), seed=2)) == 0.0


def test_schedule_parsing():
    assert train.parse_schedule("ae:10,joint:2.5") == [("ae", 10.0), ("joint", 2.5)]


def test_short_cpu_run_trains_resumes_and_logs(tmp_path):
    pack = photo_pack()
    common = TINY_CPU_RUN + ["--pack", pack]
    first = str(tmp_path / "a")
    assert train.main(common + ["--out", first, "--schedule", "ae:1,flow:1,joint:1"]) == 0
    second = str(tmp_path / "b")
    assert train.main(common + ["--out", second, "--resume", first, "--schedule", "joint:1"]) == 0
    _, info = checkpoint.load(second)
    assert info["progress"]["joint_steps"] >= 2 and info["progress"]["ae_steps"] >= 1
    with open(os.path.join(second, "val.csv")) as f:
        assert len(f.readlines()) == 1 + 4          # header, 3 stages of the first run, 1 of the second


def test_handheld_clips_add_a_validation_group_that_a_resume_must_keep(tmp_path):
    pack = photo_pack()
    common = TINY_CPU_RUN + ["--pack", pack, "--schedule", "joint:1"]
    first = str(tmp_path / "a")
    assert train.main(common + ["--out", first, "--p-handheld", "0.5"]) == 0
    with open(os.path.join(first, "val.csv")) as f:
        header = f.readline().strip().split(",")
    assert "x2_handheld_clean_model" in header and "x2_handheld_clean_bicubic" in header
    with pytest.raises(SystemExit, match="x2_handheld_clean"):
        train.main(common + ["--out", str(tmp_path / "b"), "--resume", first])
    assert train.main(common + ["--out", str(tmp_path / "c"), "--resume", first, "--p-handheld", "0.5"]) == 0


def test_mirrored_variants_flip_ground_truth_and_input_alike():
    from swiftvr.data.sampler import ClipBatch
    gt = torch.randint(0, 256, (1, 2, 3, 4, 5)).float()          # [B, T, 3, H, W]
    lq = gt.permute(0, 1, 3, 4, 2).to(torch.uint8)            # the same picture as input, [B, T, h, w, 3]
    batch = ClipBatch(gt, lq, 1, [], [])
    for variant in range(4):
        m = train.mirrored(batch, variant)
        assert torch.equal(m.lq.permute(0, 1, 4, 2, 3).float(), m.gt), variant
    assert torch.equal(train.mirrored(batch, 3).gt, gt.flip(-1).flip(-2))


def test_pixel_losses_psnr_is_minus_the_mean_frame_psnr_and_each_weighs_frames_its_own_way():
    gen = torch.Generator().manual_seed(0)
    target = torch.rand(2, 3, 3, 8, 8, generator=gen)
    noise = torch.randn(2, 3, 3, 8, 8, generator=gen)
    scale = torch.tensor([0.01, 0.1]).view(2, 1, 1, 1, 1)      # clip 0 close, clip 1 ten times worse
    y = (target + scale * noise).clamp(0, 1).requires_grad_(True)   # train.psnr clamps too
    frame_psnr = [train.psnr(y[b, t].detach(), target[b, t]) for b in range(2) for t in range(3)]
    loss = train.pixel_loss("psnr", y, target)
    assert loss.item() == pytest.approx(-sum(frame_psnr) / len(frame_psnr), abs=1e-3)
    loss.backward()
    per_clip = y.grad.abs().sum(dim=(1, 2, 3, 4))
    assert per_clip[0] > 5 * per_clip[1]            # the close clip is pulled harder, not the worse one
    y.grad = None
    train.pixel_loss("l1", y, target).backward()
    per_clip = y.grad.abs().sum(dim=(1, 2, 3, 4))
    assert per_clip[0] == pytest.approx(per_clip[1].item())   # L1: every pixel alike
    y.grad = None
    train.pixel_loss("l2", y, target).backward()
    per_clip = y.grad.abs().sum(dim=(1, 2, 3, 4))
    assert per_clip[1] > 5 * per_clip[0]            # MSE: the worse clip is pulled harder
    with pytest.raises(ValueError):
        train.pixel_loss("l3", y, target)


def exported_bundle(folder, cfg, seed: int, **export_args):
    """A bundle of cfg with random weights from seed, exported to folder (what --init-from reads); returns the
    model it was exported from."""
    model = build_restorer(cfg, seed=seed).eval()
    export_bundle(model, cfg, str(folder), os.path.basename(folder), "test", log=lambda *a: None, **export_args)
    return model


def test_detail_stage_trains_the_detail_path_alone(tmp_path):
    """--init-from a bundle without a detail path: the latent path's weights come from the bundle, the
    detail path starts at zero (the output equals the resized input frame), and a `detail` stage
    changes nothing but the detail path."""
    pack = photo_pack()
    old = exported_bundle(tmp_path / "old", dataclasses.replace(tiny(), detail=None), seed=3)
    common = TINY_CPU_RUN + ["--pack", pack]
    out = str(tmp_path / "d")
    assert train.main(common + ["--out", out, "--init-from", str(tmp_path / "old"), "--schedule", "detail:2"]) == 0
    state, info = checkpoint.load(out)
    assert info["progress"]["detail_steps"] >= 1
    for name, value in old.state_dict().items():
        assert torch.allclose(state[name], value.float(), atol=1e-3, rtol=1e-3), name   # float16 checkpoint
    assert state["detail.conv_out.weight"].abs().max() > 0, "the detail path was trained"


def test_a_new_detail_shape_starts_fresh_and_one_cosine_spans_resumed_runs(tmp_path):
    """--init-from a bundle whose detail path has another shape keeps the bundle's latent path and
    starts the new detail path at zero; --stage-total makes a resumed run continue the cosine where
    the checkpoint left it instead of starting again at the base learning rate."""
    import csv
    pack = photo_pack()
    old = exported_bundle(tmp_path / "old", tiny(), seed=4)   # one-level detail path (8 channels, 1 block)
    common = ["--config", "tiny", "--detail", "8,1,12", "--crop", "32", "--frames", "8", "--batch", "1",
              "--val-clips", "1", "--device", "cpu", "--log-every", "1", "--val-every", "1000", "--pack", pack,
              "--warmup", "1", "--lr-detail", "1e-3", "--stage-total", "4"]
    first = str(tmp_path / "a")
    trainer = train.Trainer(train.build_parser().parse_args(
        common + ["--out", first, "--init-from", str(tmp_path / "old"), "--schedule", "detail:2"]))
    for name, value in old.state_dict().items():
        if not name.startswith("detail."):
            assert torch.equal(trainer.model.state_dict()[name], value), name
    assert len(trainer.model.detail.downs) == 1
    assert trainer.model.detail.conv_out.weight.abs().max() == 0, "the new detail path starts at zero"
    trainer.run_stage("detail", 2)
    trainer.save()
    second = str(tmp_path / "b")
    assert train.main(common + ["--out", second, "--resume", first, "--schedule", "detail:1"]) == 0
    with open(os.path.join(first, "loss.csv")) as f:
        before = len(list(csv.DictReader(f)))
    with open(os.path.join(second, "loss.csv")) as f:
        rows = list(csv.DictReader(f))
    done = checkpoint.load(first)[1]["progress"]["detail_seconds"]
    resumed = [float(r["lr"]) for r in rows[before:]]              # the resumed run's steps come last
    assert resumed
    assert done >= 2.0
    # at >= half of the 4 s cosine the factor is <= 0.1 + 0.9 * 0.5 = 0.55 of the base rate
    assert max(resumed) <= 0.55e-3 + 1e-9, (done, resumed)


def test_a_wider_detail_window_starts_as_the_bundle_it_widens(tmp_path):
    """--init-from a bundle whose detail path reads one frame on each side, with --detail-window 2,2:
    every weight is kept (the first conv's spread over the wider window, the new frames at zero), so
    the widened model restores exactly as the bundle does until training moves the new weights."""
    pack = photo_pack()
    old = exported_bundle(tmp_path / "old", tiny(), seed=5)
    args = ["--config", "tiny", "--detail-window", "2,2", "--crop", "32", "--frames", "8", "--batch", "1",
            "--val-clips", "1", "--device", "cpu", "--pack", pack, "--out", str(tmp_path / "w"),
            "--init-from", str(tmp_path / "old"), "--schedule", "joint:1"]
    wide = train.Trainer(train.build_parser().parse_args(args)).model.eval()
    assert wide.detail.window == 5 and wide.detail.conv_in.weight.shape[1] == 6 * 12
    assert wide.detail.conv_out.weight.abs().max() > 0, "the bundle's trained detail path is kept"
    lq = torch.randint(0, 256, (16, 16, 20, 3), dtype=torch.uint8)
    with torch.no_grad():
        ours, _ = wide.restore(lq, 32, 40, 0, True, empty_states(19))
        theirs, _ = old.restore(lq, 32, 40, 0, True, empty_states(19))
    torch.testing.assert_close(ours, theirs, atol=1e-5, rtol=0)
    narrower = ["--detail-window", "0,1"]
    with pytest.raises(SystemExit, match="reads more frames"):
        train.Trainer(train.build_parser().parse_args(args[:2] + narrower + args[4:]))


def test_a_run_can_draw_its_clips_from_real_footage(tmp_path, capsys):
    pack = photo_pack()
    if not pack_footage("train", pack):
        pytest.skip("pack without footage (model/data/fetch_photos.sh, swiftvr.data.build_pack)")
    out = str(tmp_path / "f")
    assert train.main(TINY_CPU_RUN + ["--pack", pack, "--footage-share", "1", "--out", out,
                                      "--schedule", "joint:1"]) == 0
    assert "footage: vtest.avi (795 frames), 100% of the batches" in capsys.readouterr().out
    _, info = checkpoint.load(out)
    assert info["progress"]["joint_steps"] >= 1
    # a pack built before footage existed: the same photos, no "footage" entry
    with open(os.path.join(pack, "pack.json")) as f:
        photos = json.load(f)["photos"]
    old = tmp_path / "old-pack"
    old.mkdir()
    (old / "pack.json").write_text(json.dumps({"photos": [dict(e, file=os.path.join(pack, e["file"]))
                                                           for e in photos]}))
    with pytest.raises(SystemExit, match="no training footage"):
        train.main(["--config", "tiny", "--pack", str(old), "--footage-share", "0.5", "--out", out,
                    "--schedule", "joint:1", "--device", "cpu"])


def test_weight_average_is_the_mean_of_float_tensors_and_refuses_mismatches():
    a = {"w": torch.tensor([1.0, 3.0]), "steps": torch.tensor([7])}
    b = {"w": torch.tensor([3.0, 5.0]), "steps": torch.tensor([7])}
    mean = average_weights.average([a, b])
    assert torch.equal(mean["w"], torch.tensor([2.0, 4.0]))
    assert torch.equal(mean["steps"], torch.tensor([7]))
    with pytest.raises(ValueError, match="other tensors"):
        average_weights.average([a, {"w": b["w"]}])
    with pytest.raises(ValueError, match="shapes differ"):
        average_weights.average([a, {"w": torch.zeros(3), "steps": torch.tensor([7])}])
    with pytest.raises(ValueError, match="non-float"):
        average_weights.average([a, {"w": b["w"], "steps": torch.tensor([8])}])
    with pytest.raises(ValueError, match="at least two"):
        average_weights.average([a])


def test_propagation_grows_from_a_bundle_without_it_and_trains(tmp_path):
    """--init-from a bundle whose detail path does not propagate, with --propagate 12: the bundle's weights are
    kept and the carried inputs start at zero, so the model restores exactly as the bundle does; a detail stage
    then trains the new parts too."""
    pack = photo_pack()
    old = exported_bundle(tmp_path / "old", tiny(), seed=5)
    out = str(tmp_path / "p")
    args = TINY_CPU_RUN + ["--propagate", "12", "--pack", pack, "--out", out, "--init-from", str(tmp_path / "old"),
                           "--schedule", "detail:2", "--warmup", "1"]
    trainer = train.Trainer(train.build_parser().parse_args(args))
    grown = trainer.model.eval()
    assert grown.detail.propagate == 12 and grown.detail.conv_in.weight.shape[1] == 4 * 12 + 12 + 12
    lq = torch.randint(0, 256, (16, 16, 20, 3), dtype=torch.uint8)
    with torch.no_grad():
        ours, _ = grown.restore(lq, 32, 40, 0, True, empty_states(19))
        theirs, _ = old.restore(lq, 32, 40, 0, True, empty_states(19))
    torch.testing.assert_close(ours, theirs, atol=1e-5, rtol=0)
    grown.train()
    trainer.run_stage("detail", 2)
    trainer.save()
    state, info = checkpoint.load(out)
    assert info["config"]["detail"]["propagate"] == 12
    assert state["detail.conv_in.weight"][:, 48:].abs().max() > 0, "the carried inputs' weights trained"
    # a bundle whose detail path has another shape (three levels) is not grown: the detail path starts new, at zero
    from swiftvr.config import DetailConfig
    other_cfg = dataclasses.replace(tiny(), detail=DetailConfig(channels=8, blocks=1, widths=(12, 16)))
    exported_bundle(tmp_path / "other", other_cfg, seed=6)
    args[args.index(str(tmp_path / "old"))] = str(tmp_path / "other")
    fresh = train.Trainer(train.build_parser().parse_args(args)).model
    assert fresh.detail.conv_out.weight.abs().max() == 0 and fresh.detail.conv_out.bias.abs().max() == 0


def test_a_wider_window_keeps_a_propagating_bundles_carried_weights(tmp_path):
    """--init-from a bundle whose detail path propagates, with --detail-window 2,2 and the same --propagate: the
    first conv's carried-input weights move to the end of the wider conv with the latent output's, so the widened
    model restores exactly as the bundle does."""
    pack = photo_pack()
    from swiftvr.config import DetailConfig
    cfg = dataclasses.replace(tiny(), detail=DetailConfig(channels=8, blocks=1, propagate=12))
    old = exported_bundle(tmp_path / "old", cfg, seed=7, warmup_threshold=1e-3)
    args = TINY_CPU_RUN + ["--propagate", "12", "--detail-window", "2,2", "--pack", pack, "--out", str(tmp_path / "w"),
                           "--init-from", str(tmp_path / "old"), "--schedule", "detail:1"]
    wide = train.Trainer(train.build_parser().parse_args(args)).model.eval()
    assert wide.detail.conv_in.weight.shape[1] == 6 * 12 + 12 + 12
    lq = torch.randint(0, 256, (16, 16, 20, 3), dtype=torch.uint8)
    with torch.no_grad():
        ours, _ = wide.restore(lq, 32, 40, 0, True, empty_states(19))
        theirs, _ = old.restore(lq, 32, 40, 0, True, empty_states(19))
    torch.testing.assert_close(ours, theirs, atol=1e-5, rtol=0)


def test_a_temporal_fusion_added_to_a_bundle_keeps_its_weights_and_trains_alone(tmp_path):
    """--init-from a bundle without fusion, with --fuse 8: every weight of the bundle is kept and the fusion's are
    new; the stage fusion trains the fusion's weights and nothing else."""
    pack = photo_pack()
    old = exported_bundle(tmp_path / "old", tiny(), seed=5)
    out = str(tmp_path / "f")
    args = TINY_CPU_RUN + ["--fuse", "8", "--pack", pack, "--out", out, "--init-from", str(tmp_path / "old"),
                           "--schedule", "fusion:2", "--warmup", "1", "--pixel-loss", "psnr"]
    trainer = train.Trainer(train.build_parser().parse_args(args))
    before = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    for k, v in old.state_dict().items():
        torch.testing.assert_close(before[k], v, atol=0, rtol=0)
    assert any(k.startswith(train.FUSION) for k in before)
    trainer.run_stage("fusion", 2)
    trainer.save()
    state, info = checkpoint.load(out)
    assert info["config"]["detail"]["fuse"] == 8
    changed = {k for k, v in trainer.model.state_dict().items() if not torch.equal(v, before[k])}
    assert changed and all(k.startswith(train.FUSION) for k in changed), changed


def test_a_fusion_with_a_lookahead_scores_its_lagged_output_and_trains_the_gate(tmp_path):
    """--lookahead 2 adds no weights (the bundle's fusion is taken whole) and moves the frame each output is compared
    with two frames further back: the trainer's lag is the config's output lag, 5; the stage fusion still trains only
    the gate."""
    pack = photo_pack()
    fusing = dataclasses.replace(tiny(), detail=dataclasses.replace(tiny().detail, fuse=8))
    old = exported_bundle(tmp_path / "old", fusing, seed=5)
    args = TINY_CPU_RUN + ["--fuse", "8", "--lookahead", "2", "--pack", pack, "--out", str(tmp_path / "l"),
                           "--init-from", str(tmp_path / "old"), "--schedule", "fusion:2", "--warmup", "1"]
    trainer = train.Trainer(train.build_parser().parse_args(args))
    assert trainer.cfg.detail.lookahead == 2 and trainer.lag == 5
    gt = torch.arange(8.0).view(1, 8, 1, 1, 1)
    assert trainer.target(gt).flatten().tolist() == [0, 1, 2] and trainer.scored(gt).flatten().tolist() == [5, 6, 7]
    before = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    assert set(before) == set(old.state_dict())
    trainer.run_stage("fusion", 2)
    changed = {k for k, v in trainer.model.state_dict().items() if not torch.equal(v, before[k])}
    assert changed and all(k.startswith(train.FUSION) for k in changed), changed
