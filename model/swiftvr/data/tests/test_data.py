"""Training-data generation: photo list, camera paths, codecs and degradations (CPU, no photos needed)."""

import math
import os
import shutil
import subprocess

import numpy as np
import pytest
import torch

from swiftvr.data.camera import crop_for_path, handheld_path, path_flow, random_path, render
from swiftvr.data.codec import jpeg, jpeg_tables, video
from swiftvr.data.degrade import DegradeConfig, bicubic_down, degrade_batch, soften_targets
from swiftvr.data.imagefiles import _parse_ppm, write_png
from swiftvr.data.photos import read_footage_list, read_photo_list
from swiftvr.data.sampler import ClipSampler, FootageSampler


def textured(h=96, w=128, seed=0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    yy = torch.linspace(0, 1, h)[:, None]
    xx = torch.linspace(0, 1, w)[None, :]
    base = torch.stack([0.5 + 0.3 * torch.sin(17 * xx + 9 * yy + c) for c in (0.0, 1.0, 2.0)])
    return (base + 0.05 * torch.randn(3, h, w, generator=g)).clamp(0, 1)


def psnr(a, b):
    return 10 * math.log10(1 / ((a - b) ** 2).mean().item())


def test_photo_list_is_split_by_source_and_has_licences():
    photos = read_photo_list()
    assert len(photos) == 63
    assert len({p.id for p in photos}) == len(photos)
    held = [p for p in photos if p.split == "heldout"]
    assert len(held) == 8
    assert len({p.package for p in held}) == 5          # held-out photos come from every package
    assert all(p.licence and p.credit for p in photos)


def window_inside(path, out_h, out_w, photo_h, photo_w) -> bool:
    c, s = torch.cos(path.angle), torch.sin(path.angle)
    for sx, sy in ((-out_w / 2, -out_h / 2), (out_w / 2, -out_h / 2), (-out_w / 2, out_h / 2), (out_w / 2, out_h / 2)):
        x = path.cx + path.zoom * (c * sx - s * sy)
        y = path.cy + path.zoom * (s * sx + c * sy)
        if x.min() < 0 or x.max() > photo_w or y.min() < 0 or y.max() > photo_h:
            return False
    return True


def test_path_stays_inside_the_photo_and_moves_smoothly():
    gen = torch.Generator().manual_seed(3)
    for _ in range(50):
        path = random_path(16, 64, 96, 400, 600, gen)
        assert window_inside(path, 64, 96, 400, 600)
        assert (path.zoom >= 1.0).all()
        step = torch.hypot(path.cx.diff(), path.cy.diff()) / path.zoom[1:]
        assert step.max() < 6.0                          # output pixels per frame


def test_handheld_path_swings_fast_and_stays_inside_the_photo():
    """Peak speeds spread up to max_speed output px per frame and axis (random_path stays under 6), the
    direction turns (back-and-forth, not one pan), and the rotated window never leaves the photo,
    also where the photo leaves little room to swing."""
    gen = torch.Generator().manual_seed(5)
    peaks = []
    for photo_h, photo_w in ((1000, 1600), (320, 460)):
        for _ in range(60):
            path = handheld_path(49, 256, 384, photo_h, photo_w, gen, max_speed=20.0)
            assert window_inside(path, 256, 384, photo_h, photo_w)
            step = torch.hypot(path.cx.diff(), path.cy.diff()) / path.zoom[1:]
            assert step.max() <= 20.0 * math.sqrt(2) * 1.01     # max_speed is per axis
            if photo_w == 1600:
                peaks.append(step.max().item())
                turns = (path.cx.diff().sign().diff() != 0).sum() + (path.cy.diff().sign().diff() != 0).sum()
                assert turns >= 2
    peaks.sort()
    assert peaks[len(peaks) // 2] > 10.0 and peaks[-1] > 16.0


def test_handheld_share_draws_nothing_when_off(tmp_path):
    """p_handheld = 0 keeps the clips of earlier runs (no extra random draw); 1 moves much faster."""
    photo = (textured(400, 600) * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()
    write_png(str(tmp_path / "photo.png"), photo)
    sampler = ClipSampler([str(tmp_path / "photo.png")], torch.device("cpu"))
    clean = DegradeConfig(p_clean=1.0)
    a = sampler.sample(2, 8, 48, 64, 2, torch.Generator().manual_seed(1), clean)
    b = sampler.sample(2, 8, 48, 64, 2, torch.Generator().manual_seed(1), clean, p_handheld=0.0)
    fast = sampler.sample(2, 8, 48, 64, 2, torch.Generator().manual_seed(1), clean, p_handheld=1.0)
    assert torch.equal(a.gt, b.gt) and torch.equal(a.lq, b.lq)
    change = lambda batch: (batch.gt.diff(dim=1)).abs().mean().item()  # noqa: E731
    assert change(fast) > 2 * change(a)


def test_path_flow_carries_each_frame_onto_the_next():
    """Frame t - 1 warped by the path's flow is frame t (up to the warp's bilinear blur), on a slow pan and on a fast
    rotating hand-held path, while warping by no flow or the negated flow is far off."""
    from swiftvr.flow import warp
    photo = textured(400, 600)
    inner = (..., slice(12, -12), slice(12, -12))
    for make in (random_path, handheld_path):
        path = make(8, 96, 128, 400, 600, torch.Generator().manual_seed(3))
        clip, flow = render(photo, path, 96, 128), path_flow(path, 96, 128)
        assert flow.shape == (7, 2, 96, 128)
        err = lambda f: (warp(clip[:-1], f) - clip[1:])[inner].abs().mean().item()  # noqa: E731
        assert err(flow) < 0.3 * err(torch.zeros_like(flow)) and err(flow) < 0.3 * err(-flow), make


def test_render_of_an_unmoving_unzoomed_path_is_the_photo():
    photo = textured(64, 64)
    from swiftvr.data.camera import CameraPath
    path = CameraPath(torch.full((2,), 32.0), torch.full((2,), 32.0), torch.ones(2), torch.zeros(2))
    clip = render(photo, path, 64, 64)
    # 2x supersampling + box filter blurs by a quarter pixel at most
    assert psnr(clip[0, :, 2:-2, 2:-2], photo[:, 2:-2, 2:-2]) > 30


def test_crop_for_path_changes_nothing():
    photo = (textured(200, 300) * 255).round().to(torch.uint8)
    path = random_path(8, 48, 64, 200, 300, torch.Generator().manual_seed(1))
    crop, moved = crop_for_path(photo, path, 48, 64)
    a = render(photo.float() / 255, path, 48, 64)
    b = render(crop.float() / 255, moved, 48, 64)
    assert (a - b).abs().max() < 1e-5


def test_jpeg_tables_follow_libjpeg_scaling():
    luma, chroma = jpeg_tables(torch.tensor([50.0, 100.0, 10.0]))
    assert luma[0, 0, 0] == 16 and chroma[0, 0, 0] == 17     # quality 50 = the standard tables
    assert (luma[1] == 1).all()                                # quality 100 = all ones
    assert luma[2, 0, 0] == 80                                 # quality 10: scale 500%


def test_jpeg_and_video_lose_more_at_lower_quality():
    x = textured(64, 96)[None].expand(4, -1, -1, -1)
    quality = [psnr(jpeg(x[:1], torch.tensor([q])), x[:1]) for q in (20.0, 50.0, 90.0)]
    assert quality[0] < quality[1] < quality[2]
    clip = torch.stack([torch.roll(textured(64, 96), shifts=t, dims=2) for t in range(6)])[None]
    qps = [psnr(video(clip, torch.tensor([qp])), clip) for qp in (40.0, 30.0, 20.0)]
    assert qps[0] < qps[1] < qps[2]


def test_video_motion_compensation_tracks_a_pan():
    # a pure pan is predicted from the previous frame: P frames cost little, so at a coarse QP they
    # stay close to the I frame's quality instead of collapsing
    clip = torch.stack([torch.roll(textured(64, 96), shifts=2 * t, dims=2) for t in range(6)])[None]
    out = video(clip, torch.tensor([30.0]))
    per_frame = [psnr(out[0, t], clip[0, t]) for t in range(6)]
    assert min(per_frame[1:]) > per_frame[0] - 3


def test_degradations_are_reproducible_and_sized():
    gt = torch.stack([render(textured(200, 300), random_path(8, 64, 96, 200, 300, torch.Generator().manual_seed(s)),
                             64, 96) for s in range(3)])
    a, ra = degrade_batch(gt, 2, torch.Generator().manual_seed(7))
    b, rb = degrade_batch(gt, 2, torch.Generator().manual_seed(7))
    assert a.shape == (3, 8, 3, 32, 48)
    assert torch.equal(a, b) and [r.describe() for r in ra] == [r.describe() for r in rb]
    assert torch.equal(a, (a * 255).round() / 255)           # 8-bit values
    clean, rec = degrade_batch(gt, 4, torch.Generator(), DegradeConfig(p_clean=1.0))
    assert torch.equal(clean, bicubic_down(gt, 4)) and rec[0].describe() == "bicubic"


def test_png_and_ppm_round_trip(tmp_path):
    rgb = (np.arange(5 * 7 * 3) % 256).astype(np.uint8).reshape(5, 7, 3)
    path = tmp_path / "x.png"
    write_png(str(path), rgb)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and b"IHDR" in data and data.endswith(b"IEND\xaeB`\x82")
    ppm = b"P6\n# comment\n7 5\n255\n" + rgb.tobytes()
    assert np.array_equal(_parse_ppm(ppm), rgb)


@pytest.mark.parametrize("scale", [2, 4])
def test_every_recipe_runs(scale):
    gt = render(textured(300, 300), random_path(12, 64, 64, 300, 300, torch.Generator().manual_seed(0)), 64, 64)
    gen = torch.Generator().manual_seed(scale)
    for _ in range(6):
        lq, recipes = degrade_batch(gt[None], scale, gen)
        assert lq.shape == (1, 12, 3, 64 // scale, 64 // scale) and torch.isfinite(lq).all()


def test_footage_list_keeps_the_evaluation_clips_out_of_training():
    clips = {c.id: c for c in read_footage_list()}
    assert clips["vtest"].split == "train"
    assert clips["cockatoo"].split == "heldout" and clips["realshort"].split == "heldout"
    assert clips["tree"].split == "tuning"
    assert all(c.licence and c.credit for c in clips.values())


def write_test_video(path, frames_rgb):
    """uint8 [T, H, W, 3] -> a lossless FFV1 file through the ffmpeg command."""
    t, h, w, _ = frames_rgb.shape
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
                    "-r", "10", "-i", "-", "-c:v", "ffv1", "-pix_fmt", "bgr0", str(path)],
                   input=frames_rgb.tobytes(), check=True)


def test_only_clips_can_be_kept_for_tuning(tmp_path):
    """A tuning-only source is never trained on and never reported; only real clips have that split."""
    row = "x\ttuning\tpkg\tpath/x.avi\tMIT\tsomeone\n"
    (tmp_path / "list.tsv").write_text(row)
    assert read_footage_list(str(tmp_path / "list.tsv"))[0].split == "tuning"
    with pytest.raises(ValueError, match="not one of train, heldout"):
        read_photo_list(str(tmp_path / "list.tsv"))


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs the ffmpeg command")
def test_footage_clips_are_windows_of_the_downscaled_video(tmp_path):
    # every frame carries its index in its brightness, so a clip says which frames it was cut from
    t, h, w = 12, 40, 48
    frames = np.stack([(textured(h, w, seed=i).permute(1, 2, 0).numpy() * 200 + i).astype(np.uint8)
                       for i in range(t)])
    path = tmp_path / "moving.mkv"
    write_test_video(path, frames)
    sampler = FootageSampler([str(path)], torch.device("cpu"))
    small = torch.nn.functional.avg_pool2d(torch.from_numpy(frames).permute(0, 3, 1, 2).float(), 2).round()
    assert torch.equal(sampler.videos[0].float(), small)
    batch = sampler.sample(6, 4, 16, 16, 2, torch.Generator().manual_seed(1), DegradeConfig(p_clean=1.0))
    assert batch.gt.shape == (6, 4, 3, 16, 16) and batch.lq.shape == (6, 4, 8, 8, 3)
    directions = set()
    for clip in batch.gt:
        clip = (clip * 255).round()
        # find the window: the one frame of the video that equals the clip's first frame somewhere
        matches = [(t0, y, x, m) for t0 in range(t) for y in range(small.shape[2] - 15)
                   for x in range(small.shape[3] - 15) for m in (False, True)
                   if torch.equal(clip[0], (small[t0, :, y:y + 16, x:x + 16].flip(-1) if m
                                            else small[t0, :, y:y + 16, x:x + 16]))]
        assert len(matches) == 1
        t0, y, x, m = matches[0]
        step = 1 if t0 + 3 < t and torch.equal(clip[1], _window(small, t0 + 1, y, x, m)) else -1
        directions.add(step)
        for k in range(4):
            assert torch.equal(clip[k], _window(small, t0 + step * k, y, x, m))
    assert directions == {1, -1}    # played forwards and backwards
    again = sampler.sample(6, 4, 16, 16, 2, torch.Generator().manual_seed(1), DegradeConfig(p_clean=1.0))
    assert torch.equal(again.gt, batch.gt) and torch.equal(again.lq, batch.lq)
    with pytest.raises(ValueError, match="smaller than"):
        sampler.sample(1, 13, 16, 16, 2, torch.Generator())


def _window(small, t0, y, x, mirrored):
    w = small[t0, :, y:y + 16, x:x + 16]
    return w.flip(-1) if mirrored else w


def test_soft_targets_blur_whole_clips_and_draw_nothing_when_off():
    clips = torch.stack([torch.stack([textured(32, 48, seed=10 * b + t) for t in range(3)]) for b in range(4)])
    gen = torch.Generator().manual_seed(5)
    assert soften_targets(clips, gen, DegradeConfig()) is clips
    assert torch.equal(gen.get_state(), torch.Generator().manual_seed(5).get_state())   # no draw when off
    soft = soften_targets(clips, torch.Generator().manual_seed(5), DegradeConfig(p_soft_target=1.0))
    assert soft.shape == clips.shape
    for b in range(4):
        # each frame loses high-frequency energy; the mean stays (a normalised kernel)
        def energy(x):
            return (x[..., 1:, :] - x[..., :-1, :]).abs().mean()
        assert energy(soft[b]) < 0.8 * energy(clips[b])
        assert abs(soft[b].mean() - clips[b].mean()) < 0.01
    half = soften_targets(clips, torch.Generator().manual_seed(1), DegradeConfig(p_soft_target=0.5))
    changed = [not torch.equal(half[b], clips[b]) for b in range(4)]
    assert any(changed) and not all(changed)


def test_pngs_are_read_without_pil_or_imagemagick_whatever_their_row_filters(tmp_path):
    """read_image reads 8-bit RGB and RGBA PNGs itself: each of the five row filters, as other tools write them."""
    import struct
    import zlib
    from swiftvr.data.imagefiles import read_image

    rng = np.random.default_rng(3)
    for channels, colour in ((3, 2), (4, 6)):
        image = rng.integers(0, 256, (6, 5, channels), dtype=np.uint8)
        rows, prior = [], np.zeros(5 * channels, np.int32)
        for y in range(6):
            kind = y % 5  # None, Sub, Up, Average, Paeth in turn
            line = image[y].reshape(-1).astype(np.int32)
            filtered = np.zeros_like(line)
            for x in range(line.size):
                left = line[x - channels] if x >= channels else 0
                up, upleft = prior[x], (prior[x - channels] if x >= channels else 0)
                p = left + up - upleft
                paeth = min((abs(p - left), 0, left), (abs(p - up), 1, up), (abs(p - upleft), 2, upleft))[2]
                pred = [0, left, up, (left + up) // 2, paeth][kind]
                filtered[x] = (line[x] - pred) & 0xFF
            rows.append(bytes([kind]) + filtered.astype(np.uint8).tobytes())
            prior = line

        def chunk(tag, body):
            return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

        path = tmp_path / f"filtered{channels}.png"
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 5, 6, 8, colour, 0, 0, 0))
                         + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))
        assert np.array_equal(read_image(str(path)), image[:, :, :3])


def test_camera_noise_grows_with_the_light_and_wide_draws_leave_earlier_clips_alone():
    """degrade.camera_noise: in linear light its spread is larger on a bright flat frame than on a dark one (shot noise;
    in sRGB the gamma lifts the dark one's instead), neighbouring
    pixels' noise is correlated (the demosaic spread), and its mean stays near the frame's. The new degradations draw
    nothing when their probability is 0, so a seed gives the clips of earlier runs; with them on, the recipe says so."""
    import torch
    from swiftvr.data.degrade import DegradeConfig, camera_noise, degrade_batch
    dark, bright = torch.full((2, 3, 64, 64), 0.1), torch.full((2, 3, 64, 64), 0.8)
    noisy_dark = camera_noise(dark, 4e-3, 1e-6, torch.Generator().manual_seed(0))
    noisy_bright = camera_noise(bright, 4e-3, 1e-6, torch.Generator().manual_seed(0))
    assert (noisy_bright ** 2.2).std() > 2 * (noisy_dark ** 2.2).std()
    assert abs(noisy_bright.mean().item() - 0.8) < 0.01
    d = noisy_bright - bright
    neighbour = torch.corrcoef(torch.stack([d[..., :, :-1].flatten(), d[..., :, 1:].flatten()]))[0, 1]
    assert neighbour > 0.3
    clips = torch.rand(2, 4, 3, 32, 32)
    plain, _ = degrade_batch(clips, 2, torch.Generator().manual_seed(3))
    same, _ = degrade_batch(clips, 2, torch.Generator().manual_seed(3), DegradeConfig(p_camera_noise=0.0, p_blur_after=0.0))
    assert torch.equal(plain, same)
    _, recipes = degrade_batch(clips, 2, torch.Generator().manual_seed(3),
                               DegradeConfig(p_clean=0.0, p_camera_noise=1.0, p_blur_after=1.0))
    assert all("camera(" in r.describe() and "blur_after(" in r.describe() for r in recipes)
