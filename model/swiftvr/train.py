#!/usr/bin/env python3
"""Train a SwiftVR restorer (config `small` by default) on clips made on the fly from the photos.

Stages, as the method describes them, each given a wall-clock budget in seconds:
  ae     ReAE reconstruction: decoder(encoder(x)) -> ground truth, for x the ground truth itself
         and x the degraded input (the restoration-aware part); the DiT is not used.
  flow   one-step latent flow with the ReAE frozen: z_t = (1 - t) z_HQ + t z_LQ with
         z_HQ = E(ground truth), z_LQ = E(degraded input); the DiT learns v = z_LQ - z_HQ
         (half the samples at t = 1, the only time used at inference, the rest uniform).
  detail the detail path only (swiftvr/detail.py), the latent path frozen and run without
         gradients: L1 (or --pixel-loss) of the restorer's output against the ground truth.
  joint  everything trained end to end in pixel space through the restorer's own path
         (resize, encode, z_HQ = z_LQ - v(z_LQ, 1), decode, detail path), L1 against the ground
         truth (or, with --pixel-loss, MSE or minus the mean per-frame PSNR); the detail path at its
         own learning rate.
The decoder lags its input by 3 frames (bundle contract), so output j is compared with ground
truth j - 3 and the first 3 outputs of a clip are not scored (Java drops them too).

  PYTHONPATH=model python3 -m swiftvr.train --out runs/a --schedule ae:180,flow:90,joint:150
  PYTHONPATH=model python3 -m swiftvr.train --resume runs/a --out runs/b --schedule joint:420
  PYTHONPATH=model python3 -m swiftvr.train --init-from models/swiftvr-small --out runs/d \
      --schedule detail:300,joint:200

Writes <out>/ckpt-*.pt + ckpt.json (swiftvr/training/checkpoint.py), loss.csv, val.csv (validation PSNR on
held-out photos against bicubic, fixed seed) and appends to the CSVs of --resume.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import math
import os
import shutil
import sys
import time
from typing import Dict, List

import torch
import torch.nn.functional as F

from swiftvr.config import DetailConfig, SwiftVRConfig, preset
from swiftvr.data.degrade import DegradeConfig
from swiftvr.data.photos import DEFAULT_PACK, pack_files, pack_footage
from swiftvr.data.sampler import ClipBatch, ClipSampler, FootageSampler
from swiftvr.restorer import SwiftVRRestorer, build_restorer
from swiftvr.training import batched, checkpoint, experiments

STAGES = ("ae", "flow", "detail", "joint", "fusion")
# detail-path modules that only a path with propagation has (swiftvr/detail.py)
NEW_WITH_PROPAGATION = ("detail.carry_out.",)
# the temporal fusion at the end of the detail path (swiftvr/fusion.py): new when the bundle has none
FUSION = "detail.fusion."
VAL_SEED = 1234


def parse_schedule(text: str) -> List[tuple]:
    out = []
    for item in text.split(","):
        name, seconds = item.split(":")
        if name not in STAGES:
            raise ValueError(f"unknown stage {name!r}; stages: {STAGES}")
        out.append((name, float(seconds)))
    return out


def pixel_loss(kind: str, y: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Loss of restored frames y against the ground truth, both [B, T, 3, H, W].

    l1    mean absolute error over all pixels (the loss of every shipped version up to the ninth).
    l2    mean squared error over all pixels.
    psnr  minus the mean per-frame PSNR (dB), the figure the evaluation averages. Its gradient on a
          frame is that frame's error divided by the frame's mean squared error, so a frame that is
          already close gets as much say as a heavily compressed one; L1 pulls every pixel equally
          whatever its frame's state, MSE pulls hardest on the worst frames."""
    y, target = y.float(), target.float()
    if kind == "l1":
        return F.l1_loss(y, target)
    if kind == "l2":
        return F.mse_loss(y, target)
    if kind == "psnr":
        mse = (y - target).pow(2).mean(dim=(2, 3, 4))
        return (10.0 * torch.log10(mse + 1e-8)).mean()
    raise ValueError(f"unknown pixel loss {kind!r}")


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    mse = F.mse_loss(a.clamp(0, 1).float(), b.float()).item()
    return 10 * math.log10(1.0 / max(mse, 1e-12))


class Trainer:
    def __init__(self, args):
        self.args = args
        self.device = torch.device(args.device)
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        self.cfg: SwiftVRConfig = preset(args.config)
        if args.detail:
            channels, blocks, *widths = (int(v) for v in args.detail.split(","))
            self.cfg = dataclasses.replace(self.cfg, detail=DetailConfig(channels, blocks, tuple(widths)))
        if args.detail_window:
            before, after = (int(v) for v in args.detail_window.split(","))
            self.cfg = dataclasses.replace(self.cfg, detail=dataclasses.replace(
                self.cfg.detail, frames_before=before, frames_after=after))
        if args.propagate is not None:
            self.cfg = dataclasses.replace(self.cfg, detail=dataclasses.replace(self.cfg.detail, propagate=args.propagate))
        if args.fuse is not None:
            self.cfg = dataclasses.replace(self.cfg, detail=dataclasses.replace(self.cfg.detail, fuse=args.fuse))
        if args.lookahead is not None:
            self.cfg = dataclasses.replace(self.cfg, detail=dataclasses.replace(self.cfg.detail,
                                                                                lookahead=args.lookahead))
        if args.fusion_cost:
            gate_scale, flow_scale, invert = (int(v) for v in args.fusion_cost.split(","))
            self.cfg = dataclasses.replace(self.cfg, detail=dataclasses.replace(
                self.cfg.detail, gate_scale=gate_scale, flow_scale=flow_scale, invert_flow=bool(invert)))
        self.model: SwiftVRRestorer = build_restorer(self.cfg, seed=args.seed).to(self.device)
        self.progress: Dict[str, float] = {}
        # the `unet` experiment adds skip weights and restores with decoder lag 0 (swiftvr/training/experiments.py)
        self.skips = experiments.UNetSkips(self.model).to(self.device) if args.experiment == "unet" else None
        self.lag = 0 if self.skips is not None else self.cfg.output_lag
        if args.resume:
            state, info = checkpoint.load(args.resume)
            if self.skips is not None:
                self.skips.load_state_dict({k[len("unet."):]: v for k, v in state.items() if k.startswith("unet.")})
                state = {k: v for k, v in state.items() if not k.startswith("unet.")}
            self.model.load_state_dict(state, strict=True)
            self.progress = info.get("progress", {})
            self.log(f"resumed from {args.resume}: {info.get('progress')}")
        elif args.init_from:
            self.init_from_bundle(args.init_from)
        else:
            # adaLN-zero style start for the flow: v = 0, so z_HQ = z_LQ and the whole path is the
            # autoencoder until the DiT has learnt something
            with torch.no_grad():
                self.model.dit.proj_out.weight.zero_()
                self.model.dit.proj_out.bias.zero_()
                if self.skips is not None:   # start near "bilinear input + 0"; not exactly 0, so
                    self.model.decoder.conv_out.weight.mul_(0.1)   # gradients reach the decoder
                    self.model.decoder.conv_out.bias.zero_()
                self.zero_detail_output()
        self.model.train()
        self.gen = torch.Generator().manual_seed(args.seed + int(self.progress.get("total_steps", 0)))
        self.train_sampler = ClipSampler(pack_files("train", args.pack), self.device)
        self.degrade_cfg = DegradeConfig(p_clean=args.p_clean, p_soft_target=args.p_soft_target,
                                         p_camera_noise=args.p_camera_noise, p_blur_after=args.p_blur_after)
        self.footage_sampler = None
        if args.footage_share > 0:
            videos = pack_footage("train", args.pack)
            if not videos:
                raise SystemExit(f"--footage-share {args.footage_share} but the pack {args.pack} has no training "
                                 "footage: rebuild it with python3 -m swiftvr.data.build_pack")
            self.footage_sampler = FootageSampler(videos, self.device)
            self.log(f"footage: {', '.join(os.path.basename(v) for v in videos)} "
                     f"({sum(v.shape[0] for v in self.footage_sampler.videos)} frames), "
                     f"{args.footage_share:.0%} of the batches")
        self.val_batches = self.make_val_set()
        os.makedirs(args.out, exist_ok=True)
        for name in ("loss.csv", "val.csv"):
            if args.resume and os.path.exists(os.path.join(args.resume, name)) and \
                    os.path.abspath(args.resume) != os.path.abspath(args.out):
                shutil.copy(os.path.join(args.resume, name), os.path.join(args.out, name))
        self.check_val_columns()
        self.t_start = time.time()

    def zero_detail_output(self) -> None:
        """The detail path starts as the identity on the input: training only adds to it."""
        if self.model.detail is not None:
            with torch.no_grad():
                self.model.detail.conv_out.weight.zero_()
                self.model.detail.conv_out.bias.zero_()

    def init_from_bundle(self, bundle_dir: str) -> None:
        """Weights of an exported bundle (its TorchScript module, float32 or else bfloat16) for the
        latent path, and for the detail path when the bundle's fits this config's; otherwise (none,
        or another shape) the detail path starts at zero."""
        names = ["restorer.pt", "restorer-bf16.pt"]
        path = next((os.path.join(bundle_dir, n) for n in names if os.path.exists(os.path.join(bundle_dir, n))), None)
        if path is None:
            raise SystemExit(f"{bundle_dir}: no {' or '.join(names)}")
        state = {k: v.float() for k, v in torch.jit.load(path, map_location="cpu").state_dict().items()}
        ours = self.model.state_dict()
        widened = self.widen_detail_window(state, bundle_dir)
        grown = self.grow_propagation(state, bundle_dir)
        detail = {k: v for k, v in state.items() if k.startswith("detail.")}
        fusion_new = not any(k.startswith(FUSION) for k in detail)
        # our detail-path tensors that the bundle lacks by design: they start new, the rest must fit
        new_by_design = (NEW_WITH_PROPAGATION if grown else ()) + ((FUSION,) if fusion_new else ())
        ours_detail = {k: v for k, v in ours.items() if k.startswith("detail.") and not k.startswith(new_by_design)}
        detail_fits = detail.keys() == ours_detail.keys() and all(
            v.shape == ours_detail[k].shape for k, v in detail.items())
        if not detail_fits:
            state = {k: v for k, v in state.items() if not k.startswith("detail.")}
        missing, unexpected = self.model.load_state_dict(state, strict=False)
        if unexpected or any(not k.startswith("detail.") for k in missing):
            raise SystemExit(f"{path} does not fit config {self.cfg.name}: missing {missing}, unexpected {unexpected}")
        note = f"; detail window widened from {widened}" if widened else ""
        if grown and detail_fits:
            note += f"; propagation of {self.cfg.detail.propagate} channels added (carried inputs new)"
        fusion_added = [k for k in missing if k.startswith(FUSION)]
        if detail_fits and fusion_added:
            note += f"; temporal fusion added ({len(fusion_added)} tensors new)"
        if missing and not detail_fits:
            self.zero_detail_output()
            note = f"; detail path new ({len(missing)} tensors{', the bundle has another shape' if detail else ''})"
        self.log(f"initialised from {path}{note}")

    def widen_detail_window(self, state: Dict[str, torch.Tensor], bundle_dir: str) -> str:
        """When this config's detail path reads more input frames than the bundle's, spreads the
        bundle's first-conv weights over the wider window in place (each frame's weights to the same
        time offset, the latent output's to the end) and leaves the new frames' weights at zero, so
        the model starts as exactly the bundle's and training learns what the extra frames add.
        Returns the bundle's window as 'before,after', or '' when nothing was widened."""
        ours = self.cfg.detail
        key = "detail.conv_in.weight"
        if ours is None or key not in state:
            return ""
        with open(os.path.join(bundle_dir, "manifest.json")) as f:
            theirs = SwiftVRConfig.from_dict(json.load(f)["config"]).detail
        if theirs is None or (theirs.frames_before, theirs.frames_after) == (ours.frames_before, ours.frames_after):
            return ""
        if theirs.frames_before > ours.frames_before or theirs.frames_after > ours.frames_after:
            raise SystemExit(f"{bundle_dir}: its detail path reads more frames than --detail-window gives")
        old = state[key]
        # the window's frames, then the latent output, then (with propagation) the carried inputs, kept as they are
        # (grow_propagation adds them when the bundle has none)
        per_frame = (old.shape[1] - theirs.carried_inputs) // (theirs.window + 1)
        new = torch.zeros(old.shape[0], per_frame * (ours.window + 1) + theirs.carried_inputs, *old.shape[2:])
        for k in range(theirs.window):
            slot = k - theirs.frames_before + ours.frames_before
            new[:, slot * per_frame:(slot + 1) * per_frame] = old[:, k * per_frame:(k + 1) * per_frame]
        latent = theirs.window * per_frame
        new[:, ours.window * per_frame:] = old[:, latent:]
        state[key] = new
        return f"{theirs.frames_before},{theirs.frames_after}"

    def grow_propagation(self, state: Dict[str, torch.Tensor], bundle_dir: str) -> bool:
        """When this config's detail path propagates features and the bundle's does not: gives the
        bundle's first conv zero weights for the carried inputs (appended after its own), in place, so
        the model starts as exactly the bundle's; the carried features' conv starts new. Returns whether
        it did."""
        key = "detail.conv_in.weight"
        ours = self.cfg.detail
        if ours is None or not ours.propagate or key not in state:
            return False
        old = state[key]
        extra = self.model.detail.conv_in.weight.shape[1] - old.shape[1]
        if extra != ours.carried_inputs:        # also when the bundle propagates already (extra 0)
            return False            # another shape altogether: the detail path starts new
        state[key] = torch.cat([old, torch.zeros(old.shape[0], extra, *old.shape[2:])], 1)
        return True

    def log(self, msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)

    # ----- data -----

    def make_val_set(self) -> Dict[str, ClipBatch]:
        """Fixed clips from held-out photos: x2 degraded, x2 clean (bicubic only), x4 degraded."""
        sampler = ClipSampler(pack_files("heldout", self.args.pack), self.device)
        gen = torch.Generator().manual_seed(VAL_SEED)
        n, t, size = self.args.val_clips, self.args.frames, self.args.crop
        groups = {
            "x2_degraded": sampler.sample(n, t, size, size, 2, gen),
            "x2_clean": sampler.sample(n, t, size, size, 2, gen, DegradeConfig(p_clean=1.0)),
            "x4_degraded": sampler.sample(n, t, size, size, 4, gen),
        }
        if self.args.p_handheld > 0:   # drawn last, so the other groups stay those of earlier runs
            groups["x2_handheld_clean"] = sampler.sample(n, t, size, size, 2, gen, DegradeConfig(p_clean=1.0),
                                                         p_handheld=1.0)
        return groups

    def sample(self) -> ClipBatch:
        scale = 4 if torch.rand((), generator=self.gen).item() < self.args.p_x4 else 2
        batch_shape = (self.args.batch, self.args.frames, self.args.crop, self.args.crop, scale, self.gen)
        # no draw when footage is off, so runs without it repeat the clips of earlier versions
        if self.footage_sampler is not None and torch.rand((), generator=self.gen).item() < self.args.footage_share:
            return self.footage_sampler.sample(*batch_shape, self.degrade_cfg)
        return self.train_sampler.sample(*batch_shape, self.degrade_cfg, p_handheld=self.args.p_handheld)

    # ----- model paths -----

    def full_output(self, lq_u8: torch.Tensor, out_h: int, out_w: int, t_offset: int,
                    latent_grad: bool = True) -> torch.Tensor:
        if self.skips is not None:
            return experiments.unet_restore(self.model, self.skips, lq_u8, out_h, out_w, t_offset)
        return batched.restore(self.model, lq_u8, out_h, out_w, t_offset, latent_grad)

    def target(self, gt: torch.Tensor) -> torch.Tensor:
        return gt[:, : gt.shape[1] - self.lag]

    def scored(self, y: torch.Tensor) -> torch.Tensor:
        return y[:, self.lag:]

    def stage_loss(self, stage: str, batch: ClipBatch) -> torch.Tensor:
        gt = batch.gt
        _, _, _, h, w = gt.shape
        target = self.target(gt)
        if stage == "ae":
            gt_u8 = (gt * 255).round().to(torch.uint8).permute(0, 1, 3, 4, 2)
            inputs = torch.cat([batched.preprocess(self.model, gt_u8, h, w),
                                batched.preprocess(self.model, batch.lq, h, w)])
            y = batched.decode(self.model, batched.encode(self.model, inputs))
            return F.l1_loss(self.scored(y).float(), torch.cat([target, target]))
        if stage == "flow":
            with torch.no_grad():
                gt_u8 = (gt * 255).round().to(torch.uint8).permute(0, 1, 3, 4, 2)
                z_hq = batched.encode(self.model, batched.preprocess(self.model, gt_u8, h, w)).float()
                z_lq = batched.encode(self.model, batched.preprocess(self.model, batch.lq, h, w)).float()
            b = z_hq.shape[0]
            t = torch.rand(b, generator=self.gen).to(self.device)
            t = torch.where(torch.rand(b, generator=self.gen).to(self.device) < 0.5, torch.ones_like(t), t)
            tt = t.view(b, 1, 1, 1, 1)
            z_t = (1 - tt) * z_hq + tt * z_lq
            v = batched.velocity(self.model, z_t, t, self.random_offset())
            return F.mse_loss(v.float(), z_lq - z_hq)
        y = self.full_output(batch.lq, h, w, self.random_offset(), latent_grad=stage == "joint")
        return pixel_loss(self.args.pixel_loss, self.scored(y), self.target(gt))

    def random_offset(self) -> int:
        # latent offset of a chunk inside a video: RoPE is relative, but train over many offsets
        return int(torch.randint(0, 64, (), generator=self.gen))

    def trainable(self, stage: str) -> List[dict]:
        """Parameter groups of the stage, each with its base learning rate."""
        a = self.args
        detail = [self.model.detail] if self.model.detail is not None else []
        if stage == "detail" and not detail:
            raise SystemExit(f"config {self.cfg.name} has no detail path to train")
        fusion = [self.model.detail.fusion] if detail and self.model.detail.fusion is not None else []
        if stage == "fusion" and not fusion:
            raise SystemExit("no temporal fusion to train: --fuse CHANNELS")
        groups = {"ae": [([self.model.encoder, self.model.decoder], a.lr_ae)],
                  "flow": [([self.model.dit], a.lr_flow)],
                  "detail": [(detail, a.lr_detail)],
                  "joint": [([self.model.encoder, self.model.dit, self.model.decoder], a.lr_joint),
                            (detail, a.lr_detail)],
                  "fusion": [(fusion, a.lr_fusion)]}[stage]
        if stage == "joint" and self.skips is not None:
            groups.append(([self.skips], a.lr_joint))
        for p in self.model.parameters():
            p.requires_grad_(False)
        out = []
        for modules, lr in groups:
            params = [p for m in modules for p in m.parameters()]
            for p in params:
                p.requires_grad_(True)
            if params:
                out.append({"params": params, "lr": lr, "base_lr": lr})
        return out

    # ----- validation -----

    @torch.no_grad()
    def validate(self, stage: str, stage_step: int) -> Dict[str, float]:
        self.model.eval()
        row: Dict[str, float] = {}
        for name, vb in self.val_batches.items():
            _, _, _, h, w = vb.gt.shape
            target = self.target(vb.gt)
            outs = []
            for i in range(vb.gt.shape[0]):       # one clip at a time keeps memory flat
                outs.append(self.full_output(vb.lq[i:i + 1], h, w, 0))
            y = self.scored(torch.cat(outs))
            lq = vb.lq.permute(0, 1, 4, 2, 3).float() / 255.0
            bic = F.interpolate(lq.flatten(0, 1), size=(h, w), mode="bicubic", align_corners=False)
            bic = bic.view(vb.gt.shape)[:, : target.shape[1]]
            row[f"{name}_model"] = psnr(y, target)
            row[f"{name}_bicubic"] = psnr(bic, target)
        self.model.train()
        self.write_csv("val.csv", dict(wall_s=round(time.time() - self.t_start, 1), stage=stage,
                                       stage_step=stage_step, **{k: round(v, 3) for k, v in row.items()}))
        self.log("val " + " ".join(f"{k}={v:.2f}" for k, v in row.items()))
        return row

    def check_val_columns(self) -> None:
        """A resumed run appends to val.csv: its validation groups must be the ones the file has
        (--p-handheld adds one), or the columns would be written under the wrong headers."""
        path = os.path.join(self.args.out, "val.csv")
        if not os.path.exists(path):
            return
        with open(path, newline="") as f:
            header = next(csv.reader(f), [])
        groups = {c[: -len("_model")] for c in header if c.endswith("_model")}
        if groups != set(self.val_batches):
            raise SystemExit(f"{path} has the validation groups {sorted(groups)}, this run has "
                             f"{sorted(self.val_batches)} (--p-handheld adds x2_handheld_clean): "
                             "resume with the same --p-handheld setting (0 or > 0), or write to a new --out")

    def write_csv(self, name: str, row: dict) -> None:
        path = os.path.join(self.args.out, name)
        new = not os.path.exists(path)
        with open(path, "a", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(row))
            if new:
                w.writeheader()
            w.writerow(row)

    # ----- loop -----

    def run_stage(self, stage: str, budget_s: float) -> None:
        args = self.args
        groups = self.trainable(stage)
        params = [p for g in groups for p in g["params"]]
        opt = torch.optim.AdamW(groups, betas=(0.9, 0.99), weight_decay=0.0)
        start = time.time()
        done_before = float(self.progress.get(f"{stage}_seconds", 0)) if args.stage_total else 0.0
        total_s = args.stage_total or budget_s
        step, next_val, losses = 0, start + args.val_every, []
        self.log(f"stage {stage}: {budget_s:.0f} s, lr {[g['base_lr'] for g in groups]}, "
                 f"{sum(p.numel() for p in params)} params")
        batch = None
        while time.time() - start < budget_s:
            t0 = time.time()
            if step % args.reuse == 0:
                fresh = batch = self.sample()
            else:
                # the same clips mirrored and/or flipped: a different sample for the price of none
                # (making clips costs more than a training step of the small model)
                batch = mirrored(fresh, step % args.reuse)
            t1 = time.time()
            # learning rate: linear warm-up, then cosine decay to 10% over the stage's time budget, or
            # over --stage-total seconds counting this stage's seconds in the runs resumed from
            frac = min(1.0, (done_before + time.time() - start) / total_s)
            factor = min(1.0, (step + 1) / args.warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
            for g in opt.param_groups:
                g["lr"] = g["base_lr"] * factor
            lr = opt.param_groups[-1]["lr"]
            with torch.autocast("cuda", dtype=torch.bfloat16, enabled=self.device.type == "cuda"):
                loss = self.stage_loss(stage, batch)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            losses.append(loss.item())
            step += 1
            if step % args.log_every == 0:
                self.write_csv("loss.csv", dict(
                    wall_s=round(time.time() - self.t_start, 1), stage=stage, stage_step=step,
                    total_steps=int(self.progress.get("total_steps", 0)) + step, lr=f"{lr:.3g}",
                    loss=f"{sum(losses) / len(losses):.5f}", scale=batch.scale,
                    data_ms=round(1000 * (t1 - t0)), step_ms=round(1000 * (time.time() - t1))))
                self.log(f"{stage} step {step} loss {sum(losses) / len(losses):.4f} lr {lr:.2e} "
                         f"data {1000 * (t1 - t0):.0f} ms step {1000 * (time.time() - t1):.0f} ms")
                losses = []
            if time.time() > next_val:
                self.validate(stage, step)
                next_val = time.time() + args.val_every
        self.progress[f"{stage}_steps"] = self.progress.get(f"{stage}_steps", 0) + step
        self.progress[f"{stage}_seconds"] = round(self.progress.get(f"{stage}_seconds", 0) + time.time() - start, 1)
        self.progress["total_steps"] = int(self.progress.get("total_steps", 0)) + step
        self.validate(stage, step)

    def save(self) -> None:
        info = {"config": self.cfg.to_dict(), "progress": self.progress, "args": vars(self.args),
                "experiment": self.args.experiment, "decoder_lag": self.lag}
        state = dict(self.model.state_dict())
        if self.skips is not None:
            state.update({"unet." + k: v for k, v in self.skips.state_dict().items()})
        checkpoint.save(self.args.out, state, info, float32=self.args.float32)
        self.log(f"checkpoint saved to {self.args.out}: {self.progress}")


def mirrored(batch: ClipBatch, variant: int) -> ClipBatch:
    """Variant 1: left-right mirror, 2: upside down, 3: both (gt is [B,T,3,H,W], lq [B,T,h,w,3])."""
    gt, lq = batch.gt, batch.lq
    if variant & 1:
        gt, lq = gt.flip(-1), lq.flip(-2)
    if variant & 2:
        gt, lq = gt.flip(-2), lq.flip(-3)
    return ClipBatch(gt, lq, batch.scale, batch.recipes, batch.photo_ids)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default="small")
    p.add_argument("--pack", default=DEFAULT_PACK)
    p.add_argument("--out", required=True)
    p.add_argument("--resume")
    p.add_argument("--init-from", help="an exported bundle folder whose weights start the latent path (and the "
                                       "detail path when the bundle's has the same shape)")
    p.add_argument("--detail", help="CHANNELS,BLOCKS[,WIDTH...]: the detail path's size instead of the config's "
                                    "(widths of coarser levels: swiftvr/detail.py)")
    p.add_argument("--detail-window", help="BEFORE,AFTER: input frames the detail path reads on each side of "
                   "the restored one (AFTER at most the decoder lag, 3); with --init-from a bundle that reads "
                   "fewer, its weights are kept and the new frames start at zero")
    p.add_argument("--propagate", type=int, help="CHANNELS (a multiple of 12): the detail path carries a feature map "
                   "of this many channels and its last restored frame from frame to frame, aligned by optical flow "
                   "(swiftvr/detail.py); with --init-from a bundle without, that bundle's weights are kept and "
                   "the carried inputs start at zero")
    p.add_argument("--fuse", type=int, help="CHANNELS: a temporal fusion at the end of the detail path, a gate CNN "
                   "of this width that averages each restored frame with the warped previous result "
                   "(swiftvr/fusion.py); with --init-from a bundle without, it starts new (stage fusion trains it alone)")
    p.add_argument("--lookahead", type=int, help="FRAMES: the temporal fusion also averages each frame with the "
                   "FRAMES after it (swiftvr/fusion.py, \"Look-ahead\"; no new weights), and the stream lags as many "
                   "frames more")
    p.add_argument("--fusion-cost", help="GATE_SCALE,FLOW_SCALE,INVERT: the temporal fusion's gate at 1/GATE_SCALE of "
                   "the frame, its flows down to the pyramid level 1/FLOW_SCALE, and (INVERT 1) the look-ahead's flows "
                   "back in time inverted from the flows forward (config DetailConfig; the shipped eleventh version: "
                   "1,2,0); no new weights")
    p.add_argument("--p-camera-noise", type=float, default=0.0, help="share of degraded clips with a camera's "
                   "signal-dependent, demosaic-correlated noise (swiftvr/data/degrade.py camera_noise)")
    p.add_argument("--p-blur-after", type=float, default=0.0, help="share of degraded clips blurred again after the "
                   "final resize")
    p.add_argument("--schedule", required=True, help="stage:seconds,... with stages ae, flow, detail, joint, fusion")
    p.add_argument("--stage-total", type=float, default=0.0,
                   help="seconds the learning-rate cosine spans, counting the stage's seconds in the resumed "
                        "checkpoint (one schedule over several calls); 0: each stage's own budget")
    p.add_argument("--batch", type=int, default=12)
    p.add_argument("--frames", type=int, default=16, help="frames per training clip (multiple of 4)")
    p.add_argument("--crop", type=int, default=256, help="ground-truth crop side (multiple of 32)")
    p.add_argument("--p-x4", type=float, default=0.3, help="share of x4 batches (the rest is x2)")
    p.add_argument("--p-clean", type=float, default=DegradeConfig().p_clean,
                   help="share of training clips that are only downscaled (bicubic), no other degradation")
    p.add_argument("--footage-share", type=float, default=0.0,
                   help="share of batches cut from the pack's real training footage instead of photo camera paths "
                        "(tried for the sixth version: worse on held-out real footage, model/training/README.md)")
    p.add_argument("--p-soft-target", type=float, default=0.0,
                   help="share of clips whose ground truth is blurred first (soft content; swiftvr/data/degrade.py)")
    p.add_argument("--p-handheld", type=float, default=0.0,
                   help="share of photo clips along a fast hand-held camera path (up to 20 px per frame; "
                        "swiftvr/data/camera.py) instead of a slow pan; > 0 also adds the validation group "
                        "x2_handheld_clean")
    p.add_argument("--pixel-loss", choices=["l1", "l2", "psnr"], default="l1",
                   help="loss of the detail and joint stages: l1, l2 (mean squared error) or psnr (minus "
                        "the mean per-frame PSNR); pixel_loss says how they weigh frames")
    p.add_argument("--lr-ae", type=float, default=1e-3)
    p.add_argument("--lr-flow", type=float, default=3e-4)
    p.add_argument("--lr-joint", type=float, default=2e-4)
    p.add_argument("--lr-detail", type=float, default=1e-3)
    p.add_argument("--lr-fusion", type=float, default=2e-3)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--reuse", type=int, default=2, choices=[1, 2, 3, 4],
                   help="optimiser steps per generated batch (mirrored, then flipped)")
    p.add_argument("--val-every", type=float, default=90.0, help="seconds between validations")
    p.add_argument("--val-clips", type=int, default=8)
    p.add_argument("--log-every", type=int, default=25)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--float32", action="store_true", help="save the checkpoint in float32 (final run)")
    p.add_argument("--experiment", choices=["none", "unet"], default="none",
                   help="unet: train the skip-connected variant of swiftvr/training/experiments.py (not exportable)")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.frames % 4 or args.frames <= batched.LAG + (args.lookahead or 0) or args.crop % 32:
        raise SystemExit("--frames must be a multiple of 4 (more than the stream's lag: 3, plus --lookahead) and "
                         "--crop a multiple of 32")

    trainer = Trainer(args)
    for stage, seconds in parse_schedule(args.schedule):
        trainer.run_stage(stage, seconds)
        trainer.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
